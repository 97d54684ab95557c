"""Every list page of the portal runs a pinned number of SQL queries, the same for a few rows as
for many: the applicant's, the pilots' evaluation and decision lists, the reviewers' list, the
committees' sessions, the dashboards, the exports and the API.

Each test arranges a small set, reads the page once to warm the caches a first request fills
(session, ContentType, permissions), pins the exact count of the second read with
django_assert_num_queries, then grows the set (past a page where it is cheap) and pins the same
count again. A change of a count is a change of the page: measure it again and say why."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from calls.decisions import services as decisions
from calls.evaluation import services as evaluation
from calls.evaluation.models import ExpertProfile
from calls.setup.models import StageKind
from governance import services as voting
from governance.models import Committee
from pepr.core.models import Axis, CommitteeCode, Role
from pepr.core.services import grant_role
from pepr.exports.tables import EXPORTS
from projects.follow_up import services as project_services
from projects.models import (
    Deliverable,
    DeliverableKind,
    Project,
    ProjectReport,
    ProjectReportStatus,
    ProjectStatus,
    ReportBudgetLine,
    WorkPackage,
)
from tests.calls.helpers import complete
from tests.factories import ApplicationFactory, PartnerFactory, UserFactory, make_call, member_of, same_unit

S = ApplicationStatus

# The pinned counts, one per page (and per reader where two readers see different pages).
# Every HTML page asks once whether the reader coordinates or co-edits a project (the "My
# projects" menu, pepr.core.context_processors).
QUERIES = {
    "home": 13,
    "calls:list": 12,
    "calls:my_applications": 10,
    "calls_manage:list": 10,
    "evaluation:stages": 8,
    "evaluation:assignments": 15,
    "evaluation:suggest": 16,
    "evaluation:progress": 12,
    "decisions:letters": 11,
    "evaluation:audit": 8,
    "evaluation:my_reviews": 10,
    "governance:session_list (pilot)": 9,
    "governance:session_list (member)": 10,
    "dashboards:programme": 11,
    "dashboards:call": 24,
    "dashboards:call (CCS member)": 22,
    "dashboards:projects": 17,
    "exports:index": 8,
    # The pilot's page no longer asks user.has_perm("calls.validate_funding") (two permission
    # queries): the ballot actions are asked of governance.rules, item by item, without a query.
    "governance:session (pilot)": 14,
    "governance:session (member)": 14,
    # Session, user, the reader's committees, then the rows read by one server-side cursor while
    # the file streams; the reviews first read the stage's criteria (one column each).
    **{f"exports:{name}.{fmt}": 5 if name == "reviews" else 4
       for name in EXPORTS for fmt in ("csv", "xlsx")},
    # The token with its user, the reader's committees and roles, then one page (no COUNT: the
    # paging is by cursor); the calls add their stages and axes.
    **{f"api:{name}": 6 if name == "calls" else 4
       for name in ("calls", "applications", "reviews-summary", "decisions")},
    # The projects add their partners, work packages, milestones, deliverables and reports, one
    # query each for the page's projects.
    "api:projects": 9,
    "api:project": 9,
}


def _read(client, url, headers):
    response = client.get(url, **headers)
    # A streamed export runs its queries while it is read.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


@pytest.fixture
def pinned(client, django_assert_num_queries):
    """pinned(key, url) reads `url` once to warm up, then asserts QUERIES[key] queries exactly
    for the second read; returns the response and its content."""
    def read(key, url, **headers):
        response, _content = _read(client, url, headers)
        assert response.status_code == 200, (key, response.status_code)
        with django_assert_num_queries(QUERIES[key], info=f"{key}: {url}"):
            response, content = _read(client, url, headers)
        assert response.status_code == 200, key
        return response, content

    return read


# --- Arrangement, through the services where there is one -------------------------------------

def _stage(kind=StageKind.LETTER_OF_INTENT, **call_fields):
    now = timezone.now()
    return make_call(stages=[(kind, now - timedelta(days=1), now + timedelta(days=10))],
                     **call_fields).stages.get()


def _sent(stage, **fields):
    """A submitted application with two partners, from the factory: the `submit` service would
    want its documents uploaded first, which the lists do not read."""
    application = ApplicationFactory(stage=stage, **{
        "status": S.SUBMITTED, "version": 1, "submitted_at": timezone.now(),
        "requested_budget_eur": 100_000, "keywords": "AAV, ciblage", **fields})
    PartnerFactory.create_batch(2, application=application)
    return application


def _expert(**fields):
    user = UserFactory(**fields)
    grant_role(user, Role.REVIEWER)
    return user


def _review(application, reviewer, *, by, letters="AB"):
    assignment = evaluation.assign(application, reviewer, by=by)
    evaluation.sign_declaration(application.stage.call, reviewer=reviewer)
    criteria = list(application.stage.criteria.order_by("position"))
    evaluation.save_review(assignment, by=reviewer, recommendation="support",
                           scores={c.pk: (letters[i % len(letters)], "")
                                   for i, c in enumerate(criteria)},
                           comment_for_applicant="Clear and ambitious")
    return evaluation.submit_review(assignment, by=reviewer)


def _rows(response):
    return len(response.context["page"].object_list)


# --- The applicant's lists --------------------------------------------------------------------

def test_public_call_lists(client, applicant, pinned):
    client.force_login(applicant)
    make_call(published=False)  # never listed
    for _ in range(3):
        make_call()
    response, _ = pinned("calls:list", reverse("calls:list"))
    assert _rows(response) == 3
    response, _ = pinned("home", reverse("home"))
    assert len(response.context["open_calls"]) == 3
    for _ in range(22):
        make_call()
    response, _ = pinned("calls:list", reverse("calls:list"))
    assert _rows(response) == 20 and response.context["page"].paginator.count == 25
    response, _ = pinned("home", reverse("home"))
    assert len(response.context["open_calls"]) == 25


def test_my_applications(client, applicant, pinned):
    stage = _stage()
    complete(submission.start_application(stage, by=applicant), applicant)
    submitted = complete(submission.start_application(_stage(), by=applicant), applicant)
    submission.submit(submitted, by=applicant)
    invited_to = _sent(_stage())
    invitation = submission.invite(invited_to, email=applicant.email, access="view",
                                   by=invited_to.coordinator)
    submission.accept_invitation(invitation.token, user=applicant)
    client.force_login(applicant)
    url = reverse("calls:my_applications")
    response, _ = pinned("calls:my_applications", url)
    assert _rows(response) == 3
    for _ in range(30):
        _sent(_stage(), coordinator=applicant)
    response, _ = pinned("calls:my_applications", url)
    assert _rows(response) == 25 and response.context["page"].paginator.count == 33


# --- The pilots' lists ------------------------------------------------------------------------

def test_manage_call_list(client, pilot, pinned):
    make_call(published=False)
    make_call()
    make_call(kind="ami", stages=[
        (StageKind.LETTER_OF_INTENT, timezone.now(), timezone.now() + timedelta(days=5)),
        (StageKind.FULL_PROPOSAL, timezone.now() + timedelta(days=30),
         timezone.now() + timedelta(days=60))])
    client.force_login(pilot)
    url = reverse("calls_manage:list")
    response, _ = pinned("calls_manage:list", url)
    assert _rows(response) == 3
    for index in range(27):
        make_call(published=bool(index % 2))
    response, _ = pinned("calls_manage:list", url)
    assert _rows(response) == 25 and response.context["page"].paginator.count == 30


def test_evaluation_stages(client, pilot, pinned):
    def add(count):
        for _ in range(count):
            stage = _stage()
            _sent(stage)
            _sent(stage, status=S.DRAFT, version=0, submitted_at=None)

    add(3)
    _stage()  # nothing received: not listed
    client.force_login(pilot)
    url = reverse("evaluation:stages")
    response, _ = pinned("evaluation:stages", url)
    assert _rows(response) == 3
    add(27)
    response, _ = pinned("evaluation:stages", url)
    assert _rows(response) == 25 and response.context["page"].paginator.count == 30


def test_assignments_suggestions_and_progress(client, pilot, pinned):
    stage = _stage()
    experts = [_expert() for _ in range(3)]
    profile = ExpertProfile.objects.create(user=experts[0], keywords="aav, vecteurs")
    profile.axes.set(Axis.objects.filter(number__in=[1, 2]))

    def add(count):
        for index in range(count):
            application = _sent(stage)
            if index % 3 == 0:
                _review(application, experts[1], by=pilot)
            elif index % 3 == 1:
                evaluation.assign(application, experts[2], by=pilot)
                evaluation.declare_conflict(application, person=experts[0], reason="Co-author")

    add(3)
    conflicted = _sent(stage, coordinator=UserFactory(**same_unit(pilot)))
    client.force_login(pilot)
    pages = {name: reverse(name, args=[stage.pk]) for name in (
        "evaluation:assignments", "evaluation:suggest", "evaluation:progress")}
    sizes = {}
    for name, url in pages.items():
        response, content = pinned(name, url)
        assert conflicted.reference.encode() not in content, name
        sizes[name] = response
    assert _rows(sizes["evaluation:assignments"]) == 3
    assert _rows(sizes["evaluation:progress"]) == 3
    assert sizes["evaluation:suggest"].context["total"] > 0

    add(30)
    for _ in range(5):
        _expert()
    for name, url in pages.items():
        response, content = pinned(name, url)
        assert conflicted.reference.encode() not in content, name
        sizes[name] = response
    assert _rows(sizes["evaluation:assignments"]) == 25
    assert sizes["evaluation:assignments"].context["page"].paginator.count == 33
    assert _rows(sizes["evaluation:progress"]) == 33
    assert sizes["evaluation:suggest"].context["total"] > 30


def test_decision_letters(client, pilot, pinned, django_capture_on_commit_callbacks):
    stage = _stage()

    def add(count):
        for index in range(count):
            outcome = S.SELECTED if index % 2 else S.NOT_SELECTED
            decisions.decide(_sent(stage), outcome, by=pilot)
        decisions.draft_letters(stage, by=pilot)

    add(3)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.request_sending(stage, by=pilot)  # the first ones are sent
    decisions.decide(_sent(stage), S.SELECTED, by=pilot)  # a decision still without its letter
    client.force_login(pilot)
    url = reverse("decisions:letters", args=[stage.pk])
    response, _ = pinned("decisions:letters", url)
    assert _rows(response) == 3 and response.context["without_letter"] == 1
    add(52)
    response, _ = pinned("decisions:letters", url)
    assert _rows(response) == 50 and response.context["page"].paginator.count == 56
    assert response.context["drafts"] == 53


def test_audit_trail(client, pilot, pinned):
    stage = _stage()
    expert = _expert()

    def add(count):
        for _ in range(count):
            application = _sent(stage)
            evaluation.assign(application, expert, by=pilot)
            decisions.decide(application, S.SELECTED, by=pilot)

    add(2)
    evaluation.sign_declaration(stage.call, reviewer=expert)  # an event about no application
    client.force_login(pilot)
    url = reverse("evaluation:audit")
    response, _ = pinned("evaluation:audit", url)
    small = _rows(response)
    assert 5 <= small < 50
    add(30)
    response, _ = pinned("evaluation:audit", url)
    assert _rows(response) == 50 and response.context["page"].paginator.count >= 60


# --- The reviewers' list ----------------------------------------------------------------------

def test_my_reviews(client, pilot, pinned):
    expert = _expert()

    def add(count):
        for index in range(count):
            stage = _stage()
            if index % 3 == 0:
                _review(_sent(stage), expert, by=pilot)
            else:
                evaluation.assign(_sent(stage), expert, by=pilot,
                                  role="rapporteur" if index % 3 == 1 else "external")

    add(3)
    client.force_login(expert)
    url = reverse("evaluation:my_reviews")
    response, _ = pinned("evaluation:my_reviews", url)
    assert _rows(response) == 3 and len(response.context["calls"]) == 3
    add(27)
    response, _ = pinned("evaluation:my_reviews", url)
    assert _rows(response) == 25 and response.context["page"].paginator.count == 30


# --- The committees' sessions -----------------------------------------------------------------

def test_committee_session_list(client, pilot, ccs_member, pinned):
    stage = _stage()
    applications = [_sent(stage) for _ in range(3)]
    ccs = Committee.objects.get(code=CommitteeCode.CCS)
    csi = Committee.objects.get(code=CommitteeCode.CSI)

    def add(count):
        for index in range(count):
            committee = csi if index % 3 == 2 else ccs
            session = voting.create_session(
                committee=committee, title=f"Séance {index}",
                held_at=timezone.now() + timedelta(days=index), by=pilot, stage=stage)
            if committee == ccs:
                voting.set_attendance(session, present_ids=[ccs_member.pk], by=pilot)
            voting.add_to_agenda(session, applications[: index % 3 + 1], motion=S.SELECTED,
                                 by=pilot)

    add(3)
    url = reverse("governance:session_list")
    client.force_login(pilot)
    response, _ = pinned("governance:session_list (pilot)", url)
    assert _rows(response) == 3
    client.force_login(ccs_member)
    response, _ = pinned("governance:session_list (member)", url)
    assert _rows(response) == 2  # the CSI's session is not theirs
    add(36)
    client.force_login(pilot)
    response, _ = pinned("governance:session_list (pilot)", url)
    assert _rows(response) == 25 and response.context["page"].paginator.count == 39
    client.force_login(ccs_member)
    response, _ = pinned("governance:session_list (member)", url)
    assert _rows(response) == 25 and response.context["page"].paginator.count == 26


def test_committee_session_page(client, pilot, ccs_member, pinned):
    stage = _stage()
    members = [ccs_member, *(member_of(CommitteeCode.CCS) for _ in range(2))]
    conflicted = member_of(CommitteeCode.CCS)
    session = voting.create_session(committee=Committee.objects.get(code=CommitteeCode.CCS),
                                    title="Séance", held_at=timezone.now(), by=pilot,
                                    stage=stage)
    voting.set_attendance(session, present_ids=[m.pk for m in [*members, conflicted]], by=pilot)

    def add(count):
        applications = [_sent(stage, coordinator=UserFactory(
            **same_unit(conflicted))) for _ in range(count)]
        for index, item in enumerate(voting.add_to_agenda(session, applications,
                                                          motion=S.SELECTED, by=pilot)):
            if index % 3 == 2:
                continue  # not opened
            voting.open_ballot(item, by=pilot)
            for member in members:
                voting.cast_vote(item, voter=member, choice=("for", "against", "abstain")[
                    index % 3])
            if index % 3 == 1:
                voting.close_ballot(item, by=pilot)

    add(3)
    url = reverse("governance:session", args=[session.pk])
    for count in (3, 15):
        if count == 15:
            add(12)
        assert session.items.count() == count
        client.force_login(pilot)
        _response, content = pinned("governance:session (pilot)", url)
        assert content.count(b'id="tally-') == count // 3  # the closed ballots' tallies
        client.force_login(ccs_member)
        pinned("governance:session (member)", url)


# --- The reporting floor: dashboards, exports, API --------------------------------------------

@pytest.fixture
def directeur(db):
    return member_of(CommitteeCode.BOARD)


def _followed(count, *, pilot, directeur, ccs_member):
    """A call whose `count` applications were reviewed, put to a CCS vote, recommended, funded,
    followed as running projects (partners carried over, a work package, a late milestone, a
    coming deliverable, one late, one coming and one accepted report with its spending), and
    told by a drafted letter."""
    stage = _stage(StageKind.FULL_PROPOSAL, budget_envelope_eur=10_000_000)
    reviewer = _expert()
    session = voting.create_session(committee=Committee.objects.get(code=CommitteeCode.CCS),
                                    title="CCS", held_at=timezone.now(), by=pilot, stage=stage)
    voting.set_attendance(session, present_ids=[ccs_member.pk], by=pilot)
    applications = []
    for index in range(count):
        application = _sent(stage, axis=Axis.objects.get(number=index % 4 + 1))
        _review(application, reviewer, by=pilot, letters="AB" if index % 2 else "CB")
        applications.append(application)
    items = voting.add_to_agenda(session, applications, motion=S.RECOMMENDED, by=pilot)
    voting.open_ballot(items[0], by=pilot)
    voting.cast_vote(items[0], voter=ccs_member, choice="for")
    voting.close_ballot(items[0], by=pilot)
    now = timezone.now()
    for application in applications:
        decisions.decide(application, S.RECOMMENDED, by=pilot)
        decisions.decide(application, S.FUNDED, by=directeur)
        application.refresh_from_db()
        project = project_services.create_from_application(application, by=directeur)
        _follow_up(project, now)
    decisions.draft_letters(stage, by=pilot)
    return stage


def _follow_up(project, now):
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.RUNNING)
    today = timezone.localdate(now)
    package = WorkPackage.objects.create(project=project, number=1, title_fr="Lot",
                                         title_en="Package")
    Deliverable.objects.create(project=project, work_package=package, code="M1",
                               kind=DeliverableKind.MILESTONE, title="Jalon",
                               due_date=today - timedelta(days=3))
    Deliverable.objects.create(project=project, work_package=package, code="D1", title="Livrable",
                               due_date=today + timedelta(days=30))
    ProjectReport.objects.create(project=project, title="Annual", due_at=now - timedelta(days=1))
    ProjectReport.objects.create(project=project, title="Next", due_at=now + timedelta(days=10))
    accepted = ProjectReport.objects.create(project=project, title="Accepted", year=2025,
                                            due_at=now - timedelta(days=60), submitted_at=now,
                                            status=ProjectReportStatus.ACCEPTED)
    ReportBudgetLine.objects.bulk_create(
        ReportBudgetLine(report=accepted, partner=partner, year=2025, spent_eur=5_000)
        for partner in project.partners.all())


def test_dashboards(client, pilot, ccs_member, directeur, pinned):
    pages = [("dashboards:programme", pilot, ""), ("dashboards:call", pilot, "?call={call}"),
             ("dashboards:call (CCS member)", ccs_member, "?call={call}"),
             ("dashboards:projects", pilot, "")]
    for count in (3, 30):
        call = _followed(count, pilot=pilot, directeur=directeur, ccs_member=ccs_member).call
        for key, user, query in pages:
            client.force_login(user)
            url = reverse(key.split(" ")[0]) + query.format(call=call.pk)
            response, _ = pinned(key, url)
            if key == "dashboards:call":
                assert response.context["breakdown"]["competing"] == count
            if key == "dashboards:call (CCS member)":
                assert response.context["votes"]["applications"] == count
            if key == "dashboards:projects":  # the page read the new projects
                assert response.context["deliverables"].paginator.count == count + (
                    3 if count == 30 else 0)


def test_exports(client, pilot, ccs_member, directeur, pinned):
    client.force_login(pilot)
    lengths = {}
    for count in (3, 30):
        stage = _followed(count, pilot=pilot, directeur=directeur, ccs_member=ccs_member)
        response, _ = pinned("exports:index", reverse("exports:index"))
        assert stage.call.title.encode() in response.content
        for name in EXPORTS:
            for fmt in ("csv", "xlsx"):
                url = reverse("exports:download", args=[name, fmt]) + f"?stage={stage.pk}"
                _response, content = pinned(f"exports:{name}.{fmt}", url)
                lengths.setdefault((name, fmt), []).append(len(content))
    for key, (few, many) in lengths.items():
        assert many > few, key  # the rows really were read


def test_api_lists(client, anr_officer, pilot, ccs_member, directeur, pinned):
    token = Token.objects.create(user=anr_officer).key
    for count in (3, 30):
        stage = _followed(count, pilot=pilot, directeur=directeur, ccs_member=ccs_member)
        for name in ("calls", "applications", "reviews-summary", "decisions", "projects"):
            query = "" if name == "calls" else f"?stage={stage.pk}"
            response, _ = pinned(f"api:{name}", reverse(f"api:{name}") + query,
                                 HTTP_AUTHORIZATION=f"Token {token}")
            rows = response.json()["results"]
            if name in ("applications", "reviews-summary", "projects"):
                assert len(rows) == count, name
            if name == "projects":
                assert all(len(row["deliverables"]) == 1 and len(row["reports"]) == 3
                           for row in rows)
            if name == "decisions":
                assert len(rows) == 2 * count, name
        project = stage.applications.order_by("pk").last().project
        response, _ = pinned("api:project", reverse("api:project", args=[project.pk]),
                             HTTP_AUTHORIZATION=f"Token {token}")
        # The application's two partners are one research unit: the project has one team.
        assert len(response.json()["partners"]) == 1
        assert len(response.json()["milestones"]) == 1
