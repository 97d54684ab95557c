"""The demo programme: labelled as demo, calls in every state, repeatable, keeps real data."""
from django.core.management import call_command
from django.utils import timezone

from calls.applications.models import Application
from calls.setup.models import Call, Stage
from pepr.core.models import User
from projects.models import PriorityProject


def test_seed_demo_builds_a_labelled_programme(db, capsys):
    call_command("seed_demo", applications=50, reviewers=5)
    out = capsys.readouterr().out
    for role in ("applicant", "reviewer", "ccs", "pilot", "anr", "admin"):
        assert f"{role}@demo.pepr-bbti.fr" in out
    assert Application.objects.filter(is_demo=True).count() == 50
    assert not Application.objects.filter(is_demo=False).exists()
    assert User.objects.get(email="pilot@demo.pepr-bbti.fr").has_perm("pepr.view_dashboard")
    assert PriorityProject.objects.filter(is_demo=True, acronym__startswith="DEMO-").count() == 12
    now = timezone.now()
    states = {stage.state(now) for stage in Stage.objects.filter(call__is_demo=True)}
    assert states == {"upcoming", "open", "closed"}
    assert Call.objects.filter(is_demo=True, published_at__isnull=True).exists()
    # The demo applicant can show a full AMI project growing from a selected letter.
    assert Application.objects.filter(
        coordinator__email="applicant@demo.pepr-bbti.fr", status="selected",
        stage__kind="loi").exists()


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
    assert Review.objects.filter(assignment__reviewer__email="reviewer@demo.pepr-bbti.fr",
                                 status="draft").exists()
    ccs = User.objects.get(email="ccs@demo.pepr-bbti.fr")
    assert AgendaItem.objects.filter(ballot_status="open",
                                     session__attendances__member=ccs).exists()
    call_command("seed_demo", applications=10, reviewers=2)  # and it can be rebuilt


def test_seed_demo_again_replaces_demo_data_and_if_empty_keeps_it(db):
    call_command("seed_demo", applications=20, reviewers=3)
    call_command("seed_demo", applications=30, reviewers=3)
    assert Application.objects.count() == 30
    call_command("seed_demo", applications=5, reviewers=3, if_empty=True)
    assert Application.objects.count() == 30


def test_seed_demo_leaves_staff_imported_priority_projects(db):
    slot = PriorityProject.objects.get(axis__number=2, position=3)
    slot.acronym = "REAL"
    slot.save()
    call_command("seed_demo", applications=0, reviewers=1)
    call_command("seed_demo", applications=0, reviewers=1)
    slot.refresh_from_db()
    assert slot.acronym == "REAL" and not slot.is_demo
