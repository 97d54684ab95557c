"""The applicant's pages: permissions on every object URL, nothing lost on bad input, paging."""
import re

import pytest
from django.urls import reverse

from calls.applications import services as submission
from calls.applications.models import Application, ApplicationStatus
from tests.calls.helpers import complete
from tests.factories import ApplicationFactory, UserFactory, make_call
from tests.pdfs import fake_pdf_upload, pdf_upload


@pytest.fixture
def stage(db):
    return make_call().stages.get()


@pytest.fixture
def draft(stage, applicant):
    return submission.start_application(stage, by=applicant)


def _object_urls(application):
    document = application.documents.first()
    urls = [reverse(name, args=[application.pk]) for name in (
        "calls:application", "calls:edit_application", "calls:reopen_application",
        "calls:withdraw_application")]
    if document:
        urls.append(reverse("calls:download_document", args=[application.pk, document.pk]))
    return urls


def test_another_applicant_cannot_open_or_detect_an_application(client, draft, applicant,
                                                                 other_applicant):
    complete(draft, applicant)
    client.force_login(other_applicant)
    for url in _object_urls(draft):
        assert client.get(url).status_code == 404, url
    missing = reverse("calls:application", args=[draft.pk + 1000])
    assert client.get(missing).status_code == 404  # same answer as for an existing one
    for name in ("calls:submit_application", "calls:invite_partner", "calls:withdraw_application"):
        assert client.post(reverse(name, args=[draft.pk]), {"email": "x@example.org",
                                                            "access": "edit"}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and not draft.invitations.exists()


def test_anonymous_is_sent_to_login(client, draft):
    for url in _object_urls(draft):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_programme_staff_can_read_but_not_change(client, draft, pilot):
    client.force_login(pilot)
    assert client.get(reverse("calls:application", args=[draft.pk])).status_code == 200
    assert client.get(reverse("calls:edit_application", args=[draft.pk])).status_code == 403


def test_a_superuser_reads_but_neither_changes_nor_withdraws_someone_elses_file(
        client, draft, applicant):
    complete(draft, applicant)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("calls:application", args=[draft.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("calls:withdraw_application", args=[draft.pk]) not in html
    assert reverse("calls:edit_application", args=[draft.pk]) not in html
    assert client.get(reverse("calls:edit_application", args=[draft.pk])).status_code == 403
    for name in ("calls:submit_application", "calls:withdraw_application"):
        assert client.post(reverse(name, args=[draft.pk])).status_code == 403, name
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_edit_saves_draft_with_two_partners(client, draft, applicant):
    client.force_login(applicant)
    url = reverse("calls:edit_application", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "title": "Nouveau titre", "acronym": "NT", "summary_fr": "Résumé", "summary_en": "",
        "keywords": "a, b", "partners-TOTAL_FORMS": "3", "partners-INITIAL_FORMS": "1",
        "partners-MIN_NUM_FORMS": "0", "partners-MAX_NUM_FORMS": "30",
        "partners-0-laboratory": "Lab A", "partners-0-lead_name": "Ada",
        "partners-0-lead_email": "ada@example.org", "partners-0-role": "coordinator",
        "partners-1-laboratory": "Lab B", "partners-1-lead_name": "Bob",
        "partners-1-lead_email": "bob@example.org", "partners-1-role": "partner",
        "partners-1-rnsr": "200918488s",
        "partners-2-role": "partner",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Nouveau titre"
    assert list(draft.partners.values_list("laboratory", "rnsr")) == [
        ("Lab A", ""), ("Lab B", "200918488S")]


def test_bad_input_is_explained_and_nothing_typed_is_lost(client, draft, applicant):
    client.force_login(applicant)
    url = reverse("calls:edit_application", args=[draft.pk])
    requirement = draft.stage.document_requirements.get()
    response = client.post(url, {
        "title": "Titre gardé", "summary_fr": "x" * 3000, "partners-TOTAL_FORMS": "1",
        "partners-INITIAL_FORMS": "1", "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "30", "partners-0-laboratory": "Lab A",
        "partners-0-lead_name": "Ada", "partners-0-lead_email": "not-an-email",
        "partners-0-role": "coordinator", f"document_{requirement.pk}": fake_pdf_upload(),
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "Titre gardé" in html and "x" * 3000 in html
    assert "Saisissez une adresse e-mail valide." in html
    # The error under the French summary, as Django words it in French (the limit alone is
    # always on the page, in the field's help text).
    summary_error = re.search(r'id="id_summary_fr_error"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert " ".join(re.sub(r"<[^>]+>", " ", summary_error).split()) == (
        "Assurez-vous que cette valeur comporte au plus 2000 caractères (actuellement 3000).")
    draft.refresh_from_db()
    assert draft.title == ""  # nothing half-saved


def test_a_refused_upload_keeps_the_rest_saved(client, draft, applicant):
    client.force_login(applicant)
    url = reverse("calls:edit_application", args=[draft.pk])
    requirement = draft.stage.document_requirements.get()
    response = client.post(url, {
        "title": "Titre gardé", "partners-TOTAL_FORMS": "1", "partners-INITIAL_FORMS": "1",
        "partners-MIN_NUM_FORMS": "0", "partners-MAX_NUM_FORMS": "30",
        "partners-0-laboratory": "Lab A", "partners-0-lead_name": "Ada",
        "partners-0-lead_email": "ada@example.org", "partners-0-role": "coordinator",
        f"document_{requirement.pk}": pdf_upload(9),
    })
    assert response.status_code == 200
    assert "9" in response.content.decode() and 'value="Titre gardé"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Titre gardé" and not draft.documents.exists()


def test_text_typed_when_the_session_expired_comes_back_after_login(client, draft, applicant):
    url = reverse("calls:edit_application", args=[draft.pk])
    response = client.post(url, {"title": "Texte tapé pendant une heure",
                                 "summary_fr": "Long résumé"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.post(reverse("account_login"), {"login": applicant.email,
                                           "password": "correct-horse-battery"})
    html = client.get(url).content.decode()
    assert 'value="Texte tapé pendant une heure"' in html and "Long résumé" in html
    # Restored once, then gone: a later visit shows the saved draft.
    assert "Texte tapé" not in client.get(url).content.decode()


def test_restored_text_is_not_shown_to_another_user(client, draft, other_applicant):
    url = reverse("calls:edit_application", args=[draft.pk])
    client.post(url, {"title": "Secret"})
    client.force_login(other_applicant)
    assert client.get(url).status_code == 404


def test_submit_from_the_page_then_receipt_and_timeline(client, draft, applicant,
                                                        django_capture_on_commit_callbacks):
    complete(draft, applicant)
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calls:submit_application", args=[draft.pk]), follow=True)
    html = response.content.decode()
    assert "version 1" in html
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    assert html.count('<time datetime=') == 2  # draft, then submitted


def test_incomplete_submit_says_what_is_missing(client, draft, applicant):
    client.force_login(applicant)
    response = client.post(reverse("calls:submit_application", args=[draft.pk]), follow=True)
    assert "incomplète" in response.content.decode()


def test_my_applications_is_paged_with_a_constant_number_of_queries(
        client, applicant, stage, django_assert_max_num_queries):
    client.force_login(applicant)
    url = reverse("calls:my_applications")
    ApplicationFactory.create_batch(3, stage=stage, coordinator=applicant)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    ApplicationFactory.create_batch(40, stage=stage, coordinator=applicant)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert len(response.context["page"].object_list) == 25
    assert Application.objects.filter(coordinator=applicant).count() == 43


def test_call_list_queries_do_not_grow_with_calls(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_call()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("calls:list"))
    for _ in range(15):
        make_call()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("calls:list"))
    assert len(many) == len(few)


def test_application_page_queries_do_not_grow_with_partners(client, draft, applicant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PartnerFactory

    client.force_login(applicant)
    url = reverse("calls:application", args=[draft.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    PartnerFactory.create_batch(10, application=draft)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
