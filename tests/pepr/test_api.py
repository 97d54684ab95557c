"""The read-only API: token and role checks on every endpoint, content, filters, conflicts of
interest, cursor paging with a fixed number of queries per page, and a valid OpenAPI schema."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token

from calls.applications import services as submission
from calls.applications.models import Application, ApplicationStatus
from calls.evaluation import services as evaluation
from calls.setup.models import StageKind
from pepr.core.models import CommitteeCode
from projects.models import (
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    Project,
    ProjectOrigin,
    ProjectReport,
    ProjectStatus,
    WorkPackage,
)
from tests.factories import ApplicationFactory, UserFactory, make_call, member_of, same_unit
from tests.pepr.test_exports import (
    accepted_spending,
    funded_project,
    many_applications,
    review,
    submitted_application,
)

ENDPOINTS = ["calls", "applications", "reviews-summary", "decisions", "projects", "schema"]
LISTS = ENDPOINTS[:-1]


def api(name, **kwargs):
    return reverse(f"api:{name}", kwargs=kwargs or None)


def token_of(user):
    return Token.objects.create(user=user).key


def get(client, address, token=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    return client.get(address, params, **headers)


# --- Access ---

def test_without_credentials_every_endpoint_answers_401(client, db):
    for name in ENDPOINTS:
        response = get(client, api(name))
        assert response.status_code == 401, name
        assert response["WWW-Authenticate"] == "Token"
        assert get(client, api(name), token="not-a-token").status_code == 401, name


@pytest.mark.parametrize("role,status", [
    ("applicant", 403), ("reviewer", 403), ("ccs_member", 403),
    ("pilot", 200), ("anr_officer", 200), ("administrator", 200),
])
def test_only_programme_staff_read_the_api(client, db, request, role, status):
    user = request.getfixturevalue(role)
    token = token_of(user)
    for name in ENDPOINTS:
        assert get(client, api(name), token=token).status_code == status, (role, name)
    client.force_login(user)  # a signed-in session works the same way
    for name in ENDPOINTS:
        assert get(client, api(name)).status_code == status, (role, name)


def test_an_anr_officers_token_works_and_an_applicants_does_not(client, anr_officer,
                                                                 applicant):
    ApplicationFactory(coordinator=applicant)
    response = get(client, api("applications"), token=token_of(anr_officer))
    assert response.status_code == 200 and len(response.json()["results"]) == 1
    response = get(client, api("applications"), token=token_of(applicant))
    assert response.status_code == 403 and "results" not in response.json()


def test_the_api_is_read_only(client, anr_officer):
    token = token_of(anr_officer)
    for name in LISTS:
        response = client.post(api(name), {}, HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 405, name


# --- Content ---

@pytest.fixture
def reviewed(db, applicant, pilot, reviewer):
    """An application with two submitted reviews (means 3.00 and 2.00) and a pending one."""
    stage = make_call(code="aap-api").stages.get()
    application = submitted_application(stage, applicant)
    review(application, reviewer, by=pilot, values=["A", "A"])
    review(application, UserFactory(), by=pilot, values=["B", "B"], recommendation="reject")
    evaluation.assign(application, UserFactory(), by=pilot)
    return application


def test_applications_list_and_filters(client, anr_officer, applicant, reviewed):
    other = ApplicationFactory(title="Autre")  # another call, still a draft
    token = token_of(anr_officer)
    [row] = get(client, api("applications"), token, call=reviewed.stage.call_id).json()["results"]
    assert row == {
        "id": reviewed.pk, "reference": reviewed.reference, "call": reviewed.stage.call_id,
        "call_code": "aap-api", "stage": reviewed.stage_id, "stage_number": 1,
        "stage_kind": "loi", "status": "submitted", "title": "Vecteurs AAV ciblés",
        "acronym": "AAVCIB", "axis": 2,
        "coordinator": {"name": applicant.get_full_name(), "email": "applicant@example.org",
                        "organisation": applicant.organisation.name},
        "requested_budget_eur": 500_000,
        "submitted_at": row["submitted_at"], "version": 1, "updated_at": row["updated_at"],
        "is_demo": False,
    }
    submitted_at = timezone.localtime(reviewed.submitted_at).isoformat()
    assert row["submitted_at"][:19] == submitted_at[:19]
    drafts = get(client, api("applications"), token, status="draft").json()["results"]
    assert [a["id"] for a in drafts] == [other.pk]
    assert len(get(client, api("applications"), token).json()["results"]) == 2
    assert get(client, api("applications"), token, stage=other.stage_id).json()["results"][0][
        "id"] == other.pk



def test_an_invalid_filter_gets_a_400_that_names_it(client, anr_officer):
    """django-filter validates every parameter: JSON naming each refused one, never a 500 nor
    a filter silently ignored."""
    token = token_of(anr_officer)
    response = get(client, api("applications"), token, call="x", stage="-1", status="lost")
    assert response.status_code == 400
    expected = "Un nombre entier positif (un identifiant) est attendu."  # French by default
    assert response.json() == {
        "call": [expected], "stage": [expected],
        "status": ["Sélectionnez un choix valide. lost n’en fait pas partie."]}
    for name in ["reviews-summary", "decisions", "projects"]:
        response = get(client, api(name), token, stage="1.5")
        assert response.status_code == 400 and response.json() == {"stage": [expected]}, name


def test_reviews_summary_counts_and_aggregates_submitted_reviews(client, anr_officer, reviewed):
    ApplicationFactory()  # a draft has no place in the summary
    results = get(client, api("reviews-summary"), token_of(anr_officer)).json()["results"]
    assert results == [{
        "id": reviewed.pk, "reference": reviewed.reference, "call_code": "aap-api",
        "stage": reviewed.stage_id, "stage_number": 1, "status": "submitted",
        "reviews_assigned": 3, "reviews_submitted": 2, "mean": "2.50", "spread": "1.00",
    }]


def test_reviews_summary_leaves_out_what_is_not_in_competition(client, anr_officer, applicant,
                                                               pilot, reviewed):
    """"In competition" comes from calls.applications.workflow: sent and not withdrawn."""
    withdrawn = submitted_application(reviewed.stage, UserFactory(), acronym="WITHDR")
    review(withdrawn, UserFactory(), by=pilot, values=["C", "C"])
    submission.withdraw(withdrawn, by=withdrawn.coordinator)
    results = get(client, api("reviews-summary"), token_of(anr_officer)).json()["results"]
    assert [row["id"] for row in results] == [reviewed.pk]


def test_calls_decisions_and_projects(client, anr_officer, pilot):
    stage, [application] = many_applications(1, by=pilot)
    token = token_of(anr_officer)
    [call] = get(client, api("calls"), token).json()["results"]
    assert call["code"] == stage.call.code and call["axes"] == [1, 2, 3, 4]
    assert [s["id"] for s in call["stages"]] == [stage.pk]
    [decision] = get(client, api("decisions"), token).json()["results"]
    assert decision["application"] == application.pk and decision["outcome"] == "selected"
    assert decision["decided_by"] == pilot.get_full_name() and decision["session"] is None
    [project] = get(client, api("projects"), token, call=stage.call_id).json()["results"]
    assert project["application_reference"] == application.reference
    assert project["budget"] == {"allocated": 100_000, "committed": 100_000, "spent": 20_000}
    assert get(client, api("projects"), token, call=stage.call_id + 1).json()["results"] == []
    # Every origin in one list; `?origin=` keeps one of them.
    everything = get(client, api("projects"), token).json()["results"]
    assert sorted({p["origin"] for p in everything}) == ["aap", "governance", "priority"]
    slots = get(client, api("projects"), token, origin="priority").json()["results"]
    assert [(s["axis"], s["position"]) for s in slots][:4] == [(1, 1), (1, 2), (1, 3), (2, 1)]
    assert len(slots) == 12 and slots[0]["coordinator"] is None
    assert slots[0]["reference"] == "P1.1" and slots[0]["status"] == "preparing"
    [governance] = get(client, api("projects"), token, origin="governance").json()["results"]
    assert governance["axis"] is None and len(governance["work_packages"]) == 5
    refused = get(client, api("projects"), token, origin="lost", status="gone")
    assert refused.status_code == 400 and set(refused.json()) == {"origin", "status"}


@pytest.fixture
def project(db, applicant, pilot):
    """A funded AAP project, running, with a partner team's spending accepted, a work package,
    a late deliverable, a delivered milestone, and reports in every state."""
    now = timezone.now()
    stage = make_call(code="aap-api-projects", stages=[
        (StageKind.FULL_PROPOSAL, now - timedelta(days=1), now + timedelta(days=5))]).stages.get()
    project = funded_project(stage, applicant, by=pilot)
    accepted_spending(project, 120_000)  # one accepted report, one submitted
    ProjectReport.objects.create(project=project, title="Brouillon", due_at=now, year=2026,
                                 public_summary_fr="Texte pas encore envoyé")
    package = WorkPackage.objects.create(project=project, number=1, title_fr="Vecteurs",
                                         title_en="Vectors", lead=applicant, budget_eur=300_000)
    today = timezone.localdate()
    Deliverable.objects.create(project=project, work_package=package, code="D1.1",
                               title="Protocole", due_date=today - timedelta(days=1))
    Deliverable.objects.create(project=project, code="M1", kind=DeliverableKind.MILESTONE,
                               title="Premier lot", due_date=today - timedelta(days=10),
                               status=DeliverableStatus.DELIVERED, delivered_at=now)
    return project


def test_a_project_with_partners_budget_follow_up_and_report_states(client, anr_officer,
                                                                    applicant, project):
    token = token_of(anr_officer)
    row = get(client, api("project", pk=project.pk), token).json()
    [listed] = get(client, api("projects"), token, origin="aap").json()["results"]
    assert listed == row  # the list gives each project as its page does
    partner = project.partners.get()
    assert row["partners"] == [{
        "position": partner.position, "laboratory": "Lab A", "rnsr": "", "organisation": None,
        "lead_name": "Ada", "lead_email": "ada@example.org", "role": "coordinator",
        "budget_eur": None, "spent_eur": 120_000}]
    assert (row["origin"], row["reference"], row["acronym"], row["status"]) == (
        "aap", project.application.reference, "FUND", "running")
    assert row["budget"] == {"allocated": 900_000, "committed": 900_000, "spent": 120_000}
    assert (row["start_date"], row["duration_months"], row["end_date"]) == (
        "2025-01-31", 13, "2026-02-28")
    assert row["coordinator"]["email"] == applicant.email and row["late_items"] == 1
    assert row["work_packages"] == [{
        "number": 1, "title_fr": "Vecteurs", "title_en": "Vectors", "budget_eur": 300_000,
        "lead": {"name": applicant.get_full_name(), "email": applicant.email,
                 "organisation": applicant.organisation.name}}]
    [late] = row["deliverables"]
    assert (late["code"], late["work_package"], late["status"], late["late"]) == (
        "D1.1", 1, "planned", True)
    [milestone] = row["milestones"]
    assert (milestone["code"], milestone["work_package"], milestone["status"],
            milestone["late"]) == ("M1", None, "delivered", False)
    # Report states only: what a report says is not in the API, sent or not.
    states = sorted((r["status"], r["year"]) for r in row["reports"])
    assert states == [("accepted", 2025), ("draft", 2026), ("submitted", 2025)]
    assert all(set(r) == {"id", "kind", "year", "status", "due_at", "submitted_at"}
               for r in row["reports"])
    assert "Texte pas encore envoyé" not in str(row)


def test_a_conflicted_reader_gets_no_project_of_that_application(client, applicant, project):
    colleague = member_of(CommitteeCode.STEERING, **same_unit(applicant))
    token = token_of(colleague)
    assert get(client, api("project", pk=project.pk), token).status_code == 404
    origins = {p["origin"] for p in get(client, api("projects"), token).json()["results"]}
    assert origins == {"priority", "governance"}
    slot = Project.objects.filter(origin=ProjectOrigin.PRIORITY).first()
    assert get(client, api("project", pk=slot.pk), token).status_code == 200
    Project.objects.filter(pk=slot.pk).update(status=ProjectStatus.RUNNING)
    running = get(client, api("projects"), token, status="running").json()["results"]
    governance = Project.objects.get(origin=ProjectOrigin.GOVERNANCE)
    assert [p["id"] for p in running] == sorted([slot.pk, governance.pk])


def test_applications_the_reader_is_conflicted_with_are_left_out(client, applicant, reviewed):
    declared = member_of(CommitteeCode.STEERING)
    evaluation.declare_conflict(reviewed, person=declared, reason="Co-author")
    colleague = member_of(CommitteeCode.STEERING, **same_unit(applicant))
    stranger = member_of(CommitteeCode.STEERING)
    for user, sees in [(declared, False), (colleague, False), (stranger, True)]:
        token = token_of(user)
        for name in ["applications", "reviews-summary"]:
            results = get(client, api(name), token).json()["results"]
            assert bool(results) is sees, (user, name)


# --- Paging and queries ---

def test_cursor_paging_walks_every_row_once(client, anr_officer):
    stage = make_call().stages.get()
    created = [ApplicationFactory(stage=stage).pk for _ in range(5)]
    token = token_of(anr_officer)
    seen, address, params = [], api("applications"), {"page_size": 2}
    while address:
        page = get(client, address, token, **params).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        address, params = page["next"], {}
    assert seen == sorted(created)


def test_a_page_holds_a_hundred_rows(client, anr_officer):
    stage = make_call().stages.get()
    coordinator = UserFactory()
    Application.objects.bulk_create(
        Application(stage=stage, coordinator=coordinator, reference=f"BULK-{n:04d}")
        for n in range(105))
    page = get(client, api("applications"), token_of(anr_officer)).json()
    assert len(page["results"]) == 100 and page["next"] and page["previous"] is None
    assert len(get(client, page["next"], token_of(UserFactory(is_superuser=True))).json()[
        "results"]) == 5


def queries_of(client, address, token):
    with CaptureQueriesContext(connection) as queries:
        response = get(client, address, token)
        assert response.status_code == 200
    return queries


def test_queries_per_page_do_not_grow_with_the_rows(client, anr_officer, pilot):
    token = token_of(anr_officer)
    counts = {}
    for size in (3, 30):
        stage, applications = many_applications(size, by=pilot)
        for name in LISTS:
            address = api(name) + ("" if name == "calls" else f"?stage={stage.pk}")
            queries = queries_of(client, address, token)
            counts.setdefault(name, []).append(len(queries))
            if size == 30:
                # The page query reads a page, not the table.
                assert any("LIMIT" in q["sql"] for q in queries.captured_queries), name
        detail = api("project", pk=applications[-1].project.pk)
        counts.setdefault("project", []).append(len(queries_of(client, detail, token)))
    assert all(few == many for few, many in counts.values()), counts


# --- Schema ---

def test_the_openapi_schema_validates_and_lists_the_endpoints(client, anr_officer):
    token = token_of(anr_officer)
    response = get(client, api("schema"), token, format="json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = response.json()
    validate(schema)
    assert {"/api/calls/", "/api/applications/", "/api/reviews-summary/", "/api/decisions/",
            "/api/projects/", "/api/projects/{id}/"} <= set(schema["paths"])
    assert "/api/priority-projects/" not in schema["paths"]
    projects = {p["name"]: p for p in schema["paths"]["/api/projects/"]["get"]["parameters"]}
    assert projects["origin"]["schema"]["enum"] == sorted(ProjectOrigin.values)
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    parameters = {p["name"]: p for p in schema["paths"]["/api/applications/"]["get"]["parameters"]}
    assert {"call", "stage", "status", "cursor", "page_size"} <= set(parameters)
    assert parameters["status"]["schema"]["enum"] == sorted(ApplicationStatus.values)
    # The FilterSets shared with the exports document every filtered list.
    for path in ["applications", "reviews-summary", "decisions", "projects"]:
        documented = {p["name"]: p for p in schema["paths"][f"/api/{path}/"]["get"]["parameters"]}
        for name in ("call", "stage"):
            assert documented[name]["schema"] == {"type": "integer"}, (path, name)
            assert documented[name]["description"].startswith("Only this "), (path, name)
    assert get(client, api("schema"), token).json() == schema  # JSON by default too
