"""Background PDF reports: the five kinds built in French and English, the uploaded PDFs of a
dossier and of a project report, fonts and the refusal of remote files, who may request, follow
and download, reuse of an unchanged report, and a real Celery worker building one after the
request returned."""
import io
import re
import socket
import time
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from calls.decisions import services as decisions
from calls.evaluation import services as evaluation
from calls.setup.models import StageKind
from governance import services as voting
from governance.models import Committee
from pepr.core import pdf
from pepr.core.models import CommitteeCode
from pepr.core.paris import PARIS
from pepr.reports import services as reports
from pepr.reports.models import Report, ReportStatus
from pepr.reports.sources import SOURCES
from projects.follow_up import services as project_services
from projects.models import (Deliverable, DeliverableKind, DeliverableStatus, GovernanceAction,
                             Project, ProjectStatus, WorkPackage)
from projects.reports import services as project_reports
from tests.calls.helpers import complete
from tests.factories import UserFactory, make_call, member_of, same_unit
from tests.pdfs import pdf_upload
from tests.projects.factories import annual_report, running_project
from tests.worker import celery_worker

S = ApplicationStatus


# --- helpers ----------------------------------------------------------------------------------

def build(kind, target, language, by, capture):
    """Request a report and run the queued build, as the eager Celery of the tests does."""
    with capture(execute=True):
        report = reports.request_report(kind, target, language=language, by=by)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    return report


def reader(report):
    with report.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def text_of(report):
    # French numbers are grouped with no-break spaces: compare them as plain spaces.
    text = "\n".join(page.extract_text() for page in reader(report).pages)
    return text.replace("\xa0", " ").replace("\u202f", " ")


def flat(text):
    """The text with table cells' line breaks undone, to look for phrases."""
    return " ".join(text.split())


def submit_new(stage, applicant):
    application = complete(submission.start_application(stage, by=applicant), applicant)
    return submission.submit(application, by=applicant)[0]


def review(application, reviewer, pilot, value):
    assignment = evaluation.assign(application, reviewer, by=pilot)
    evaluation.sign_declaration(application.stage.call, reviewer=reviewer)
    scores = {c.pk: (value, "") for c in application.stage.criteria.all()}
    evaluation.save_review(assignment, by=reviewer, scores=scores, recommendation="support")
    return evaluation.submit_review(assignment, by=reviewer)


@pytest.fixture
def stage(db):
    return make_call(title_fr="Appel lettres BBTI", title_en="BBTI letters call",
                     budget_envelope_eur=2_000_000).stages.get()


@pytest.fixture
def application(stage, applicant):
    return submit_new(stage, applicant)


@pytest.fixture
def conflicted_pilot(applicant):
    return member_of(CommitteeCode.STEERING, **same_unit(applicant))


@pytest.fixture
def session(application, applicant, pilot, ccs_member):
    """A CCS session: two members present (one recused by a conflict), one absent, one ballot
    closed and adopted, its decision recorded."""
    conflicted = member_of(CommitteeCode.CCS, **same_unit(applicant),
                           first_name="Irène", last_name="Recusée")
    member_of(CommitteeCode.CCS, first_name="Absent", last_name="Member")
    ccs = Committee.objects.get(code=CommitteeCode.CCS)
    session = voting.create_session(committee=ccs, title="Séance CCS de sélection",
                                    held_at=timezone.now(), by=pilot, stage=application.stage)
    voting.set_attendance(session, present_ids=[ccs_member.pk, conflicted.pk], by=pilot)
    [item] = voting.add_to_agenda(session, [application], motion=S.SELECTED, by=pilot)
    voting.open_ballot(item, by=pilot)
    voting.cast_vote(item, voter=ccs_member, choice="for")
    item = voting.close_ballot(item, by=pilot)
    voting.decide_from_ballot(item, by=pilot)
    return session


def fill(report, by, *, summary_en="Public summary.", spent=420_000):
    """Everything a report needs to be submitted, through the service the form calls."""
    project_reports.save_draft(
        report, by=by,
        values={"public_summary_fr": "Résumé public.", "public_summary_en": summary_en,
                "publications_count": 4, "patents_count": 1, "fixed_term_staff_count": 3},
        budget={partner.pk: (500_000, spent) for partner in report.project.partners.all()},
        scientific_report=pdf_upload(pages=3, name="rapport-scientifique.pdf"),
        inspected=SimpleNamespace(pages=3))


@pytest.fixture
def project(db, applicant, pilot):
    """A funded AAP application followed as a project: a late deliverable, a delivered
    milestone, one outside the work packages; an accepted report, a late one, a future one."""
    now = timezone.now()
    full = make_call(stages=[(StageKind.FULL_PROPOSAL, now - timedelta(days=1),
                              now + timedelta(days=5))]).stages.get()
    application = submit_new(full, applicant)
    decisions.decide(application, S.RECOMMENDED, by=pilot)
    decisions.decide(application, S.FUNDED, by=member_of(CommitteeCode.BOARD))
    application.refresh_from_db()
    project = project_services.create_from_application(application, by=pilot)
    Project.objects.filter(pk=project.pk).update(
        status=ProjectStatus.RUNNING, start_date=date(2025, 1, 1), duration_months=36,
        anr_reference="ANR-25-PEBB-0007")
    project.partners.update(budget_eur=500_000)
    project.refresh_from_db()
    today = timezone.localdate(timezone=PARIS)
    work_package = WorkPackage.objects.create(project=project, number=1, title_fr="Capsides",
                                              title_en="Capsids", budget_eur=300_000)
    Deliverable.objects.create(project=project, work_package=work_package, code="D1.1",
                               title="Atlas des capsides", due_date=today - timedelta(days=10))
    Deliverable.objects.create(project=project, work_package=work_package, code="M1",
                               kind=DeliverableKind.MILESTONE, title="Premier lot",
                               due_date=today - timedelta(days=40),
                               status=DeliverableStatus.DELIVERED,
                               delivered_at=now - timedelta(days=41))
    Deliverable.objects.create(project=project, code="D2.1", title="Protocole clinique",
                               due_date=today + timedelta(days=90))
    accepted = project_reports.schedule(project, kind="annual", title="Annual review 2025",
                                        year=2025, due_at=now - timedelta(days=30), by=None)
    fill(accepted, applicant)
    project_reports.submit(accepted, by=applicant)
    project_reports.review(accepted, by=pilot, action="accept")
    project_reports.schedule(project, kind="annual", title="Annual review 2026", year=2026,
                             due_at=now - timedelta(days=1), by=None)
    project_reports.schedule(project, kind="final", title="Final report",
                             due_at=now + timedelta(days=300), by=None)
    return project


# --- each kind, in English and in French -------------------------------------------------------

def test_dossier_has_every_field_and_the_uploaded_pages(application, pilot,
                                                       django_capture_on_commit_callbacks):
    report = build("dossier", application, "en", pilot, django_capture_on_commit_callbacks)
    text = text_of(report)
    for expected in ("Application dossier", application.reference, "Vecteurs AAV ciblés",
                     "AAVCIB", "Summary in English", "Summary.", "Résumé.", "AAV, ciblage",
                     "500,000", "Partners", "Lab A", "ada@example.org", "Submitted versions",
                     "Documents", "letter.pdf", application.coordinator.email, "PEPR BBTI"):
        assert expected in text, expected
    source = SOURCES["dossier"]
    generated = PdfReader(io.BytesIO(pdf.render_pdf(
        source.template, {**source.context(application), "generated_at": timezone.now()},
        language="en")))
    uploaded = sum(d.pages for d in application.documents.all())
    pages = reader(report).pages
    assert uploaded == 2 and len(pages) == len(generated.pages) + uploaded
    assert f"1 / {len(generated.pages)}" in pages[0].extract_text()
    assert all(not page.extract_text().strip() for page in pages[-uploaded:])  # blank uploads
    bookmarks = [item.title for item in reader(report).outline if not isinstance(item, list)]
    assert bookmarks[-1].endswith("letter.pdf")  # each appended document has its bookmark


def test_dossier_in_french(application, applicant, django_capture_on_commit_callbacks):
    report = build("dossier", application, "fr", applicant, django_capture_on_commit_callbacks)
    text = text_of(report)
    assert report.language == "fr"
    for expected in (application.reference, "Référence", "Partenaires", "Lab A", "500 000"):
        assert expected in text, expected
    assert "Partners" not in text


def test_call_report_has_statistics_charts_and_the_ranking(
        stage, application, applicant, reviewer, pilot, django_capture_on_commit_callbacks):
    second = submit_new(stage, UserFactory())
    submit_new(stage, UserFactory())  # in competition, not reviewed yet
    submission.start_application(stage, by=UserFactory())  # a draft: counted, not ranked
    review(application, reviewer, pilot, "A")
    review(second, reviewer, pilot, "B")
    other = UserFactory()
    review(second, other, pilot, "C")
    decisions.decide(application, S.SELECTED, by=pilot)
    call = stage.call
    report = build("call", call, "en", pilot, django_capture_on_commit_callbacks)
    text = text_of(report)
    for expected in ("Call report", "BBTI letters call", "Applications by status",
                     "Applications in competition by axis", "Requested budget and envelope",
                     "Review completion", "Ranking of stage 1", "Mean scores of the applications",
                     "2,000,000", "PEPR BBTI"):
        assert expected in text, expected
    ranking = [line for line in text.splitlines()
               if any(a.reference in line for a in (application, second))]
    # Best first: 3.00 (one review, selected) before 1.50 (two reviews).
    assert application.reference in ranking[0] and "3.00" in ranking[0]
    assert "Selected" in ranking[0]
    assert second.reference in ranking[1] and "1.50" in ranking[1]
    # The charts reach WeasyPrint as inline, accessible SVG.
    source = SOURCES["call"]
    html = render_to_string(source.template, {**source.context(call),
                                              "generated_at": timezone.now()})
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 4
    french = text_of(build("call", call, "fr", pilot, django_capture_on_commit_callbacks))
    assert application.reference in french and "3,00" in french and "1,50" in french
    assert "2 000 000" in french and "Appel lettres BBTI" in french


def test_call_report_reads_a_fixed_number_of_queries(stage, applicant, reviewer, pilot):
    call = stage.call

    def queries():
        with CaptureQueriesContext(connection) as captured:
            reports.fingerprint("call", call)
            context = SOURCES["call"].context(call)
            for item in context["stages"]:
                list(item["lines"])
        return len(captured)

    review(submit_new(stage, applicant), reviewer, pilot, "A")
    few = queries()
    for _ in range(4):
        review(submit_new(stage, UserFactory()), reviewer, pilot, "B")
    assert queries() == few


def test_minutes_have_attendance_tally_recusals_and_decisions(
        session, application, pilot, django_capture_on_commit_callbacks):
    text = text_of(build("minutes", session, "en", pilot, django_capture_on_commit_callbacks))
    for expected in ("Minutes", "Séance CCS de sélection", "Attendance", "2 members present",
                     "1 absent", "Absent Member", application.reference, "Selected", "Closed",
                     "Adopted", "Recusals", "Irène Recusée", "Decisions recorded"):
        assert expected in text, expected
    item = session.items.get()
    assert (item.eligible, item.votes_for, item.votes_against, item.abstentions) == (1, 1, 0, 0)
    french = text_of(build("minutes", session, "fr", pilot, django_capture_on_commit_callbacks))
    assert "Séance CCS de sélection" in french and application.reference in french
    assert "Irène Recusée" in french


def test_project_progress_has_summary_partners_budget_items_and_reports(
        project, applicant, django_capture_on_commit_callbacks):
    text = flat(text_of(build("project", project, "en", applicant,
                              django_capture_on_commit_callbacks)))
    for expected in ("Project progress report", "AAVCIB", "Vecteurs AAV ciblés", "AAP project",
                     "Running", "ANR-25-PEBB-0007", project.application.reference,
                     "Partners and budget", "Lab A", "Ada", "ada@example.org",
                     "3 milestones and deliverables, 1 late.",
                     "3 reports, 1 accepted, 1 late.", "WP1: Capsids",
                     "Outside the work packages", "Protocole clinique"):
        assert expected in text, expected
    # The partner's row: allocated, then spent in the accepted report only.
    assert "1 Lab A – Ada ada@example.org Coordinating team 500,000 420,000" in text
    # A late item says so in words, on its own row; the others say their state.
    assert re.search(r"D1\.1 Deliverable Atlas des capsides [^|]{4,25}? Late", text)
    assert re.search(r"M1 Milestone Premier lot [^|]{4,25}? Delivered", text)
    assert re.search(r"D2\.1 Deliverable Protocole clinique [^|]{4,25}? Planned", text)
    assert re.search(r"Annual review 2025 Annual report 2025 .*? 1 Accepted", text)
    assert re.search(r"Annual review 2026 Annual report 2026 .*? 0 Draft – Late", text)
    assert re.search(r"Final report Final report .*? 0 Draft(?! – Late)", text)
    french = flat(text_of(build("project", project, "fr", applicant,
                                django_capture_on_commit_callbacks)))
    assert "AAVCIB" in french and "Annual review 2026" in french and "500 000" in french
    assert "420 000" in french and "Atlas des capsides" in french


def test_project_progress_of_every_origin(db, applicant, pilot,
                                          django_capture_on_commit_callbacks):
    """A priority project and the governance have no application; the governance spends its
    budget in actions."""
    priority = running_project(applicant)
    text = flat(text_of(build("project", priority, "en", applicant,
                              django_capture_on_commit_callbacks)))
    for expected in ("CARTHERA", "Priority project", "U1234 Immunothérapie",
                     "UMR 9876 Bioprocédés", "4,000,000", "WP1: Production"):
        assert expected in text, expected
    assert "Application" not in text
    assert re.search(r"D1\.1 Deliverable Lot clinique [^|]{4,25}? Late", text)
    governance = project_services.load_governance_project(priority.axis.programme)
    event = governance.work_packages.order_by("number").first()
    GovernanceAction.objects.create(work_package=event, kind="event", title="Journées BBTI",
                                    held_on=date(2026, 6, 3), budget_eur=30_000,
                                    spent_eur=12_500)
    text = flat(text_of(build("project", governance, "en", pilot,
                              django_capture_on_commit_callbacks)))
    for expected in ("Governance", "Journées BBTI", "30,000", "No partner.",
                     "Spent by the governance actions (€) 12,500"):
        assert expected in text, expected
    assert len(re.findall(r"WP\d: ", text)) == governance.work_packages.count() == 5


def test_project_progress_reads_a_fixed_number_of_queries(project, applicant):
    source = SOURCES["project"]

    def queries():
        target = source.load(project.pk)
        with CaptureQueriesContext(connection) as captured:
            source.summary(target)
            render_to_string(source.template, {**source.context(target),
                                               "generated_at": timezone.now()})
        return len(captured)

    few = queries()
    work_package = project.work_packages.get()
    for number in range(2, 12):
        Deliverable.objects.create(project=project, work_package=work_package,
                                   code=f"D1.{number}", title="Lot", due_date=date(2030, 1, 1))
    WorkPackage.objects.create(project=project, number=2, title_fr="B", title_en="B")
    project.partners.create(laboratory="Lab B", lead_name="Bob", budget_eur=1)
    assert queries() == few


# --- a submitted project report ---------------------------------------------------------------

@pytest.fixture
def submitted_report(applicant):
    report = annual_report(running_project(applicant))
    fill(report, applicant, summary_en="Our vectors reach the heart muscle.")
    return project_reports.submit(report, by=applicant)


def test_a_submitted_report_prints_its_frozen_version_and_its_scientific_report(
        submitted_report, applicant, django_capture_on_commit_callbacks):
    report = build("preport", submitted_report, "en", applicant,
                   django_capture_on_commit_callbacks)
    text = flat(text_of(report))
    for expected in ("Rapport annuel 2025", "CARTHERA", "Annual report 2025", "Version 1",
                     "Submitted", "Public summary in English",
                     "Our vectors reach the heart muscle.", "Résumé public.",
                     "Publications 4", "Patents 1", "Fixed-term staff recruited 3",
                     "rapport-scientifique.pdf (3 pages), appended to this PDF",
                     "Late when the report was submitted: 1.",
                     "U1234 Immunothérapie 2025 500,000 420,000",
                     "UMR 9876 Bioprocédés 2025 500,000 420,000"):
        assert expected in text, expected
    assert re.search(r"D1\.1 Deliverable Lot clinique [^|]{4,25}? Late", text)
    assert re.search(r"M1 Milestone Premier patient [^|]{4,25}? Planned", text)
    assert "Total 1,000,000 840,000" in text
    # The scientific report's three (blank) pages follow, with their bookmark.
    pages = reader(report).pages
    assert all(not page.extract_text().strip() for page in pages[-3:])
    assert "PEPR BBTI" in pages[-4].extract_text()
    bookmarks = [item.title for item in reader(report).outline if not isinstance(item, list)]
    assert bookmarks[-1] == "Scientific report – rapport-scientifique.pdf"
    french = flat(text_of(build("preport", submitted_report, "fr", applicant,
                                django_capture_on_commit_callbacks)))
    assert "Résumé public." in french and "500 000" in french and "CARTHERA" in french


def test_a_new_version_rebuilds_the_report_pdf(submitted_report, applicant, pilot,
                                               django_capture_on_commit_callbacks):
    def fresh():  # as the request view loads it
        return SOURCES["preport"].load(submitted_report.pk)

    first = build("preport", fresh(), "en", pilot, django_capture_on_commit_callbacks)
    fingerprint = reports.fingerprint("preport", fresh())
    assert first.fingerprint == fingerprint
    project_reports.review(submitted_report, by=pilot, action="send_back",
                           comments="Détaillez le WP1.")
    project_reports.save_draft(submitted_report, by=applicant,
                               values={"public_summary_en": "Revised: the WP1 in detail."})
    # While the coordinator edits, the PDF still prints the version the programme received.
    text = flat(text_of(build("preport", fresh(), "en", pilot,
                              django_capture_on_commit_callbacks)))
    assert "Our vectors reach the heart muscle." in text and "Sent back" in text
    assert "Revised" not in text
    project_reports.submit(submitted_report, by=applicant)
    rebuilt = build("preport", fresh(), "en", pilot, django_capture_on_commit_callbacks)
    assert rebuilt.pk == first.pk and rebuilt.fingerprint != fingerprint
    text = flat(text_of(rebuilt))
    assert "Revised: the WP1 in detail." in text and "Version 2" in text


def test_a_report_never_submitted_has_no_pdf(client, applicant):
    draft = annual_report(running_project(applicant))
    client.force_login(applicant)
    assert client.post(reverse("reports:request", args=["preport", draft.pk])).status_code == 404
    assert not Report.objects.exists()


# --- fonts, header, remote files ---------------------------------------------------------------

def _font_files(page):
    found = []
    for reference in page["/Resources"]["/Font"].values():
        font = reference.get_object()
        descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
        for descendant in descendants:
            descriptor = descendant["/FontDescriptor"].get_object()
            found.append(("/FontFile2" in descriptor) or ("/FontFile3" in descriptor))
    return found


def test_fonts_are_embedded_and_every_page_has_the_header(application, pilot,
                                                          django_capture_on_commit_callbacks):
    report = build("call", application.stage.call, "en", pilot,
                   django_capture_on_commit_callbacks)
    pages = reader(report).pages
    for number, page in enumerate(pages, start=1):
        embedded = _font_files(page)
        assert embedded and all(embedded)
        assert "PEPR BBTI" in page.extract_text()
        assert f"{number} / {len(pages)}" in page.extract_text()


def _template(tmp_path, settings, body):
    (tmp_path / "page.html").write_text(f"<html><body><p>Bonjour</p>{body}</body></html>")
    settings.TEMPLATES = [{**django_settings.TEMPLATES[0],
                           "DIRS": [tmp_path, *django_settings.TEMPLATES[0]["DIRS"]]}]
    return "page.html"


def test_render_pdf_never_fetches_a_remote_file(monkeypatch, tmp_path, settings):
    template = _template(tmp_path, settings,
                         '<img src="http://example.com/x.png" alt="">'
                         '<link rel="stylesheet" href="https://example.com/a.css">')
    attempts = []

    def no_network(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    try:
        rendered = pdf.render_pdf(template, {}, language="fr")
    except Exception:  # stopping the rendering is an acceptable way to refuse
        rendered = None
    assert attempts == []  # not even a DNS lookup: the URL was refused before any fetch
    if rendered is not None:
        assert "Bonjour" in PdfReader(io.BytesIO(rendered)).pages[0].extract_text()


def test_render_pdf_may_read_local_static_files(tmp_path, settings):
    from django.contrib.staticfiles import finders

    css = finders.find("css/pdf.css")
    template = _template(tmp_path, settings, f'<link rel="stylesheet" href="file://{css}">')
    assert pdf.render_pdf(template, {}, language="fr").startswith(b"%PDF")


# --- permissions -----------------------------------------------------------------------------

def _urls(kind, target_id, report_id):
    return (reverse("reports:request", args=[kind, target_id]),
            reverse("reports:status", args=[report_id]),
            reverse("reports:download", args=[report_id]))


def _assert_reads(client, user, kind, target_id, report, allowed):
    request_url, status_url, download_url = _urls(kind, target_id, report.pk)
    client.logout()
    if user is not None:
        client.force_login(user)
    responses = [client.post(request_url), client.get(status_url), client.get(download_url)]
    if user is None:
        assert all(r.status_code == 302 and "/accounts/login/" in r.url for r in responses)
    elif allowed:
        assert responses[0].status_code == 302
        assert responses[0].url == reverse("reports:status", args=[report.pk])
        assert responses[1].status_code == 200
        assert responses[2].status_code == 200
        assert responses[2]["Content-Type"] == "application/pdf"
        assert b"".join(responses[2].streaming_content).startswith(b"%PDF")
    else:
        assert [r.status_code for r in responses] == [404, 404, 404]


def test_who_may_request_follow_and_download_a_dossier(
        client, application, applicant, other_applicant, conflicted_pilot, pilot, anr_officer,
        django_capture_on_commit_callbacks):
    report = build("dossier", application, "fr", pilot, django_capture_on_commit_callbacks)
    for user, allowed in [(None, False), (other_applicant, False), (conflicted_pilot, False),
                          (pilot, True), (anr_officer, True), (applicant, True)]:
        _assert_reads(client, user, "dossier", application.pk, report, allowed)
    assert Report.objects.count() == 1  # nobody denied created a row


def test_who_may_read_call_minutes_and_project_reports(
        client, session, project, application, applicant, other_applicant, conflicted_pilot,
        pilot, anr_officer, ccs_member, django_capture_on_commit_callbacks):
    call_report = build("call", application.stage.call, "fr", pilot,
                        django_capture_on_commit_callbacks)
    minutes = build("minutes", session, "fr", pilot, django_capture_on_commit_callbacks)
    progress = build("project", project, "fr", pilot, django_capture_on_commit_callbacks)
    accepted = project.reports.get(title="Annual review 2025")
    submitted = build("preport", accepted, "fr", pilot, django_capture_on_commit_callbacks)
    co_editor = UserFactory()
    project.editors.create(email=co_editor.email, user=co_editor, accepted_at=timezone.now())
    invited = UserFactory()
    project.editors.create(email=invited.email, user=invited)
    matrix = [
        ("call", application.stage.call.pk, call_report,
         [(None, False), (applicant, False), (other_applicant, False), (ccs_member, False),
          (pilot, True), (anr_officer, True)]),  # a conflicted pilot: see the test below
        ("minutes", session.pk, minutes,
         [(None, False), (applicant, False), (anr_officer, False), (pilot, True),
          (ccs_member, True)]),
        # Committee members read every project; a co-editor reads once they accepted.
        ("project", project.pk, progress,
         [(None, False), (other_applicant, False), (invited, False), (applicant, True),
          (co_editor, True), (pilot, True), (anr_officer, True), (ccs_member, True)]),
        ("preport", accepted.pk, submitted,
         [(None, False), (other_applicant, False), (invited, False), (applicant, True),
          (co_editor, True), (pilot, True), (anr_officer, True), (ccs_member, True)]),
    ]
    for kind, target_id, report, users in matrix:
        for user, allowed in users:
            _assert_reads(client, user, kind, target_id, report, allowed)


def test_unknown_kinds_and_targets_are_not_found(client, pilot):
    client.force_login(pilot)
    assert client.post("/reports/budget/1/request/").status_code == 404
    assert client.post("/reports/dossier/999999/request/").status_code == 404
    assert client.get("/reports/999999/").status_code == 404
    assert client.get(reverse("reports:request", args=["dossier", 1])).status_code == 405


# --- reuse, rebuild, failure, status page ------------------------------------------------------

def test_unchanged_data_reuses_the_file_and_a_change_rebuilds(
        stage, application, applicant, reviewer, pilot, django_capture_on_commit_callbacks):
    call = stage.call
    first = build("call", call, "en", pilot, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        again = reports.request_report("call", call, language="en", by=pilot)
    again.refresh_from_db()
    assert not queued and again.pk == first.pk
    assert (again.built_at, again.file.name) == (first.built_at, first.file.name)
    review(application, reviewer, pilot, "B")  # a new review changes the call report
    rebuilt = build("call", call, "en", pilot, django_capture_on_commit_callbacks)
    assert rebuilt.pk == first.pk and rebuilt.built_at > first.built_at
    assert rebuilt.file.name != first.file.name
    assert not first.file.storage.exists(first.file.name)  # the outdated file is removed
    assert "2.00" in text_of(rebuilt)

    dossier = build("dossier", application, "en", applicant, django_capture_on_commit_callbacks)
    submission.reopen(application, by=applicant)
    submission.save_draft(application, by=applicant, data={"title": "Vecteurs AAV revus"},
                          partners=None)
    rebuilt = build("dossier", application, "en", applicant, django_capture_on_commit_callbacks)
    assert rebuilt.built_at > dossier.built_at and "Vecteurs AAV revus" in text_of(rebuilt)


def test_a_queued_build_is_not_queued_twice_and_the_task_is_idempotent(
        application, pilot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as first:
        report = reports.request_report("dossier", application, language="en", by=pilot)
    with django_capture_on_commit_callbacks() as second:
        reports.request_report("dossier", application, language="en", by=pilot)
    assert len(first) == 1 and second == []  # a double click queues one build
    reports.build_report(report.pk)
    report.refresh_from_db()
    built = (report.built_at, report.file.name)
    reports.build_report(report.pk)  # a redelivered task
    report.refresh_from_db()
    assert (report.built_at, report.file.name) == built  # nothing rebuilt, same file


def test_a_lost_file_or_a_build_lost_on_the_way_is_queued_again(
        client, application, pilot, django_capture_on_commit_callbacks):
    pilot.language = "en"
    pilot.save()
    report = build("dossier", application, "fr", pilot, django_capture_on_commit_callbacks)
    report.file.storage.delete(report.file.name)
    client.force_login(pilot)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404
    rebuilt = build("dossier", application, "fr", pilot, django_capture_on_commit_callbacks)
    assert rebuilt.built_at > report.built_at and reports.has_file(rebuilt)

    # A pending build whose message never reached a worker: after a while, the status page
    # offers to try again and a new request queues the build again.
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.PENDING)
    html = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "taking longer than expected" not in html
    Report.objects.filter(pk=report.pk).update(
        requested_at=timezone.now() - reports.STALE_AFTER - timedelta(seconds=1))
    html = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "taking longer than expected" in html
    with django_capture_on_commit_callbacks() as queued:
        client.post(reverse("reports:request", args=["dossier", application.pk]))
    assert len(queued) == 1


def test_a_failed_build_is_recorded_reraised_and_offered_again(
        client, application, pilot, django_capture_on_commit_callbacks):
    # A real failure: the uploaded PDF the dossier appends has gone missing from the storage.
    document = application.documents.get().file
    with document.open("rb") as handle:
        content = handle.read()
    document.storage.delete(document.name)
    with django_capture_on_commit_callbacks():
        report = reports.request_report("dossier", application, language="fr", by=pilot)
    with pytest.raises(OSError):
        reports.build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "FileNotFoundError" in report.error
    client.force_login(pilot)
    html = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert reverse("reports:request", args=["dossier", application.pk]) in html
    assert 'http-equiv="refresh"' not in html
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404
    with document.storage.open(document.name, "wb") as handle:  # the file is restored
        handle.write(content)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:request", args=["dossier", application.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.error == ""


def test_status_page_refreshes_without_javascript_and_polls_with_htmx(
        client, application, pilot, django_capture_on_commit_callbacks):
    client.force_login(pilot)
    with django_capture_on_commit_callbacks():  # requested, not built yet
        response = client.post(reverse("reports:request", args=["dossier", application.pk]))
    status_url = response.url
    html = client.get(status_url).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert f'hx-get="{status_url}"' in html and 'hx-trigger="every 3s"' in html
    partial = client.get(status_url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    reports.build_report(Report.objects.get().pk)
    html = client.get(status_url).content.decode()
    assert "http-equiv" not in html and "hx-get" not in html
    assert reverse("reports:download", args=[Report.objects.get().pk]) in html
    partial = client.get(status_url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 286  # htmx swaps in the download link and stops polling
    assert reverse("reports:download", args=[Report.objects.get().pk]) in partial.content.decode()


def test_request_button_include_posts_to_the_request_url(rf, application):
    from django.template import Context, Template

    request = rf.get("/")
    with translation.override("en"):
        html = Template('{% include "reports/_request_button.html" with kind="dossier" '
                        'target_id=application.pk %}').render(Context(
                            {"application": application, "request": request,
                             "csrf_token": "x"}))
    assert f'action="{reverse("reports:request", args=["dossier", application.pk])}"' in html
    assert 'method="post"' in html and "Download the PDF dossier" in html


# --- a real worker -----------------------------------------------------------------------------

def _wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_request_returns_at_once_and_a_real_worker_builds_the_report(client):
    call_command("load_reference_data", verbosity=0)
    applicant = UserFactory(language="en")
    application = submit_new(make_call().stages.get(), applicant)
    client.force_login(applicant)
    with celery_worker():
        response = client.post(reverse("reports:request", args=["dossier", application.pk]))
        # The request returned before any PDF existed: the worker builds it afterwards.
        report = Report.objects.get()
        assert report.status == ReportStatus.PENDING and not report.file
        assert response.url == reverse("reports:status", args=[report.pk])
        assert _wait_for(lambda: Report.objects.get().status != ReportStatus.PENDING)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    assert report.language == "en" and report.requested_by == applicant
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert application.reference in PdfReader(io.BytesIO(body)).pages[0].extract_text()


def test_a_conflicted_reader_gets_a_call_report_without_their_conflicts(
        client, stage, application, applicant, reviewer, pilot, conflicted_pilot,
        django_capture_on_commit_callbacks):
    second = submit_new(stage, UserFactory())
    review(application, reviewer, pilot, "A")
    full = build("call", stage.call, "en", pilot, django_capture_on_commit_callbacks)
    trimmed = build("call", stage.call, "en", conflicted_pilot, django_capture_on_commit_callbacks)
    assert full.pk != trimmed.pk and trimmed.excluded_ids == [application.pk]
    assert application.reference in text_of(full)
    text = text_of(trimmed)
    assert application.reference not in text and second.reference in text
    assert "1 application of this call with which you have a conflict of interest" in flat(text)
    # The full version stays out of reach of the conflicted reader, even by its id.
    client.force_login(conflicted_pilot)
    assert client.get(reverse("reports:download", args=[full.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[trimmed.pk])).status_code == 200


def test_the_dossier_shows_a_decision_only_once_announced_and_never_who_decided(
        application, applicant, pilot, django_capture_on_commit_callbacks):
    decisions.decide(application, S.NOT_SELECTED, by=pilot)
    report = build("dossier", application, "en", applicant, django_capture_on_commit_callbacks)
    text = text_of(report)
    assert "Not selected" not in text and pilot.get_full_name() not in text
    decisions.draft_letters(application.stage, by=pilot)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.request_sending(application.stage, by=pilot)
    report = build("dossier", application, "en", applicant, django_capture_on_commit_callbacks)
    text = text_of(report)
    assert "Not selected" in text and pilot.get_full_name() not in text
