"""The project pages as each reader sees them: who reads the list, a project and its reports; the
list's filters in the URL; pinned query counts; a deliverable's evidence; the report form from
draft to submitted and the pilots' review; co-editors' invitations by e-mail."""
import re
from datetime import timedelta

import pytest
import rules
from django.urls import reverse
from django.utils import timezone

from pepr.core.models import OutboundEmail
from projects.follow_up import services as project_services
from projects.models import (
    Deliverable,
    DeliverableStatus,
    Project,
    ProjectEditor,
    ProjectOrigin,
    ProjectPartner,
    ProjectReport,
    ProjectStatus,
    ReportBudgetLine,
)
from projects.reports import services as report_services
from tests.factories import OrganisationFactory, UserFactory
from tests.pdfs import fake_pdf_upload, pdf_upload
from tests.projects.factories import annual_report, axis, running_project
from tests.projects.test_report_workflow import complete


def _login(client, user):
    """Sign `user` in, reading the pages in English."""
    if user.language != "en":
        user.language = "en"
        user.save(update_fields=["language"])
    client.force_login(user)
    return client


def _text(response):
    return response.content.decode()


@pytest.fixture
def project(applicant):
    return running_project(applicant)


@pytest.fixture
def submitted(project, applicant):
    report = annual_report(project)
    complete(report, applicant)
    return report_services.submit(report, by=applicant)


def _co_editor(project, coordinator, *, accepted=True, email="coeditor@example.org"):
    person = UserFactory(email=email)
    editor = project_services.invite_editor(project, email=email, by=coordinator)
    if accepted:
        project_services.accept_invitation(editor.token, user=person)
    return person


# --- Who reads what -------------------------------------------------------------------------

def _statuses(client, project, report):
    return tuple(client.get(url).status_code for url in (
        reverse("projects:list"), reverse("projects:detail", args=[project.pk]),
        reverse("projects:report", args=[report.pk])))


def test_anonymous_visitors_are_sent_to_sign_in(client, project, submitted):
    for url in (reverse("projects:list"), reverse("projects:detail", args=[project.pk]),
                reverse("projects:report", args=[submitted.pk]), reverse("projects:mine")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")


@pytest.mark.parametrize("who, expected", [
    # (list, project, submitted report)
    ("stranger", (403, 404, 404)),
    ("reviewer", (403, 404, 404)),
    ("pending co-editor", (403, 404, 404)),
    ("coordinator", (403, 200, 200)),
    ("co-editor", (403, 200, 200)),
    ("pilot", (200, 200, 200)),
    ("anr_officer", (200, 200, 200)),
    ("ccs_member", (200, 200, 200)),
    ("superuser", (200, 200, 200)),
])
def test_who_reads_the_list_a_project_and_its_report(client, request, project, submitted,
                                                     applicant, who, expected):
    people = {
        "stranger": lambda: UserFactory(),
        "reviewer": lambda: request.getfixturevalue("reviewer"),
        "pending co-editor": lambda: _co_editor(project, applicant, accepted=False),
        "coordinator": lambda: applicant,
        "co-editor": lambda: _co_editor(project, applicant),
        "pilot": lambda: request.getfixturevalue("pilot"),
        "anr_officer": lambda: request.getfixturevalue("anr_officer"),
        "ccs_member": lambda: request.getfixturevalue("ccs_member"),
        "superuser": lambda: request.getfixturevalue("administrator"),
    }
    _login(client, people[who]())
    assert _statuses(client, project, submitted) == expected


def test_a_draft_is_read_by_the_team_only(client, project, applicant, pilot, anr_officer,
                                          ccs_member, administrator):
    draft = annual_report(project)
    for person in (pilot, anr_officer, ccs_member, administrator):
        _login(client, person)
        assert client.get(reverse("projects:report", args=[draft.pk])).status_code == 403
        page = _text(client.get(reverse("projects:detail", args=[project.pk])))
        # The title is listed, without a link to its content.
        assert draft.title in page
        assert reverse("projects:report", args=[draft.pk]) not in page
    for person in (applicant, _co_editor(project, applicant)):
        _login(client, person)
        page = _text(client.get(reverse("projects:report", args=[draft.pk])))
        assert "Save draft" in page and "Submit the report" in page


def test_only_a_pilot_is_offered_the_review(client, submitted, pilot, anr_officer, ccs_member,
                                            administrator, applicant):
    url = reverse("projects:report", args=[submitted.pk])
    _login(client, pilot)
    assert "Review by the Comité de Pilotage" in _text(client.get(url))
    for person in (anr_officer, ccs_member, administrator, applicant):
        _login(client, person)
        page = _text(client.get(url))
        assert "Public summary." in page  # the submitted version is read
        assert "Review by the Comité de Pilotage" not in page
        assert "Save draft" not in page


def test_a_superuser_reads_every_project_but_does_not_review(client, submitted, administrator):
    # Programme staff includes superusers (pepr.core.rules); reviewing is for the pilots only.
    assert rules.has_perm("projects.list_projects", administrator)
    assert rules.has_perm("projects.view_report_content", administrator, submitted)
    assert not rules.has_perm("projects.review_report", administrator, submitted)
    assert not rules.has_perm("projects.accept_deliverable", administrator, submitted.project)
    _login(client, administrator)
    response = client.post(reverse("projects:review_report", args=[submitted.pk]),
                           {"action": "accept"}, follow=True)
    assert "You are not allowed to do this." in _text(response)
    assert ProjectReport.objects.get(pk=submitted.pk).status == "submitted"


def test_my_projects_lists_what_one_coordinates_or_co_edits(client, project, applicant):
    co_editor = _co_editor(project, applicant)
    pending = _co_editor(project, applicant, accepted=False, email="later@example.org")
    for person in (applicant, co_editor):
        page = _text(_login(client, person).get(reverse("projects:mine")))
        assert reverse("projects:detail", args=[project.pk]) in page
        assert "My projects" in page
    page = _text(_login(client, pending).get(reverse("projects:mine")))
    assert "You coordinate or co-edit no project." in page


# --- The list's filters ---------------------------------------------------------------------

def _fill_slot(axis_number, position, **fields):
    Project.objects.filter(origin=ProjectOrigin.PRIORITY, axis__number=axis_number,
                           position=position).update(**fields)
    return Project.objects.get(origin=ProjectOrigin.PRIORITY, axis__number=axis_number,
                               position=position)


def _rows(page):
    """The projects the list shows, by their page's address."""
    return {int(pk) for pk in re.findall(r'href="/projects/(\d+)/"', page)}


def test_the_filters_in_the_url_narrow_the_rows(client, project, pilot):
    neurogen = _fill_slot(2, 1, acronym="NEUROGEN", title_en="Gene therapy of the brain",
                          title_fr="Thérapie génique du cerveau", status=ProjectStatus.PREPARING)
    curie = UserFactory(first_name="Marie", last_name="Curie")
    imagine = Project.objects.create(origin=ProjectOrigin.AAP, axis=axis(3), acronym="IMAGINE",
                                     title_fr="Imagerie", title_en="Imaging", coordinator=curie,
                                     status=ProjectStatus.RUNNING)
    governance = Project.objects.get(origin=ProjectOrigin.GOVERNANCE)
    _login(client, pilot)
    url = reverse("projects:list")

    page = _text(client.get(url))
    assert _rows(page) == {project.pk, neurogen.pk, imagine.pk, governance.pk}
    assert "4 projects match." in page
    # Empty priority slots are not projects yet.
    assert Project.objects.filter(origin=ProjectOrigin.PRIORITY, acronym="").count() == 10

    for query, expected in [
        ({"axis": 1}, {project}), ({"axis": 2}, {neurogen}),
        ({"origin": "aap"}, {imagine}), ({"origin": "governance"}, {governance}),
        ({"status": "preparing"}, {neurogen}),
        ({"late": "on"}, {project}),  # D1.1 is planned and a month past its due date
        ({"q": "curie"}, {imagine}), ({"q": "brain"}, {neurogen}), ({"q": "cart"}, {project}),
        ({"status": "running", "origin": "priority"}, {project}),
    ]:
        page = _text(client.get(url, query))
        assert _rows(page) == {p.pk for p in expected}, query
        assert (f"{len(expected)} project matches." if len(expected) == 1
                else f"{len(expected)} projects match.") in page, query

    page = _text(client.get(url, {"axis": 9, "q": "cart"}))
    assert _rows(page) == set()
    assert "0 projects match." in page and "No project matches these filters." in page
    error = re.search(r'id="error_1_id_axis"[^>]*>(.*?)</', page, re.DOTALL) or re.search(
        r'class="invalid-feedback"[^>]*>\s*<strong>(.*?)</strong>', page, re.DOTALL)
    assert error and "Select a valid choice" in error.group(1)
    assert 'value="cart"' in page  # what was typed stays in the form


def test_the_list_shows_fifty_projects_a_page(client, pilot):
    Project.objects.bulk_create(
        Project(origin=ProjectOrigin.AAP, axis=axis(1 + n % 4), acronym=f"AAP{n:02d}",
                title_fr=f"Projet {n}", title_en=f"Project {n}", status=ProjectStatus.RUNNING)
        for n in range(55))
    _login(client, pilot)
    first = _text(client.get(reverse("projects:list"), {"origin": "aap"}))
    assert len(_rows(first)) == 50
    assert "55 projects match." in first and "Page 1 of 2" in first
    assert "origin=aap&amp;page=2" in first  # the filters follow to the next page
    second = _text(client.get(reverse("projects:list"), {"origin": "aap", "page": 2}))
    assert len(_rows(second)) == 5 and not _rows(first) & _rows(second)


# --- Pinned query counts --------------------------------------------------------------------

# Session, user, the reader's committees, roles and permissions, the menus' EXISTS, then the
# projects' COUNT and page. The project page reads the project, its partners, work packages,
# deliverables, reports, co-editors, spent total and history; a pilot's permissions then ask
# the co-editors once for the page, once per report state (four here) and once for the
# deliverables, and the conflict of interest once.
QUERIES = {"list": 8, "mine": 10, "detail (pilot)": 14, "detail (coordinator)": 16}


STATES = ("draft", "submitted", "returned", "accepted")


def _follow_up(project, coordinator, n):
    """`n` more partners, deliverables (some delivered) and reports (some submitted)."""
    start = project.partners.count()
    partners = ProjectPartner.objects.bulk_create(
        ProjectPartner(project=project, position=start + i + 1,
                       laboratory=f"{project} unit {start + i}",
                       organisation=OrganisationFactory(), budget_eur=10_000)
        for i in range(n))
    today = timezone.localdate()
    for i in range(n):
        deliverable = Deliverable.objects.create(
            project=project, code=f"X{start + i}", title=f"Item {i}",
            due_date=today + timedelta(days=i - n // 2))
        if i % 2:
            project_services.deliver(deliverable, by=coordinator, evidence=pdf_upload(),
                                     inspected=type("Inspected", (), {"pages": 1,
                                                                      "sha256": "0" * 64})())
        report = annual_report(project, year=2024 + i % 5, days=i - n // 2)
        ReportBudgetLine.objects.create(report=report, partner=partners[i], year=report.year,
                                        allocated_eur=1000, spent_eur=i)
        # Every state in turn: the project page asks a report's readability once per state.
        status = STATES[i % len(STATES)]
        ProjectReport.objects.filter(pk=report.pk).update(
            status=status, version=0 if status == "draft" else 1)
    return project


def _aap_project(coordinator, n):
    project = Project.objects.create(
        origin=ProjectOrigin.AAP, axis=axis(1 + n % 4), acronym=f"AAP{n}", title_fr=f"P{n}",
        title_en=f"P{n}", coordinator=coordinator, budget_eur=100_000,
        status=ProjectStatus.RUNNING)
    return _follow_up(project, coordinator, 2)


def _pinned(client, django_assert_num_queries, key, url):
    assert client.get(url).status_code == 200  # warms the session and the ContentType cache
    with django_assert_num_queries(QUERIES[key], info=key):
        response = client.get(url)
    assert response.status_code == 200
    return _text(response)


def test_the_list_and_my_projects_keep_their_query_count(client, django_assert_num_queries,
                                                         project, applicant, pilot):
    _follow_up(project, applicant, 2)
    _aap_project(applicant, 1)
    _login(client, pilot)
    assert len(_rows(_pinned(client, django_assert_num_queries, "list",
                             reverse("projects:list")))) == 3  # with the governance
    _login(client, applicant)
    assert len(_rows(_pinned(client, django_assert_num_queries, "mine",
                             reverse("projects:mine")))) == 2
    for n in range(2, 12):
        _aap_project(applicant, n)
    _login(client, pilot)
    assert len(_rows(_pinned(client, django_assert_num_queries, "list",
                             reverse("projects:list")))) == 13
    _login(client, applicant)
    assert len(_rows(_pinned(client, django_assert_num_queries, "mine",
                             reverse("projects:mine")))) == 12


def test_the_project_page_keeps_its_query_count(client, django_assert_num_queries, project,
                                                applicant, pilot):
    url = reverse("projects:detail", args=[project.pk])
    _follow_up(project, applicant, len(STATES))
    _co_editor(project, applicant)
    readers = (("detail (pilot)", pilot), ("detail (coordinator)", applicant))
    for key, person in readers:
        _login(client, person)
        _pinned(client, django_assert_num_queries, key, url)
    _follow_up(project, applicant, 16)
    for n in range(3):
        _co_editor(project, applicant, accepted=bool(n % 2), email=f"co{n}@example.org")
    for key, person in readers:
        _login(client, person)
        page = _pinned(client, django_assert_num_queries, key, url)
        assert page.count("<tr") > 40


# --- Deliverables ---------------------------------------------------------------------------

def test_the_coordinator_records_a_delivery_with_its_evidence(client, project, applicant):
    item = project.deliverables.get(code="D1.1")
    url = reverse("projects:deliver", args=[item.pk])
    _login(client, applicant)
    detail = _text(client.get(reverse("projects:detail", args=[project.pk])))
    assert url in detail and "Late" in detail

    response = client.post(url, {"evidence": fake_pdf_upload("lot.pdf")})
    assert response.status_code == 200
    page = _text(response)
    assert "Error:" in page and "This file is not a PDF document." in page
    assert 'id="error_1_id_evidence"' in page or "Evidence (PDF): This file is not" in page
    item.refresh_from_db()
    assert (item.status, item.evidence.name, item.delivered_by) == ("planned", "", None)

    response = client.post(url, {})  # nothing attached, and no evidence yet
    assert "Attach the evidence (a PDF) of this item." in _text(response)
    assert Deliverable.objects.get(pk=item.pk).status == "planned"

    response = client.post(url, {"evidence": pdf_upload(pages=2, name="lot-clinique.pdf")},
                           follow=True)
    assert "D1.1 is recorded as delivered." in _text(response)
    item.refresh_from_db()
    assert (item.status, item.evidence_name, item.evidence_pages, item.delivered_by) == (
        "delivered", "lot-clinique.pdf", 2, applicant)
    row = re.search(r"<tr[^>]*><td>D1\.1</td>.*?</tr>", _text(response), re.DOTALL).group(0)
    assert "Delivered" in row and "lot-clinique.pdf" in row and "Late" not in row


def test_the_pilot_accepts_a_delivered_item(client, project, applicant, pilot):
    item = project.deliverables.get(code="D1.1")
    accept = reverse("projects:accept_deliverable", args=[item.pk])
    _login(client, pilot)
    assert client.get(reverse("projects:deliver", args=[item.pk])).status_code == 403
    response = client.post(accept, follow=True)  # not delivered yet
    assert "Only a delivered item can be accepted." in _text(response)
    project_services.deliver(item, by=applicant, evidence=pdf_upload(),
                             inspected=type("Inspected", (), {"pages": 1, "sha256": "0" * 64})())
    assert accept in _text(client.get(reverse("projects:detail", args=[project.pk])))
    response = client.post(accept, follow=True)
    assert "D1.1 is accepted." in _text(response)
    item.refresh_from_db()
    assert (item.status, item.accepted_by) == (DeliverableStatus.ACCEPTED, pilot)
    # An accepted item is no longer changed by the team.
    _login(client, applicant)
    response = client.post(reverse("projects:deliver", args=[item.pk]),
                           {"evidence": pdf_upload()})
    assert "This item was accepted: it can no longer be changed." in _text(response)
    assert client.post(accept).status_code == 302
    assert Deliverable.objects.get(pk=item.pk).accepted_by == pilot


def test_the_evidence_is_downloaded_by_readers_only(client, project, applicant, pilot,
                                                    anr_officer, ccs_member, reviewer,
                                                    administrator):
    item = project.deliverables.get(code="D1.1")
    project_services.deliver(item, by=applicant, evidence=pdf_upload(name="preuve.pdf"),
                             inspected=type("Inspected", (), {"pages": 1, "sha256": "0" * 64})())
    url = reverse("projects:evidence", args=[item.pk])
    assert client.get(url).status_code == 302
    for person in (applicant, _co_editor(project, applicant), pilot, anr_officer, ccs_member,
                   administrator):
        response = _login(client, person).get(url)
        assert response.status_code == 200, person
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert "preuve.pdf" in response["Content-Disposition"]
    for person in (UserFactory(), reviewer,
                   _co_editor(project, applicant, accepted=False, email="later@example.org")):
        assert _login(client, person).get(url).status_code == 404, person
    missing = project.deliverables.get(code="M1")  # nothing attached
    assert _login(client, pilot).get(
        reverse("projects:evidence", args=[missing.pk])).status_code == 404


# --- The report page ------------------------------------------------------------------------

def _report_data(report, **values):
    data = {"public_summary_fr": "Résumé pour le public.",
            "public_summary_en": "A summary for the public.",
            "publications_count": "4", "patents_count": "1", "fixed_term_staff_count": "3"}
    for partner in report.project.partners.all():
        data[f"allocated_{partner.pk}"] = "500000"
        data[f"spent_{partner.pk}"] = "420000"
    data.update(values)
    return data


def test_the_draft_is_saved_with_a_budget_row_per_partner(client, project, applicant):
    report = annual_report(project)
    url = reverse("projects:report", args=[report.pk])
    _login(client, applicant)
    page = _text(client.get(url))
    partners = list(project.partners.order_by("position"))
    for partner in partners:
        assert f'name="allocated_{partner.pk}"' in page and f'name="spent_{partner.pk}"' in page
        assert f"{partner.laboratory}: spent in 2025 (€)" in page
    assert "Before you can submit:" in page

    response = client.post(url, {**_report_data(report), "save": "1"}, follow=True)
    assert "Your draft is saved." in _text(response)
    report.refresh_from_db()
    assert (report.status, report.public_summary_en, report.patents_count) == (
        "draft", "A summary for the public.", 1)
    lines = {(line.partner_id, line.year): (line.allocated_eur, line.spent_eur)
             for line in report.budget_lines.all()}
    assert lines == {(p.pk, 2025): (500_000, 420_000) for p in partners}
    page = _text(response)
    assert 'value="420000"' in page and "A summary for the public." in page


def test_a_negative_amount_is_shown_on_its_field_and_nothing_typed_is_lost(client, project,
                                                                           applicant):
    report = annual_report(project)
    partner = project.partners.order_by("position").first()
    _login(client, applicant)
    response = client.post(reverse("projects:report", args=[report.pk]), {
        **_report_data(report, public_summary_en="Typed but not yet saved."),
        f"spent_{partner.pk}": "-5", "save": "1"})
    assert response.status_code == 200
    page = _text(response)
    assert "Error:" in page
    cell = re.search(rf'name="spent_{partner.pk}".*?</td>', page, re.DOTALL).group(0)
    assert "Ensure this value is greater than or equal to 0." in cell
    assert 'value="-5"' in cell
    assert "Typed but not yet saved." in page and "Résumé pour le public." in page
    report.refresh_from_db()
    assert (report.public_summary_en, report.budget_lines.count()) == ("", 0)


def test_a_submission_with_missing_pieces_shows_them_on_their_fields(client, project,
                                                                     applicant):
    report = annual_report(project)
    _login(client, applicant)
    response = client.post(reverse("projects:report", args=[report.pk]), {
        "public_summary_fr": "Résumé déjà écrit.", "submit": "1"})
    assert response.status_code == 200
    page = _text(response)
    for label, message in [("Public summary in English", "Write the public summary."),
                           ("Publications", "Enter a number (0 if none)."),
                           ("Scientific report (PDF)", "Attach the scientific report (PDF)."),
                           ]:
        assert f"{label}: {message}" in page, label
    assert "Enter the budget allocated and spent by every partner team." in page
    assert "Résumé déjà écrit." in page
    report.refresh_from_db()
    # The draft keeps what was written; it is not submitted.
    assert (report.status, report.version, report.public_summary_fr) == (
        "draft", 0, "Résumé déjà écrit.")


def test_a_complete_report_is_submitted_then_reviewed(client, project, applicant, pilot):
    report = annual_report(project)
    url = reverse("projects:report", args=[report.pk])
    _login(client, applicant)
    response = client.post(url, {**_report_data(report), "submit": "1",
                                 "scientific_report": pdf_upload(pages=4, name="rapport.pdf")},
                           follow=True)
    page = _text(response)
    assert "The report is submitted to the Comité de Pilotage." in page
    assert "<strong>Status:</strong> Submitted" in page and "(version 1)" in page
    assert "Submitted version 1" in page and "rapport.pdf" in page
    assert "Save draft" not in page
    report.refresh_from_db()
    assert (report.status, report.version, report.scientific_report_pages) == ("submitted", 1, 4)
    # A submitted report is not changed by a forged form.
    assert client.post(url, {**_report_data(report), "save": "1"}).status_code == 403

    _login(client, pilot)
    review = reverse("projects:review_report", args=[report.pk])
    response = client.post(review, {"action": "send_back", "comments": "  "}, follow=True)
    assert "Say what the coordinator should change." in _text(response)
    assert ProjectReport.objects.get(pk=report.pk).status == "submitted"
    response = client.post(review, {"action": "send_back", "comments": "Detail WP1."},
                           follow=True)
    assert "The report is sent back to the coordinator with your comments." in _text(response)
    assert ProjectReport.objects.get(pk=report.pk).status == "returned"

    _login(client, applicant)
    page = _text(client.get(url))
    assert "Comments of the Comité de Pilotage" in page and "Detail WP1." in page
    assert "Sent back" in page and "Save draft" in page
    pdf = client.get(reverse("projects:scientific_report", args=[report.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


# --- Co-editors -----------------------------------------------------------------------------

def test_an_invitation_is_e_mailed_with_its_link(client, project, applicant):
    _login(client, applicant)
    response = client.post(reverse("projects:invite_editor", args=[project.pk]),
                           {"email": "Colleague@Example.org"}, follow=True)
    assert "An invitation was sent to colleague@example.org." in _text(response)
    editor = ProjectEditor.objects.get(project=project)
    email = OutboundEmail.objects.get(recipient="colleague@example.org")
    link = reverse("projects:accept_invitation", args=[editor.token])
    assert link in email.body and "CARTHERA" in email.subject
    assert "invitation pending" in _text(response)

    response = client.post(reverse("projects:invite_editor", args=[project.pk]),
                           {"email": "colleague@example.org"}, follow=True)
    assert "This person is already invited." in _text(response)
    assert OutboundEmail.objects.filter(recipient="colleague@example.org").count() == 1

    # The link works for the person it was sent to only.
    response = _login(client, UserFactory()).get(link, follow=True)
    assert "This invitation was sent to another e-mail address." in _text(response)
    colleague = UserFactory(email="colleague@example.org")
    response = _login(client, colleague).get(link, follow=True)
    assert "You now co-edit the project CARTHERA." in _text(response)
    assert response.redirect_chain[-1][0] == reverse("projects:detail", args=[project.pk])
    assert rules.has_perm("projects.edit_deliverable", colleague, project)
