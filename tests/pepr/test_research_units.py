"""Research units as reference data (issue 16): staff import them from the RNSR's CSV export,
checked line by line, all or nothing, idempotent; the people and partner teams who typed an
imported unit's RNSR identifier are linked to it; the admin finds units and shows who typed a
unit that is not listed. The demo's staff are in head offices, so that the unit rule leaves them
almost every file."""
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

import pepr.core
from calls.applications.models import Application, ApplicationStatus, Partner
from calls.evaluation.conflicts import conflicted_with, is_conflicted
from pepr.core.models import AuditEvent, Organisation, OrganisationKind, User
from pepr.core.research_units import ResearchUnit
from pepr.demo import units as demo_units
from projects.models import Project, ProjectOrigin, ProjectPartner
from tests.factories import ApplicationFactory, PartnerFactory, UserFactory

EXAMPLE = Path(pepr.core.__file__).parent / "examples" / "research_units.csv"
DOMAIN = "demo.pepr-bbti.fr"


def _import(*args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_research_units", *map(str, args), stdout=out)
    return out.getvalue()


def _rejected(path):
    with translation.override("en"), pytest.raises(CommandError) as rejected:
        call_command("import_research_units", str(path), stdout=io.StringIO())
    return str(rejected.value)


def _write(tmp_path, text, *, encoding="utf-8"):
    path = tmp_path / "units.csv"
    path.write_bytes(text.encode(encoding))
    return path


# --- The import ------------------------------------------------------------------------------

def test_the_example_file_imports_its_units_and_again_changes_nothing(db):
    output = _import(EXAMPLE)
    assert "Research units: 10 new, 0 updated, 0 unchanged." in output
    unit = ResearchUnit.objects.get(rnsr="201822741K")
    assert (unit.code, unit.acronym, unit.city) == ("U1841", "CRTI-N", "Nantes")
    assert unit.name == "Centre de recherche en transplantation et immunothérapie de Nantes"
    # Inserm and CEA are the reference data's; the others are created, of kind research.
    tutelles = {o.acronym or o.name for o in unit.tutelles.all()}
    assert tutelles == {"Inserm", "Nantes Université"}
    assert ResearchUnit.objects.get(code="DRF/IBTS").tutelles.get().acronym == "CEA"
    created = Organisation.objects.get(name="Nantes Université")
    assert created.kind == OrganisationKind.RESEARCH
    assert "Supervising organisations created" in output and "Nantes Université" in output
    assert "CNRS" in output and "AP-HP" in output
    organisations = Organisation.objects.count()
    again = _import(EXAMPLE)
    assert "No change: 10 units already up to date." in again
    assert "created" not in again
    assert (ResearchUnit.objects.count(), Organisation.objects.count()) == (10, organisations)


@pytest.mark.parametrize("separator,bom", [(",", False), (";", True), ("\t", True)])
def test_english_columns_any_separator_with_or_without_bom(db, tmp_path, separator, bom):
    rows = [["identifier", "name", "code", "tutelles", "city", "address"],
            ["202099001A", "Vecteurs, cibles et thérapies", "U1899", "inserm | CEA", "Lyon",
             "1 rue X"]]
    text = "\n".join(separator.join(f'"{cell}"' for cell in row) for row in rows)
    output = _import(_write(tmp_path, ("\ufeff" if bom else "") + text))
    assert "1 new" in output and "Columns not read: address" in output
    unit = ResearchUnit.objects.get(rnsr="202099001A")
    assert unit.name == "Vecteurs, cibles et thérapies" and unit.code == "U1899"
    assert {o.acronym for o in unit.tutelles.all()} == {"Inserm", "CEA"}


def test_a_tutelle_is_found_by_its_name_without_case_and_several_in_a_quoted_cell(db, tmp_path):
    path = _write(tmp_path, "Identifiant;Nom;Sigle;Tutelles;Ville\n"
                            "202099002B;Unité test;UT;\"institut national de la santé et de la "
                            "recherche médicale ; agence nationale de la recherche\";Paris\n")
    _import(path)
    unit = ResearchUnit.objects.get(rnsr="202099002B")
    assert unit.acronym == "UT"
    assert {o.acronym for o in unit.tutelles.all()} == {"Inserm", "ANR"}


def test_a_changed_line_updates_its_unit_only(db, tmp_path):
    _import(EXAMPLE)
    text = EXAMPLE.read_text(encoding="utf-8").replace(";Nantes\n", ";Saint-Herblain\n")
    text = text.replace("Inserm | Université de Montpellier", "Inserm")
    output = _import(_write(tmp_path, text))
    assert "0 new, 2 updated, 8 unchanged." in output
    assert ResearchUnit.objects.get(rnsr="201822741K").city == "Saint-Herblain"
    assert ResearchUnit.objects.get(rnsr="202023118B").tutelles.get().acronym == "Inserm"


def test_a_bad_file_names_each_line_and_column_and_imports_nothing(db, tmp_path):
    path = _write(tmp_path, "Numéro RNSR;Libellé;Code;Tutelles;Ville\n"
                            "202099003C;Bonne unité;U1;Inconnue SA;Lyon\n"
                            "20209900C;Mauvais identifiant;U2;Inserm;Lyon\n"
                            "202099004D;;U3;Inserm;Lyon\n"
                            "202099003c;Doublon;U4;Inserm;Lyon\n"
                            f"202099005E;Unité;{'X' * 40};Inserm;Lyon\n")
    message = _rejected(path)
    assert ("Line 3, column “Numéro RNSR”: Enter an RNSR unit identifier: nine digits and a "
            "capital letter") in message
    assert "Line 4, column “Libellé”: this column is required." in message
    assert "Line 5, column “Numéro RNSR”: the unit 202099003C is already on line 2." in message
    assert "Line 6, column “Code”: at most 32 characters, found 40." in message
    assert not ResearchUnit.objects.exists()
    assert not Organisation.objects.filter(name="Inconnue SA").exists()


def test_a_file_without_an_identifier_column_or_rows_is_refused(db, tmp_path):
    message = _rejected(_write(tmp_path, "Libellé,Ville\nUnité,Lyon\n"))
    assert "Line 1: no column for the RNSR identifier (name it one of: “identifier”" in message
    assert "“Numéro RNSR”" in message
    assert "The file holds no unit to import." in _rejected(
        _write(tmp_path, "identifier,name\n\n"))
    assert "not UTF-8" in _rejected(_write(tmp_path, "identifier,name\n202099006F,Unité é\n",
                                           encoding="latin-1"))


def test_a_dry_run_saves_nothing(db):
    output = _import(EXAMPLE, "--dry-run")
    assert "10 new" in output and "Dry run: nothing was saved." in output
    assert not ResearchUnit.objects.exists()
    assert not Organisation.objects.filter(name="Nantes Université").exists()


# --- Linking what people typed ---------------------------------------------------------------

def test_teams_and_users_who_typed_an_imported_rnsr_are_linked(db):
    partner = PartnerFactory(rnsr="201822741k", laboratory="CRTI Nantes (typed)")
    other = PartnerFactory(rnsr="", laboratory="CRTI")
    project = Project.objects.filter(origin=ProjectOrigin.PRIORITY).first()
    team = ProjectPartner.objects.create(project=project, laboratory="IBTS (typed)",
                                         rnsr="201622815P")
    user = UserFactory(laboratory="U1841 – CRTI-N [201822741K]")
    stranger = UserFactory(laboratory="Laboratoire 201822741K ou 201622815P")
    output = _import(EXAMPLE)
    assert "Linked to their unit by the RNSR identifier they typed: partners: 1, " \
           "project partners: 1, users: 1." in output
    for row in (partner, other, team, user, stranger):
        row.refresh_from_db()
    unit = ResearchUnit.objects.get(rnsr="201822741K")
    assert partner.unit == unit and user.unit == unit
    assert team.unit == ResearchUnit.objects.get(rnsr="201622815P")
    assert other.unit is None and stranger.unit is None  # nothing typed, or two units named
    event = AuditEvent.objects.get(action="profile.affiliation", target_id=user.pk)
    assert event.data["after"]["unit"] == str(unit.pk)
    assert "Nobody left to link" in _import(EXAMPLE)


# --- The admin -------------------------------------------------------------------------------

@pytest.fixture
def imported(db):
    _import(EXAMPLE)


@pytest.mark.parametrize("term,found,absent", [
    ("U1841", "CRTI-N", "IVTG"), ("202023118B", "IVTG", "CRTI-N"),
    ("Grenoble", "IRBG", "CRTI-N"), ("vésicules", "VESIC", "IBTS"), ("ibts", "IBTS", "IVTG"),
])
def test_the_admin_finds_units_by_code_rnsr_city_name_or_acronym(client, administrator, imported,
                                                                 term, found, absent):
    client.force_login(administrator)
    page = client.get(reverse("admin:pepr_researchunit_changelist"), {"q": term})
    text = page.content.decode()
    assert page.status_code == 200
    assert found in text and absent not in text


def test_the_admin_filters_units_by_tutelle(client, administrator, imported):
    client.force_login(administrator)
    cea = Organisation.objects.get(acronym="CEA")
    page = client.get(reverse("admin:pepr_researchunit_changelist"),
                      {"tutelles__id__exact": cea.pk})
    text = page.content.decode()
    assert page.status_code == 200
    assert "IBTS" in text and "LSBIO" in text and "CRTI-N" not in text
    unit = ResearchUnit.objects.get(acronym="IBTS")
    page = client.get(reverse("admin:pepr_researchunit_change", args=[unit.pk]))
    assert page.status_code == 200 and "201622815P" in page.content.decode()


def test_staff_find_the_users_and_applications_with_a_unit_not_listed(client, administrator,
                                                                      imported):
    unit = ResearchUnit.objects.get(rnsr="201822741K")
    typed = UserFactory(email="typed@example.org", laboratory="Mon labo à moi", unit=None)
    UserFactory(email="linked@example.org", unit=unit)
    linked_file = ApplicationFactory(acronym="LINKED")
    PartnerFactory(application=linked_file, unit=unit)
    typed_file = ApplicationFactory(acronym="TYPEDONLY")
    PartnerFactory(application=typed_file, unit=None, laboratory="Labo non listé")
    client.force_login(administrator)
    users = client.get(reverse("admin:pepr_user_changelist"), {"unit_link": "unlinked"})
    assert users.status_code == 200
    text = users.content.decode()
    assert "typed@example.org" in text and "linked@example.org" not in text
    applications = client.get(reverse("admin:calls_application_changelist"),
                              {"unit_link": "unlinked"})
    text = applications.content.decode()
    assert applications.status_code == 200 and "TYPEDONLY" in text and "LINKED" not in text
    text = client.get(reverse("admin:calls_application_changelist"),
                      {"unit_link": "linked"}).content.decode()
    assert "LINKED" in text and "TYPEDONLY" not in text
    text = client.get(reverse("admin:pepr_user_changelist"),
                      {"unit_link": "linked"}).content.decode()
    assert "linked@example.org" in text and "typed@example.org" not in text
    # The unit field of a user and of a partner team is an autocomplete on the units.
    picked = client.get(reverse("admin:autocomplete"), {
        "app_label": "pepr", "model_name": "user", "field_name": "unit", "term": "Nantes"})
    assert [r["id"] for r in picked.json()["results"]] == [str(unit.pk)]
    page = client.get(reverse("admin:pepr_user_change", args=[typed.pk]))
    assert page.status_code == 200 and 'name="unit"' in page.content.decode()


def test_the_admin_action_links_those_who_typed_the_rnsr(client, administrator, imported):
    unit = ResearchUnit.objects.get(rnsr="202023118B")
    partner = PartnerFactory(rnsr="202023118B", laboratory="IVTG (typed)")
    client.force_login(administrator)
    client.post(reverse("admin:pepr_researchunit_changelist"), {
        "action": "link_typed", "_selected_action": [unit.pk]})
    partner.refresh_from_db()
    assert partner.unit == unit


# --- The demo --------------------------------------------------------------------------------

@pytest.fixture
def demo(db):
    call_command("seed_demo", applications=500, reviewers=40, stdout=io.StringIO())


def _account(key):
    return User.objects.get(email=f"{key}@{DOMAIN}")


def _submitted():
    return Application.objects.filter(is_demo=True, submitted_at__isnull=False).exclude(
        status=ApplicationStatus.WITHDRAWN)


def test_demo_staff_open_nearly_every_submitted_file_and_none_of_their_units(demo):
    submitted = _submitted()
    total = submitted.count()
    assert total > 250
    shares = {}
    for key in ("pilot", "anr", "directeur", "ccs", "csi"):
        user = _account(key)
        shares[key] = (total - submitted.filter(conflicted_with(user)).count()) / total
        # A head office that no team uses.
        assert user.unit is not None and not Partner.objects.filter(unit=user.unit).exists()
        assert not ProjectPartner.objects.filter(unit=user.unit).exists()
    assert all(share >= 0.95 for share in shares.values()), shares
    application, other = submitted.order_by("pk")[:2]
    for key in ("pilot", "anr"):
        user = _account(key)
        assert user.has_perm("calls.view_application", application)
        PartnerFactory(application=application, unit=user.unit, organisation=user.organisation,
                       laboratory=user.laboratory)
        assert is_conflicted(application, user)
        assert submitted.filter(conflicted_with(user), pk=application.pk).exists()
        assert not user.has_perm("calls.view_application", application)
        assert user.has_perm("calls.view_application", other)


def test_a_demo_reviewer_is_kept_from_the_files_of_their_unit(demo):
    reviewer = _account("reviewer")
    own = _submitted().filter(partners__unit=reviewer.unit).distinct()
    assert own.exists()
    conflicted = set(_submitted().filter(conflicted_with(reviewer)).values_list("pk", flat=True))
    for application in own:
        assert application.pk in conflicted and is_conflicted(application, reviewer)
    # The demo assigns no reviewer a file they are conflicted with.
    experts = User.objects.filter(assignments__isnull=False).distinct()
    assert experts.count() > 10
    for expert in experts:
        assigned = Application.objects.filter(assignments__reviewer=expert)
        assert not assigned.filter(conflicted_with(expert)).exists(), expert.email


def test_most_demo_teams_are_inserm_or_cea_units(demo):
    assert ResearchUnit.objects.filter(is_demo=True).count() == len(demo_units.UNITS) >= 38
    applications = Application.objects.filter(is_demo=True)
    with_pilots = applications.filter(
        partners__unit__tutelles__acronym__in=["Inserm", "CEA"]).distinct().count()
    assert with_pilots > 0.8 * applications.count()
    partners = Partner.objects.filter(application__is_demo=True)
    listed = partners.filter(unit__isnull=False)
    assert listed.count() > 0.85 * partners.count()
    # A few hospital and company teams have no listed unit: staff see them as "not listed".
    assert partners.filter(unit__isnull=True, organisation__kind__in=["hospital", "company"]
                           ).exists()
    for partner in listed.select_related("unit")[:50]:
        assert partner.laboratory == demo_units.laboratory_of(partner.unit)
        assert partner.unit.tutelles.filter(pk=partner.organisation_id).exists()
    teams = ProjectPartner.objects.filter(project__is_demo=True)
    assert teams.filter(unit__tutelles__acronym__in=["Inserm", "CEA"]).distinct().count() > \
        teams.count() / 2
    funded = ProjectPartner.objects.filter(project__origin=ProjectOrigin.AAP, project__is_demo=True)
    assert funded.exists() and funded.filter(unit__isnull=False).exists()


def test_real_data_keeps_the_demo_units_and_organisations_it_points_at(db, tmp_path):
    call_command("seed_demo", applications=10, reviewers=2, stdout=io.StringIO())
    demo_unit = ResearchUnit.objects.get(is_demo=True, acronym="ITC")
    real_team = PartnerFactory(application=ApplicationFactory(), unit=demo_unit)
    call_command("seed_demo", applications=10, reviewers=2, stdout=io.StringIO())
    assert ResearchUnit.objects.filter(is_demo=True).count() == len(demo_units.UNITS)
    real_team.refresh_from_db()
    assert real_team.unit == demo_unit
    # A real file naming an organisation the demo made turns it into real data.
    cnrs = Organisation.objects.get(acronym="CNRS")
    _import(_write(tmp_path, "identifier,name,tutelles\n202099007G,Unité réelle,CNRS\n"))
    cnrs.refresh_from_db()
    assert not cnrs.is_demo
    assert ResearchUnit.objects.get(rnsr="202099007G").tutelles.get() == cnrs
    from pepr.demo.builder import remove_demo
    remove_demo()
    assert ResearchUnit.objects.get(rnsr="202099007G").tutelles.get() == cnrs
    assert ResearchUnit.objects.filter(is_demo=True).get() == demo_unit


def test_a_unit_linked_in_the_admin_is_audited(client, administrator, imported):
    from tests.admin_forms import change_form_data

    unit = ResearchUnit.objects.get(rnsr="201822741K")
    user = UserFactory(laboratory="CRTI (typed)")
    client.force_login(administrator)
    url = reverse("admin:pepr_user_change", args=[user.pk])
    response = client.post(url, {**change_form_data(client.get(url), "user"),
                                 "unit": str(unit.pk)})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.unit == unit
    event = AuditEvent.objects.get(action="profile.affiliation", target_id=user.pk)
    assert (event.data["before"]["unit"], event.data["after"]["unit"]) == ("", str(unit.pk))
