"""The demo programme: labelled as demo, calls in every state, projects to follow with their
reports, repeatable, keeps real data."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from calls.applications.models import Application
from calls.setup.models import Call, Stage
from pepr.core.models import AuditEvent, User
from projects.follow_up import services as follow_up
from projects.models import (
    Deliverable,
    DeliverableStatus,
    GovernanceAction,
    Project,
    ProjectOrigin,
    ProjectReport,
    ReportBudgetLine,
    WorkPackage,
    paris_today,
)
from projects.reports import services as reports

DOMAIN = "demo.pepr-bbti.fr"


def _account(key):
    return User.objects.get(email=f"{key}@{DOMAIN}")


def _login(client, user):
    """Sign `user` in, reading the pages in English."""
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def _demo_priority():
    return Project.objects.filter(origin=ProjectOrigin.PRIORITY, is_demo=True)


@pytest.fixture
def demo(db):
    call_command("seed_demo", applications=80, reviewers=6)


def test_seed_demo_builds_a_labelled_programme(db, capsys):
    call_command("seed_demo", applications=50, reviewers=5)
    out = capsys.readouterr().out
    for role in ("applicant", "reviewer", "ccs", "pilot", "anr", "admin"):
        assert f"{role}@{DOMAIN}" in out
    assert Application.objects.filter(is_demo=True).count() == 50
    assert not Application.objects.filter(is_demo=False).exists()
    assert _account("pilot").has_perm("pepr.view_dashboard")
    assert _demo_priority().filter(acronym__startswith="DEMO-").count() == 12
    now = timezone.now()
    states = {stage.state(now) for stage in Stage.objects.filter(call__is_demo=True)}
    assert states == {"upcoming", "open", "closed"}
    assert Call.objects.filter(is_demo=True, published_at__isnull=True).exists()
    # The demo applicant can show a full AMI project growing from a selected letter.
    assert Application.objects.filter(
        coordinator__email=f"applicant@{DOMAIN}", status="selected", stage__kind="loi").exists()


def test_seed_demo_includes_an_evaluation(db):
    from calls.decisions.models import Decision
    from calls.evaluation.models import Review
    from governance.models import AgendaItem

    call_command("seed_demo", applications=80, reviewers=6)
    selected = Application.objects.filter(status="selected")
    assert selected.exists()
    assert Decision.objects.filter(application__in=selected, outcome="selected").count() == \
        selected.count()
    assert Review.objects.filter(status="submitted", mean_points__isnull=False).exists()
    # The demo reviewer has files still to review, behind the declaration.
    assert Review.objects.filter(assignment__reviewer__email=f"reviewer@{DOMAIN}",
                                 status="draft").exists()
    ccs = _account("ccs")
    assert AgendaItem.objects.filter(ballot_status="open",
                                     session__attendances__member=ccs).exists()
    call_command("seed_demo", applications=10, reviewers=2)  # and it can be rebuilt


# --- Priority projects ----------------------------------------------------------------------

def test_the_priority_projects_have_partners_mostly_inserm_and_cea(demo):
    projects = list(_demo_priority().annotate(
        partner_count=Count("partners"), partner_budget=Sum("partners__budget_eur")))
    assert len(projects) == 12
    assert sum(p.budget_eur for p in projects) == 48_800_000
    for project in projects:
        assert 3 <= project.partner_count <= 6
        assert project.partner_budget == project.budget_eur
        assert project.anr_reference.startswith("ANR-2") and "-PEBB-" in project.anr_reference
        assert 2023 <= project.start_date.year <= 2024 and 48 <= project.duration_months <= 60
        assert 3 <= project.work_packages.count() <= 5
    organisations = list(Project.objects.filter(pk__in=[p.pk for p in projects]).values_list(
        "partners__organisation__acronym", flat=True))
    assert sum(o in ("Inserm", "CEA") for o in organisations) > len(organisations) / 2
    assert {"CEA", "Inserm"} < set(organisations)


def test_the_pilot_sees_a_priority_project_with_its_late_items(demo, client):
    project = _demo_priority().order_by("axis__number", "position").last()
    late = Deliverable.objects.late().filter(project=project)
    assert late.exists()
    statuses = set(project.deliverables.values_list("status", flat=True))
    assert {DeliverableStatus.DELIVERED, DeliverableStatus.ACCEPTED} <= statuses
    page = _login(client, _account("pilot")).get(reverse("projects:detail", args=[project.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert project.acronym in text and project.anr_reference in text and "Late" in text
    for laboratory in project.partners.values_list("laboratory", flat=True):
        assert escape(laboratory) in text


def test_every_priority_project_has_an_accepted_report_with_spending(demo):
    applicant = _account("applicant")
    year = paris_today().year
    for project in _demo_priority():
        accepted = project.reports.get(status="accepted")
        assert accepted.year == year - 2 and accepted.version == 1
        assert accepted.budget_lines.aggregate(total=Sum("spent_eur"))["total"] > 0
        last_year = project.reports.get(year=year - 1)
        expected = "draft" if project.coordinator == applicant else "submitted"
        assert last_year.status == expected
    # Through the service, so the history and the frozen versions are real; one report was
    # sent back once and came back.
    submitted = ProjectReport.objects.filter(project__is_demo=True, status="submitted")
    assert submitted.count() == 11
    assert sorted(submitted.values_list("versions__number", flat=True)).count(2) == 1
    assert AuditEvent.objects.filter(action="project.report.accept").count() == 12


def test_the_pilot_reviews_a_report_and_accepts_a_delivered_item(demo):
    pilot = _account("pilot")
    report = ProjectReport.objects.filter(project__is_demo=True, status="submitted").first()
    assert pilot.has_perm("projects.review_report", report)
    assert reports.review(report, by=pilot, action="accept").status == "accepted"
    # The demo applicant delivered it through the service: it has its history.
    event = AuditEvent.objects.get(action="project.deliverable.delivered")
    item = Deliverable.objects.get(pk=event.data["deliverable_id"])
    assert (item.project.coordinator, item.status) == (_account("applicant"),
                                                       DeliverableStatus.DELIVERED)
    assert follow_up.accept_deliverable(item, by=pilot).status == DeliverableStatus.ACCEPTED


def test_the_demo_applicant_finds_a_complete_draft_and_submits_it(demo, client):
    applicant = _account("applicant")
    project = Project.objects.get(coordinator=applicant, origin=ProjectOrigin.PRIORITY)
    draft = project.reports.get(status="draft")
    assert draft.due_at > timezone.now()  # due soon, not late
    page = _login(client, applicant).get(reverse("projects:mine"))
    assert project.acronym in page.content.decode()
    page = client.get(reverse("projects:report", args=[draft.pk]))
    assert page.status_code == 200
    assert reports.missing_pieces(draft) == {}
    submitted = reports.submit(draft, by=applicant)
    assert (submitted.status, submitted.version) == ("submitted", 1)
    content = submitted.versions.get().content
    assert len(content["budget_lines"]) == project.partners.count()
    assert content["scientific_report"]["pages"] == 1


# --- Funded applications, governance, size ---------------------------------------------------

def test_funded_demo_applications_are_followed_as_projects(demo):
    funded = Application.objects.filter(is_demo=True, status="funded")
    assert funded.exists()
    projects = Project.objects.filter(application__in=funded)
    assert projects.count() == funded.count()
    for project in projects.annotate(partner_budget=Sum("partners__budget_eur")):
        assert project.origin == ProjectOrigin.AAP and project.created_by == _account("pilot")
        assert project.partner_budget == project.budget_eur
        assert project.deliverables.count() >= 2
    assert AuditEvent.objects.filter(action="project.created").count() == funded.count()


def test_the_governance_project_follows_its_four_million(demo):
    packages = WorkPackage.objects.filter(project__origin=ProjectOrigin.GOVERNANCE)
    assert packages.count() == 5
    assert packages.aggregate(total=Sum("budget_eur"))["total"] == 4_000_000
    actions = GovernanceAction.objects.all()
    assert set(actions.values_list("kind", flat=True)) == {
        "event", "training", "mission", "communication"}
    assert set(actions.values_list("work_package__number", flat=True)) == {1, 2, 3, 4, 5}
    for package in packages.annotate(planned=Sum("actions__budget_eur")):
        assert package.planned <= package.budget_eur
    assert all(a.spent_eur <= a.budget_eur for a in actions)
    assert actions.filter(spent_eur__gt=0).exists()


def test_the_number_of_deliverables_follows_the_size(db):
    # About 2,000 at 6,500 applications: 400 at 1,300.
    call_command("seed_demo", applications=1300, reviewers=20)
    assert 360 <= Deliverable.objects.count() <= 440
    assert Project.objects.filter(origin=ProjectOrigin.AAP).count() > 3


# --- Again, and real data -------------------------------------------------------------------

def test_seed_demo_again_replaces_demo_data_and_if_empty_keeps_it(db):
    call_command("seed_demo", applications=20, reviewers=3)
    call_command("seed_demo", applications=30, reviewers=3)
    assert Application.objects.count() == 30
    first = _demo_priority().order_by("axis__number", "position").first()
    project_type = ContentType.objects.get_for_model(Project)

    def follow_up_counts():
        return (Project.objects.filter(is_demo=True).count(), Deliverable.objects.count(),
                ProjectReport.objects.count(), ReportBudgetLine.objects.count(),
                GovernanceAction.objects.count(), AuditEvent.objects.filter(
                    target_type=project_type, target_id=first.pk).count())

    counts = follow_up_counts()
    call_command("seed_demo", applications=30, reviewers=3)
    # The slots are emptied and filled again, their demo history with them.
    assert follow_up_counts() == counts
    call_command("seed_demo", applications=5, reviewers=3, if_empty=True)
    assert Application.objects.count() == 30


def test_seed_demo_leaves_staff_imported_priority_projects(db):
    slot = Project.objects.get(origin=ProjectOrigin.PRIORITY, axis__number=2, position=3)
    slot.acronym = "REAL"
    slot.save()
    call_command("seed_demo", applications=0, reviewers=1)
    call_command("seed_demo", applications=0, reviewers=1)
    slot.refresh_from_db()
    assert slot.acronym == "REAL" and not slot.is_demo
    assert not slot.partners.exists() and not slot.reports.exists()
    assert _demo_priority().count() == 11


def test_a_numbered_applicant_signs_in_through_the_login_page(db, client):
    from pepr.demo.builder import DEMO_PASSWORD

    call_command("seed_demo", applications=6, reviewers=2)
    response = client.post(reverse("account_login"),
                           {"login": f"applicant00001@{DOMAIN}", "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url != reverse("account_email_verification_sent")  # not held back
    assert client.get(reverse("account_login")).wsgi_request.user == _account("applicant00001")
    # Every demo account, whichever part of the demo created it, has its e-mail verified.
    assert not User.objects.filter(email__endswith=f"@{DOMAIN}").exclude(
        emailaddress__verified=True).exists()
