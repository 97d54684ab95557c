"""The programme's reference data: what DOMAIN.md states, loaded once, in French and English."""
from django.core.management import call_command
from django.utils import translation

from governance.models import Committee
from pepr.core.models import Axis, Programme
from projects.models import Project, ProjectOrigin, WorkPackage


def _slots():
    return Project.objects.filter(origin=ProjectOrigin.PRIORITY)


def test_programme_facts(db):
    programme = Programme.objects.get()
    assert programme.budget_eur == 80_000_000
    assert programme.governance_budget_eur == 4_000_000
    assert programme.priority_projects_budget_eur == 48_800_000  # 61 % of 80 M€
    assert (programme.start_year, programme.end_year) == (2023, 2030)


def test_four_axes_twelve_slots_four_committees_five_work_packages(db):
    assert list(Axis.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
    slots = _slots().values_list("axis__number", "position")
    assert sorted(slots) == [(axis, position) for axis in range(1, 5) for position in (1, 2, 3)]
    assert set(Committee.objects.values_list("code", flat=True)) == {
        "directeur", "pilotage", "csi", "ccs"}
    # The governance is followed as a project of its own, its work packages the programme's five.
    governance = Project.objects.get(origin=ProjectOrigin.GOVERNANCE)
    packages = WorkPackage.objects.filter(project=governance).order_by("number")
    assert list(packages.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    with translation.override("en"):
        assert packages[4].title == "Communication"
        assert packages[0].title == "Management and coordination"


def test_names_follow_the_active_language(db):
    axis = Axis.objects.get(number=2)
    with translation.override("fr"):
        assert axis.title == "Faciliter le déploiement des thérapies géniques"
    with translation.override("en"):
        assert axis.title == "Facilitating the deployment of gene therapies"
    ccs = Committee.objects.get(code="ccs")
    with translation.override("en"):
        assert ccs.name == "Scientific Advisory Board (CCS)"


def test_loading_again_changes_nothing_and_keeps_staff_imports(db):
    slot = _slots().get(axis__number=1, position=1)
    slot.acronym, slot.title_fr = "REAL", "Titre importé par le personnel"
    slot.save()
    package = WorkPackage.objects.get(project__origin=ProjectOrigin.GOVERNANCE, number=3)
    package.budget_eur = 800_000
    package.save()
    counts = (Axis.objects.count(), _slots().count(), Committee.objects.count(),
              Project.objects.filter(origin=ProjectOrigin.GOVERNANCE).count(),
              WorkPackage.objects.count())
    call_command("load_reference_data", verbosity=0)
    assert (Axis.objects.count(), _slots().count(), Committee.objects.count(),
            Project.objects.filter(origin=ProjectOrigin.GOVERNANCE).count(),
            WorkPackage.objects.count()) == counts
    slot.refresh_from_db()
    package.refresh_from_db()
    assert slot.acronym == "REAL" and package.budget_eur == 800_000
