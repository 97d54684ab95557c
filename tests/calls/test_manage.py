"""Pilots' call management: permissions on every URL, creation with stages, validation that keeps
what was typed, preview, publication, the locks on a published call and the list's query count."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calls.setup import services
from calls.setup.models import Call, CallKind, StageKind
from pepr.core.models import Axis
from tests.factories import make_call

PARIS = ZoneInfo("Europe/Paris")
DAY = timedelta(days=1)


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def _call_data(**overrides):
    data = {"kind": CallKind.AAP, "code": "aap-2030", "title_fr": "Appel 2030",
            "title_en": "Call 2030", "summary_fr": "Résumé", "summary_en": "Summary",
            "text_fr": "", "text_en": "", "budget_envelope_eur": "3000000",
            "axes": [str(pk) for pk in Axis.objects.values_list("pk", flat=True)[:2]]}
    return {**data, **overrides}


def _stage(index, *, number, kind, opens="", closes="", stage=None, asks_budget=False,
           requires_selected_letters=False, call=None):
    """One stage row as the browser posts it; checkboxes are only posted when ticked."""
    row = {"id": stage.pk if stage else "", "call": call.pk if call else "", "number": number,
           "kind": kind, "opens_at": opens, "closes_at": closes, "reviews_per_application": 2,
           "review_scale": "abc", "summary_max_chars": 2000}
    if asks_budget:
        row["asks_budget"] = "on"
    if requires_selected_letters:
        row["requires_selected_letters"] = "on"
    return {f"stages-{index}-{key}": value for key, value in row.items()}


def _untouched_second_stage(index=1):
    # The new-stage row exactly as the form offers it: left alone, it must be skipped.
    return _stage(index, number=2, kind=StageKind.FULL_PROPOSAL, asks_budget=True,
                  requires_selected_letters=True)


def _management(total, initial=0):
    return {"stages-TOTAL_FORMS": total, "stages-INITIAL_FORMS": initial,
            "stages-MIN_NUM_FORMS": 0, "stages-MAX_NUM_FORMS": 2}


def _ami_post(**overrides):
    return {**_call_data(kind=CallKind.AMI, code="ami-2030", title_fr="AMI tapé 2030"),
            **_management(2),
            **_stage(0, number=1, kind=StageKind.LETTER_OF_INTENT, opens="2030-03-02T17:00",
                     closes="2030-04-02T17:00"),
            **_stage(1, number=2, kind=StageKind.FULL_PROPOSAL, opens="2030-06-01T09:00",
                     closes="2030-07-01T17:00", asks_budget=True, requires_selected_letters=True),
            **overrides}


@pytest.fixture
def draft_call(db):
    now = timezone.now()
    return make_call(kind=CallKind.AAP, published=False, stages=[
        (StageKind.LETTER_OF_INTENT, now + 5 * DAY, now + 20 * DAY)])


def _urls(call):
    stage = call.stages.first()
    return [
        reverse("calls_manage:list"), reverse("calls_manage:create"),
        reverse("calls_manage:edit", args=[call.pk]),
        reverse("calls_manage:preview", args=[call.pk]),
        reverse("calls_manage:publish", args=[call.pk]),
        reverse("calls_manage:stage_documents", args=[call.pk, stage.pk]),
    ]


def test_anonymous_is_sent_to_login(client, draft_call):
    for url in _urls(draft_call):
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302 and "/accounts/login/" in response.url, url


@pytest.mark.parametrize("role", ["applicant", "ccs_member", "anr_officer", "reviewer"])
def test_non_pilots_are_refused_everywhere(client, draft_call, role, request):
    client.force_login(request.getfixturevalue(role))
    other = make_call(published=False)
    missing = Call(pk=draft_call.pk + 10_000)
    for url in _urls(draft_call) + _urls(other)[2:] + [
            reverse("calls_manage:edit", args=[missing.pk])]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, _call_data(title_fr="Piraté")).status_code == 403, url
    draft_call.refresh_from_db()
    assert draft_call.published_at is None and draft_call.title_fr != "Piraté"
    assert not Call.objects.filter(code="aap-2030").exists()


def test_pilot_creates_an_ami_with_two_stages_and_anr_defaults(client, pilot):
    client.force_login(pilot)
    response = client.post(reverse("calls_manage:create"), _ami_post())
    call = Call.objects.get(code="ami-2030")
    assert response.status_code == 302 and response.url == reverse("calls_manage:edit",
                                                                   args=[call.pk])
    assert call.kind == CallKind.AMI and call.title_fr == "AMI tapé 2030"
    assert call.budget_envelope_eur == 3_000_000 and call.created_by == pilot
    assert call.axes.count() == 2 and call.published_at is None
    letters, full = call.stages.order_by("number")
    # datetime-local values are Paris time, whatever the server's clock.
    assert letters.opens_at == datetime(2030, 3, 2, 17, 0, tzinfo=PARIS)
    assert full.closes_at == datetime(2030, 7, 1, 17, 0, tzinfo=PARIS)
    assert (letters.kind, full.kind) == (StageKind.LETTER_OF_INTENT, StageKind.FULL_PROPOSAL)
    assert full.asks_budget and full.requires_selected_letters and not letters.asks_budget
    assert letters.criteria.count() == 2 and full.criteria.count() == 3
    assert list(letters.document_requirements.values_list("title_en", "max_pages")) == [
        ("Letter of intent (PDF)", 4)]
    assert list(full.document_requirements.values_list("title_en", "max_pages")) == [
        ("Scientific document (PDF)", 20)]
    page = client.get(response.url)
    assert page.status_code == 200 and 'value="2030-03-02T17:00"' in page.content.decode()


def test_closing_before_opening_is_refused_and_keeps_what_was_typed(client, pilot):
    client.force_login(pilot)
    _english(client)
    data = _ami_post(**{"stages-0-closes_at": "2030-03-01T17:00"})
    response = client.post(reverse("calls_manage:create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The stage must close after it opens." in html
    assert 'value="AMI tapé 2030"' in html and 'value="2030-03-01T17:00"' in html
    assert not Call.objects.filter(code="ami-2030").exists()


def test_an_ami_with_one_stage_is_refused_and_keeps_what_was_typed(client, pilot):
    client.force_login(pilot)
    _english(client)
    data = {**_ami_post(), **_untouched_second_stage()}
    response = client.post(reverse("calls_manage:create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "An AMI has exactly two stages" in html
    assert 'value="AMI tapé 2030"' in html and 'value="2030-03-02T17:00"' in html
    assert not Call.objects.filter(code="ami-2030").exists()


@pytest.mark.parametrize("changes, field, message", [
    ({"stages-1-opens_at": "2030-03-03T09:00"}, None, "Stage 2 cannot open before stage 1 closes."),
    ({"stages-1-reviews_per_application": "0"}, "reviews_per_application",
     "greater than or equal to 1"),
    # 02:30 does not exist in Paris on the night clocks go forward.
    ({"stages-1-opens_at": "2030-03-31T02:30"}, "opens_at", "Europe/Paris"),
    ({"stages-1-number": "1"}, None, "duplicate"),
])
def test_stage_rules_are_explained_and_nothing_is_saved(client, pilot, changes, field, message):
    client.force_login(pilot)
    _english(client)
    response = client.post(reverse("calls_manage:create"), _ami_post(**changes))
    assert response.status_code == 200
    stages = response.context["stages"]
    errors = stages.forms[1].errors.get(field, []) if field else stages.non_form_errors()
    assert any(message in error for error in errors), errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Call.objects.filter(code="ami-2030").exists()


def test_an_aap_with_one_stage_is_accepted_and_the_untouched_row_skipped(client, pilot):
    client.force_login(pilot)
    data = {**_call_data(), **_management(2), **_untouched_second_stage(),
            **_stage(0, number=1, kind=StageKind.LETTER_OF_INTENT, opens="2030-03-02T17:00",
                     closes="2030-04-02T17:00")}
    assert client.post(reverse("calls_manage:create"), data).status_code == 302
    assert Call.objects.get(code="aap-2030").stages.count() == 1


def test_preview_shows_the_call_with_a_banner_but_it_is_not_public(client, pilot, draft_call):
    client.force_login(pilot)
    _english(client)
    response = client.get(reverse("calls_manage:preview", args=[draft_call.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="preview-banner"' in html
    assert "Preview – not published" in html and draft_call.title_en in html
    assert response.context["call"].pk == draft_call.pk
    assert client.get(reverse("calls:detail", args=[draft_call.code])).status_code == 404
    assert draft_call.title_en not in client.get(reverse("calls:list")).content.decode()


def test_publishing_after_confirmation_makes_the_call_public(client, pilot):
    now = timezone.now()
    call = make_call(published=False, stages=[
        (StageKind.LETTER_OF_INTENT, now - DAY, now + 10 * DAY)])
    client.force_login(pilot)
    _english(client)
    url = reverse("calls_manage:publish", args=[call.pk])
    confirmation = client.get(url)
    assert confirmation.status_code == 200 and 'method="post"' in confirmation.content.decode()
    call.refresh_from_db()
    assert call.published_at is None  # a GET never publishes
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("calls_manage:list")
    assert f"The call “{call.title_en}” is published" in response.content.decode()
    call.refresh_from_db()
    assert call.published_at is not None
    assert client.get(reverse("calls:detail", args=[call.code])).status_code == 200
    assert call.title_en in client.get(reverse("calls:list")).content.decode()
    assert call.title_en in client.get(reverse("home")).content.decode()  # a stage is open


def test_a_call_that_breaks_its_rules_cannot_be_published(client, pilot):
    ami = make_call(kind=CallKind.AMI, published=False)  # one stage only
    client.force_login(pilot)
    _english(client)
    assert "An AMI has exactly two stages" in client.get(
        reverse("calls_manage:publish", args=[ami.pk])).content.decode()
    response = client.post(reverse("calls_manage:publish", args=[ami.pk]))
    assert response.status_code == 409 and "An AMI has exactly two stages" in (
        response.content.decode())
    ami.refresh_from_db()
    assert ami.published_at is None


def _edit_post(call, stage_rows, **call_overrides):
    stages = list(call.stages.order_by("number"))
    current = {"kind": call.kind, "code": call.code, "title_fr": call.title_fr,
               "title_en": call.title_en}
    data = {**_call_data(**{**current, **call_overrides}),
            **_management(len(stage_rows), initial=len(stages))}
    for index, row in enumerate(stage_rows):
        data.update(row)
    return data


def _existing(index, stage, **changes):
    values = {"opens": timezone.localtime(stage.opens_at, PARIS).strftime("%Y-%m-%dT%H:%M"),
              "closes": timezone.localtime(stage.closes_at, PARIS).strftime("%Y-%m-%dT%H:%M"),
              "asks_budget": stage.asks_budget,
              "requires_selected_letters": stage.requires_selected_letters, **changes}
    return _stage(index, number=stage.number, kind=stage.kind, stage=stage, call=stage.call,
                  **values)


def test_editing_a_draft_adds_a_second_stage_with_defaults(client, pilot, draft_call):
    client.force_login(pilot)
    stage = draft_call.stages.get()
    data = _edit_post(draft_call, [
        _existing(0, stage, closes="2030-04-02T17:00"),
        _stage(1, number=2, kind=StageKind.FULL_PROPOSAL, opens="2030-06-01T09:00",
               closes="2030-07-01T17:00", asks_budget=True, requires_selected_letters=True)],
        title_en="Renamed call")
    response = client.post(reverse("calls_manage:edit", args=[draft_call.pk]), data)
    assert response.status_code == 302
    draft_call.refresh_from_db()
    assert draft_call.title_en == "Renamed call"
    first, second = draft_call.stages.order_by("number")
    assert first.pk == stage.pk and first.closes_at == datetime(2030, 4, 2, 17, tzinfo=PARIS)
    assert second.criteria.count() == 3 and second.document_requirements.count() == 1


def test_a_closed_stage_of_a_published_call_cannot_be_changed(client, pilot):
    now = timezone.now().replace(second=0, microsecond=0)
    call = make_call(stages=[(StageKind.LETTER_OF_INTENT, now - 20 * DAY, now - DAY)])
    stage = call.stages.get()
    client.force_login(pilot)
    _english(client)
    url = reverse("calls_manage:edit", args=[call.pk])
    assert "it can no longer be changed" in client.get(url).content.decode()
    # A page loaded before the deadline posts the moved window: refused aloud, not dropped.
    moved = _edit_post(call, [_existing(0, stage, closes="2030-01-01T17:00")])
    response = client.post(url, moved)
    assert response.status_code == 200
    assert "it can no longer be changed" in str(response.context["stages"].forms[0].errors)
    stage.refresh_from_db()
    assert stage.closes_at == now - DAY
    with pytest.raises(ValidationError):
        services.update_stage(stage, closes_at=now + DAY)
    with pytest.raises(ValidationError):
        services.remove_stage(stage)


def test_an_open_stage_can_be_extended_not_brought_forward(client, pilot):
    now = timezone.now().replace(second=0, microsecond=0)
    call = make_call(stages=[(StageKind.LETTER_OF_INTENT, now - DAY, now + 10 * DAY)])
    stage = call.stages.get()
    client.force_login(pilot)
    _english(client)
    url = reverse("calls_manage:edit", args=[call.pk])
    earlier = timezone.localtime(now + 5 * DAY, PARIS).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, _edit_post(call, [_existing(0, stage, closes=earlier)]))
    assert "can be extended, not brought forward" in response.content.decode()
    stage.refresh_from_db()
    assert stage.closes_at == now + 10 * DAY
    later = timezone.localtime(now + 15 * DAY, PARIS).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, _edit_post(call, [_existing(0, stage, closes=later)])
                       ).status_code == 302
    stage.refresh_from_db()
    assert stage.closes_at == now + 15 * DAY


def test_an_opened_stage_cannot_be_removed(client, pilot):
    call = make_call()
    stage = call.stages.get()
    client.force_login(pilot)
    _english(client)
    data = _edit_post(call, [{**_existing(0, stage), "stages-0-DELETE": "on"}])
    response = client.post(reverse("calls_manage:edit", args=[call.pk]), data)
    assert "Stage 1 has opened: it can no longer be removed." in response.content.decode()
    assert call.stages.filter(pk=stage.pk).exists()


def test_a_draft_stage_can_be_removed(client, pilot):
    now = timezone.now()
    call = make_call(published=False, stages=[
        (StageKind.LETTER_OF_INTENT, now + DAY, now + 2 * DAY),
        (StageKind.FULL_PROPOSAL, now + 3 * DAY, now + 4 * DAY)])
    first, second = call.stages.order_by("number")
    client.force_login(pilot)
    data = _edit_post(call, [_existing(0, first), {**_existing(1, second),
                                                   "stages-1-DELETE": "on"}])
    assert client.post(reverse("calls_manage:edit", args=[call.pk]), data).status_code == 302
    assert list(call.stages.values_list("pk", flat=True)) == [first.pk]


def test_the_kind_and_code_of_a_published_call_are_fixed(client, pilot):
    call = make_call()
    client.force_login(pilot)
    data = _edit_post(call, [_existing(0, call.stages.get())], kind=CallKind.AMI, code="renamed")
    response = client.post(reverse("calls_manage:edit", args=[call.pk]), data)
    assert set(response.context["form"].errors) == {"kind", "code"}
    with pytest.raises(ValidationError):
        services.update_call(call, code="renamed")
    call.refresh_from_db()
    assert (call.kind, call.code) != (CallKind.AMI, "renamed")


def _documents_post(stage, rows):
    requirements = list(stage.document_requirements.order_by("position"))
    data = {"documents-TOTAL_FORMS": len(rows), "documents-INITIAL_FORMS": len(requirements),
            "documents-MIN_NUM_FORMS": 0, "documents-MAX_NUM_FORMS": 1000}
    for index, row in enumerate(rows):
        data.update({f"documents-{index}-{key}": value for key, value in row.items()})
    return data


def test_pilot_edits_the_documents_a_stage_asks_for(client, pilot, draft_call):
    stage = draft_call.stages.get()
    requirement = stage.document_requirements.get()
    client.force_login(pilot)
    url = reverse("calls_manage:stage_documents", args=[draft_call.pk, stage.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _documents_post(stage, [
        {"id": requirement.pk, "title_fr": "Lettre", "title_en": "Letter", "max_pages": 3,
         "max_size_mb": 5, "is_required": "on"},
        {"id": "", "title_fr": "Annexe", "title_en": "Annex", "max_pages": 2,
         "max_size_mb": 5},
    ]))
    assert response.status_code == 302
    assert list(stage.document_requirements.order_by("position").values_list(
        "title_en", "max_pages", "is_required")) == [("Letter", 3, True), ("Annex", 2, False)]


def test_documents_of_an_opened_stage_cannot_change(client, pilot):
    call = make_call()  # published, its stage is open
    stage = call.stages.get()
    requirement = stage.document_requirements.get()
    client.force_login(pilot)
    url = reverse("calls_manage:stage_documents", args=[call.pk, stage.pk])
    client.post(url, _documents_post(stage, [
        {"id": requirement.pk, "title_fr": "X", "title_en": "X", "max_pages": 99,
         "max_size_mb": 5, "is_required": "on"}]))
    requirement.refresh_from_db()
    assert requirement.max_pages == 4


def test_a_stage_is_only_reached_through_its_own_call(client, pilot, draft_call):
    other = make_call(published=False)
    client.force_login(pilot)
    url = reverse("calls_manage:stage_documents", args=[other.pk, draft_call.stages.get().pk])
    assert client.get(url).status_code == 404


def test_the_list_shows_every_call_with_its_state(client, pilot, draft_call):
    published = make_call()
    client.force_login(pilot)
    response = client.get(reverse("calls_manage:list"))
    html = response.content.decode()
    assert f'id="call-{draft_call.pk}" data-state="draft"' in html
    assert f'id="call-{published.pk}" data-state="published"' in html


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("calls_manage:list")).status_code == 200
    return len(queries)


def test_the_list_runs_as_many_queries_for_30_calls_as_for_3(client, pilot):
    client.force_login(pilot)
    for _ in range(3):
        make_call(published=False)
    few = _list_queries(client)
    for _ in range(27):
        make_call()
    response = client.get(reverse("calls_manage:list"))
    assert len(response.context["page"].object_list) == 25  # paged
    assert _list_queries(client) == few
