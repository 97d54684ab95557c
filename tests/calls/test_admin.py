"""The admin goes through the services (issue 13): a stage's window and a call's code keep the
rules of the pilots' pages, stages and documents are only shown there, and an application with a
status history cannot be deleted. Driven through the real admin, posting what its page holds."""
import threading
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from calls.applications.models import Application
from calls.applications.services import start_application
from calls.setup.models import CallKind, Stage, StageKind
from tests.admin_forms import change_form_data
from tests.concurrency import in_thread
from tests.factories import ApplicationFactory, UserFactory, make_call

PARIS = ZoneInfo("Europe/Paris")
DAY = timedelta(days=1)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def _stage_url(stage):
    return reverse("admin:calls_stage_change", args=[stage.pk])


def _when(moment):
    """The admin's two inputs (date, time) for a moment, in Paris time, as the English page has."""
    local = moment.astimezone(PARIS)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


def _post_stage(client, stage, **moments):
    data = change_form_data(client.get(_stage_url(stage)), "stage")
    for name, moment in moments.items():
        data[f"{name}_0"], data[f"{name}_1"] = _when(moment)
    return client.post(_stage_url(stage), data)


def _window(stage):
    stage.refresh_from_db()
    return stage.opens_at, stage.closes_at


def _open_stage():
    now = timezone.now()
    return make_call(stages=[(StageKind.LETTER_OF_INTENT, now - DAY, now + 10 * DAY)]).stages.get()


def test_the_opening_of_an_open_stage_is_refused_with_the_reason(admin_client):
    stage = _open_stage()
    before = _window(stage)
    response = _post_stage(admin_client, stage, opens_at=stage.opens_at - DAY)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "has been open since" in errors["opens_at"][0]
    assert "has been open since" in response.content.decode()
    assert _window(stage) == before


def test_an_open_stage_deadline_is_extended_but_never_brought_forward(admin_client):
    stage = _open_stage()
    before = _window(stage)
    response = _post_stage(admin_client, stage, closes_at=stage.closes_at - DAY)
    assert response.status_code == 200
    assert "can be extended, not brought forward" in response.content.decode()
    assert _window(stage) == before
    later = (stage.closes_at + 2 * DAY).replace(microsecond=0)
    assert _post_stage(admin_client, stage, closes_at=later).status_code == 302
    assert _window(stage) == (before[0], later)


def test_a_closed_stage_is_frozen_but_its_review_settings_still_change(admin_client):
    now = timezone.now()
    stage = make_call(stages=[(StageKind.LETTER_OF_INTENT, now - 10 * DAY, now - DAY)]
                      ).stages.get()
    data = change_form_data(admin_client.get(_stage_url(stage)), "stage")
    response = admin_client.post(_stage_url(stage), {**data, "reviews_per_application": "3"})
    assert response.status_code == 200
    assert "it can no longer be changed" in response.content.decode()
    due = (now + 20 * DAY).replace(microsecond=0)
    data["review_due_at_0"], data["review_due_at_1"] = _when(due)
    assert admin_client.post(_stage_url(stage), data).status_code == 302
    stage.refresh_from_db()
    assert (stage.reviews_per_application, stage.review_due_at) == (2, due)


def test_the_call_plan_is_checked_as_on_the_pilots_page(admin_client):
    now = timezone.now()
    call = make_call(kind=CallKind.AMI, published=False, stages=[
        (StageKind.LETTER_OF_INTENT, now + 5 * DAY, now + 20 * DAY),
        (StageKind.FULL_PROPOSAL, now + 30 * DAY, now + 60 * DAY)])
    second = call.stages.get(number=2)
    before = _window(second)
    response = _post_stage(admin_client, second, opens_at=now + 10 * DAY)
    assert response.status_code == 200
    assert "Stage 2 cannot open before stage 1 closes." in response.content.decode()
    assert _window(second) == before


def test_the_stages_and_documents_are_only_shown_and_lead_to_the_pilots_pages(admin_client):
    stage = _open_stage()
    call, before = stage.call, _window(stage)
    url = reverse("admin:calls_call_change", args=[call.pk])
    page = admin_client.get(url)
    data = change_form_data(page, "call")
    assert "stages-0-opens_at_0" not in data
    assert reverse("calls_manage:edit", args=[call.pk]) in page.content.decode()
    # A stage value slipped into the post is not an inline field: it changes nothing.
    day, hour = _when(stage.opens_at - DAY)
    response = admin_client.post(url, {**data, "title_en": "Renamed",
                                       "stages-0-opens_at_0": day, "stages-0-opens_at_1": hour})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title_en == "Renamed" and _window(stage) == before
    page = admin_client.get(_stage_url(stage))
    data = change_form_data(page, "stage")
    assert "document_requirements-0-max_pages" not in data
    assert "criteria-0-title_en" not in data  # frozen once the stage has opened
    documents = reverse("calls_manage:stage_documents", args=[call.pk, stage.pk])
    assert documents in page.content.decode()


def test_criteria_are_edited_until_the_stage_opens(admin_client):
    now = timezone.now()
    stage = make_call(stages=[(StageKind.LETTER_OF_INTENT, now + DAY, now + 10 * DAY)]
                      ).stages.get()
    data = change_form_data(admin_client.get(_stage_url(stage)), "stage")
    assert admin_client.post(_stage_url(stage),
                             {**data, "criteria-0-title_en": "Ambition"}).status_code == 302
    assert stage.criteria.order_by("position").first().title_en == "Ambition"


def test_a_published_call_keeps_its_code(admin_client):
    call = _open_stage().call
    url = reverse("admin:calls_call_change", args=[call.pk])
    data = change_form_data(admin_client.get(url), "call")
    response = admin_client.post(url, {**data, "code": "renamed"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["code"] == [
        "The call is published: this can no longer change."]
    call.refresh_from_db()
    assert call.code != "renamed"


def test_calls_and_stages_are_added_on_the_pilots_pages_and_published_ones_stay(admin_client):
    stage = _open_stage()
    assert admin_client.get(reverse("admin:calls_call_add")).status_code == 403
    assert admin_client.get(reverse("admin:calls_stage_add")).status_code == 403
    for url in (reverse("admin:calls_stage_delete", args=[stage.pk]),
                reverse("admin:calls_call_delete", args=[stage.call_id])):
        assert admin_client.post(url, {"post": "yes"}).status_code == 403, url
    assert Stage.objects.filter(pk=stage.pk).exists()
    now = timezone.now()
    draft = make_call(kind=CallKind.AMI, published=False, stages=[
        (StageKind.LETTER_OF_INTENT, now + DAY, now + 10 * DAY),
        (StageKind.FULL_PROPOSAL, now + 20 * DAY, now + 30 * DAY)])
    second = draft.stages.get(number=2)
    response = admin_client.post(reverse("admin:calls_stage_delete", args=[second.pk]),
                                 {"post": "yes"})
    assert response.status_code == 302
    assert list(draft.stages.values_list("number", flat=True)) == [1]
    response = admin_client.post(reverse("admin:calls_call_delete", args=[draft.pk]),
                                 {"post": "yes"})
    assert response.status_code == 302
    assert not Stage.objects.filter(call_id=draft.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_change_the_service_refuses_under_its_lock_is_rolled_back(client):
    # Transactional, so the flush removed the reference data: load it as a deployment does.
    call_command("load_reference_data", verbosity=0)
    administrator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(administrator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    now = timezone.now()
    stage = make_call(stages=[(StageKind.LETTER_OF_INTENT, now + 5 * DAY, now + 20 * DAY)]
                      ).stages.get()
    data = change_form_data(client.get(_stage_url(stage)), "stage")
    data["opens_at_0"], data["opens_at_1"] = _when(now + 3 * DAY)
    locked, results, opened = threading.Event(), [], now - timedelta(hours=1)

    def open_the_stage_meanwhile():
        # Another writer holds the row while the admin's form checks, then opens the stage.
        with transaction.atomic():
            Stage.objects.select_for_update().get(pk=stage.pk)
            locked.set()
            time.sleep(1)
            Stage.objects.filter(pk=stage.pk).update(opens_at=opened)
        return "opened"

    thread = in_thread(open_the_stage_meanwhile, results)
    locked.wait(5)
    response = client.post(_stage_url(stage), data)
    thread.join(10)
    assert results == ["opened"]
    assert response.status_code == 302 and response.url == _stage_url(stage)
    assert any("has been open since" in str(message)
               for message in get_messages(response.wsgi_request))
    assert _window(stage)[0] == opened


def test_an_application_with_a_status_history_cannot_be_deleted(admin_client, applicant):
    started = start_application(_open_stage(), by=applicant)
    assert started.status_changes.exists()
    without_history = ApplicationFactory()
    change = admin_client.get(reverse("admin:calls_application_change", args=[started.pk]))
    delete = reverse("admin:calls_application_delete", args=[started.pk])
    assert change.status_code == 200 and delete not in change.content.decode()
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "post": "yes",
            "_selected_action": [started.pk, without_history.pk]}
    changelist = reverse("admin:calls_application_changelist")
    assert admin_client.post(changelist, bulk).status_code == 403
    assert Application.objects.filter(pk__in=[started.pk, without_history.pk]).count() == 2
    # Without a history there is no trail to keep: the rule is about the history.
    bulk["_selected_action"] = [without_history.pk]
    assert admin_client.post(changelist, bulk).status_code == 302
    assert list(Application.objects.values_list("pk", flat=True)) == [started.pk]
