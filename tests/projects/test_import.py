"""The import of the priority projects (issue 14): staff fill the twelve slots and their
partners from a CSV or YAML file, with the command or from the admin after a preview. A bad
file imports nothing and says which line and column; the same file twice changes nothing."""
import io
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

import projects.imports
from pepr.core.models import AuditEvent, Organisation, OrganisationKind, OutboundEmail, User
from projects.imports.services import import_projects
from projects.models import Project, ProjectOrigin, ProjectPartner
from tests.factories import UserFactory

EXAMPLES = Path(projects.imports.__file__).parent / "examples"
PROJECTS_CSV = EXAMPLES / "priority_projects.csv"
PARTNERS_CSV = EXAMPLES / "partners.csv"
HEADER = ("axis,position,acronym,title_fr,title_en,coordinator_email,start_date,duration_months,"
          "budget_eur,anr_reference\n")


def _import(*args, language="en"):
    out = io.StringIO()
    with translation.override(language):
        call_command("import_projects", *map(str, args), stdout=out)
    return out.getvalue()


def _rejected(*args, language="en"):
    with translation.override(language), pytest.raises(CommandError) as rejected:
        call_command("import_projects", *map(str, args), stdout=io.StringIO())
    return rejected.value


def _slots():
    return Project.objects.filter(origin=ProjectOrigin.PRIORITY)


def _filled():
    return _slots().exclude(acronym="")


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("example", ["priority_projects.csv", "priority_projects.yaml"])
def test_a_good_file_fills_the_twelve_slots(db, example):
    output = _import(EXAMPLES / example)
    assert "Priority projects: 12 new, 0 updated, 0 unchanged." in output
    assert _slots().count() == 12 and _filled().count() == 12
    slot = _slots().select_related("axis", "coordinator").get(axis__number=2, position=3)
    assert (slot.acronym, slot.title_en, slot.coordinator.email) == (
        "VECTORQC", "Vector production and non-disruptive quality control",
        "thomas.durand@example.org")
    assert (slot.start_date.isoformat(), slot.duration_months, slot.budget_eur,
            slot.anr_reference) == ("2024-01-01", 54, 3_700_000, "ANR-22-PEBB-0006")
    assert sum(_slots().values_list("budget_eur", flat=True)) == 48_800_000
    # Started in 2023–2024: they run, and their budget counts as committed.
    assert set(_slots().values_list("status", flat=True)) == {"running"}
    assert AuditEvent.objects.filter(action="project.imported").count() == 12


def test_a_csv_file_saved_with_a_byte_order_mark_is_read(db, tmp_path):
    path = tmp_path / "projects.csv"
    path.write_bytes(b"\xef\xbb\xbf" + PROJECTS_CSV.read_bytes())
    assert "12 new" in _import(path)
    assert _filled().count() == 12


def _bad_csv(tmp_path):
    return _write(tmp_path, "bad.csv", HEADER
                  + "1,1,GOOD,Bon,Good,good.coordinator@example.org,2024-01-01,48,1000000,\n"
                  + "5,2,AXIS,Axe,Axis,axis@example.org,2024-01-01,48,1000000,\n"
                  + "1,3,DATE,Date,Date,date@example.org,15/01/2024,48,1 000 000,\n")


@pytest.mark.parametrize("language, expected", [
    ("en", ["Line 3, column axis: expected an axis number from 1 to 4, found “5”.",
            "Line 4, column start_date: expected a date written YYYY-MM-DD, such as 2024-01-15, "
            "found “15/01/2024”."]),
    ("fr", ["Ligne 3, colonne axis : un numéro d'axe de 1 à 4 est attendu, et non « 5 ».",
            "Ligne 4, colonne start_date : une date écrite AAAA-MM-JJ est attendue, par exemple "
            "2024-01-15, et non « 15/01/2024 »."]),
])
def test_a_bad_file_names_the_line_and_column_and_imports_nothing(db, tmp_path, language,
                                                                  expected):
    error = _rejected(_bad_csv(tmp_path), language=language)
    assert str(error).splitlines() == expected  # each error on its own line, in file order
    assert error.returncode != 0
    assert not _filled().exists()
    # The good line's unknown coordinator was not invited either: nothing was kept.
    assert not User.objects.filter(email="good.coordinator@example.org").exists()
    assert not AuditEvent.objects.filter(action="project.imported").exists()


def test_a_yaml_error_names_the_line_the_entry_starts_on(db, tmp_path):
    text = PROJECTS_CSV.with_suffix(".yaml").read_text(encoding="utf-8")
    # The second entry starts on line 13 of the example (two comment lines, ten keys each).
    text = text.replace("  acronym: AUTOCELL\n", "  acronym: AUTOCELL\n  duration_months: x\n")
    text = text.replace("  duration_months: 48\n  budget_eur: 4100000", "  budget_eur: 4100000")
    error = _rejected(_write(tmp_path, "bad.yaml", text))
    assert str(error) == ("Line 13, column duration_months: expected a duration from 1 to 120 "
                          "months, found “x”.")
    assert not _filled().exists()


def test_a_file_without_a_required_column_or_with_an_unknown_one_is_refused(db, tmp_path):
    text = PROJECTS_CSV.read_text(encoding="utf-8").replace("coordinator_email", "coordinator")
    error = _rejected(_write(tmp_path, "columns.csv", text))
    assert str(error).startswith("Line 1: missing column(s): coordinator_email; unknown "
                                 "column(s): coordinator. Expected columns: axis, position,")
    assert not _filled().exists()


def test_a_file_cannot_give_a_slot_or_an_acronym_twice(db, tmp_path):
    rows = PROJECTS_CSV.read_text(encoding="utf-8").splitlines()
    twice = [rows[0], rows[1], rows[1].replace("CELLSOURCE", "OTHER"), rows[2].replace(
        "AUTOCELL", "CELLSOURCE")]
    error = _rejected(_write(tmp_path, "twice.csv", "\n".join(twice) + "\n"))
    assert str(error).splitlines() == [
        "Line 3, column position: slot 1.1 is already given on line 2.",
        "Line 4, column acronym: the acronym CELLSOURCE is already given on line 2."]


def test_an_acronym_moves_between_slots_of_one_file_but_is_never_shared(db, tmp_path):
    _import(PROJECTS_CSV)
    rows = PROJECTS_CSV.read_text(encoding="utf-8").splitlines()
    taken = rows[1].replace("CELLSOURCE", "AUTOCELL")
    error = _rejected(_write(tmp_path, "taken.csv", "\n".join([rows[0], taken]) + "\n"))
    assert str(error) == ("Line 2, column acronym: the acronym AUTOCELL is already that of the "
                          "priority project in slot 1.2.")
    swapped = [rows[0], taken, rows[2].replace("AUTOCELL", "CELLSOURCE")]
    output = _import(_write(tmp_path, "swapped.csv", "\n".join(swapped) + "\n"))
    assert "Priority projects: 0 new, 2 updated, 0 unchanged." in output
    assert _slots().get(axis__number=1, position=2).acronym == "CELLSOURCE"


def test_a_spreadsheet_saved_with_semicolons_or_an_impossible_yaml_date_is_explained(
        db, tmp_path):
    text = PROJECTS_CSV.read_text(encoding="utf-8").replace(",", ";")
    error = _rejected(_write(tmp_path, "excel.csv", text))
    assert "separated by semicolons" in str(error)
    text = (EXAMPLES / "priority_projects.yaml").read_text(encoding="utf-8")
    text = text.replace("start_date: 2024-01-01", "start_date: 2024-13-01", 1)
    error = _rejected(_write(tmp_path, "date.yaml", text))
    assert str(error) == ("Line 23, column start_date: expected a date written YYYY-MM-DD, such "
                          "as 2024-01-15, found “2024-13-01”.")


def test_importing_the_same_file_twice_changes_nothing_and_says_so(db):
    _import(PROJECTS_CSV)
    stamps = dict(_slots().values_list("pk", "updated_at"))
    output = _import(PROJECTS_CSV)
    assert "Priority projects: No change: 12 rows already up to date." in output
    assert dict(_slots().values_list("pk", "updated_at")) == stamps
    assert AuditEvent.objects.filter(action="project.imported").count() == 12


def test_a_changed_line_updates_its_slot_and_is_audited(db, tmp_path, administrator):
    _import(PROJECTS_CSV)
    text = PROJECTS_CSV.read_text(encoding="utf-8").replace(",4600000,", ",4650000,")
    summary = import_projects(_write(tmp_path, "changed.csv", text), by=administrator)
    with translation.override("en"):
        assert str(summary) == "Priority projects: 0 new, 1 updated, 11 unchanged."
    event = AuditEvent.objects.filter(action="project.imported").first()
    assert (event.actor, event.data["changes"]) == (
        administrator, {"budget_eur": ["4600000", "4650000"]})
    assert _slots().get(acronym="TARGETGENE").budget_eur == 4_650_000


def test_a_key_left_out_of_a_yaml_entry_leaves_its_field_as_it_is(db, tmp_path):
    _import(PROJECTS_CSV)
    output = _import(_write(tmp_path, "one.yaml", (
        "- axis: 1\n  position: 1\n  acronym: CELLSOURCE\n  title_fr: Nouveau titre\n"
        "  title_en: New title\n  coordinator_email: claire.martin@example.org\n"
        "  budget_eur: \n")))
    assert "Priority projects: 0 new, 1 updated, 0 unchanged." in output
    slot = _slots().get(acronym="CELLSOURCE")
    # Left out: kept. Given empty: cleared.
    assert (slot.anr_reference, slot.duration_months) == ("ANR-22-PEBB-0001", 48)
    assert (slot.title_en, slot.budget_eur) == ("New title", None)


def test_a_dry_run_shows_what_would_change_and_saves_nothing(db):
    output = _import(PROJECTS_CSV, "--partners", PARTNERS_CSV, "--dry-run")
    assert "Priority projects: 12 new, 0 updated, 0 unchanged." in output
    assert "Partners of the priority projects: 36 new, 0 updated, 0 unchanged." in output
    assert output.count("Dry run: nothing was saved.") == 2
    assert not _filled().exists() and not ProjectPartner.objects.exists()
    assert not User.objects.filter(email="claire.martin@example.org").exists()


def test_an_unknown_coordinator_gets_an_invited_account(db, client):
    known = UserFactory(email="julien.bernard@example.org")
    output = _import(PROJECTS_CSV)
    assert "Invited accounts created" in output and "claire.martin@example.org" in output
    assert "julien.bernard@example.org" not in output
    assert _slots().get(acronym="AUTOCELL").coordinator == known
    invited = User.objects.get(email="claire.martin@example.org")
    assert invited.is_active and not invited.has_usable_password()
    assert _slots().get(acronym="CELLSOURCE").coordinator == invited
    assert EmailAddress.objects.filter(user=invited, verified=False, primary=True).exists()
    assert User.objects.filter(email__endswith="@example.org").count() == 12
    # “Forgotten password” lets the coordinator in.
    client.post(reverse("account_reset_password"), {"email": "claire.martin@example.org"})
    assert OutboundEmail.objects.filter(recipient="claire.martin@example.org").exists()


def test_the_partners_file_adds_the_teams_once(db):
    output = _import(PROJECTS_CSV, "--partners", PARTNERS_CSV)
    assert "Partners of the priority projects: 36 new, 0 updated, 0 unchanged." in output
    assert "Organisations created, of kind “other”" in output and "AP-HP" in output
    project = _slots().get(acronym="CELLSOURCE")
    assert sum(project.partners.values_list("budget_eur", flat=True)) == project.budget_eur
    inserm = project.partners.get(laboratory__startswith="U1234")
    assert (inserm.organisation.acronym, inserm.lead_email) == ("Inserm",
                                                                 "claire.martin@example.org")
    assert Organisation.objects.filter(acronym__in=["Inserm", "CEA"]).count() == 2
    assert Organisation.objects.get(name="AP-HP").kind == OrganisationKind.OTHER
    again = _import(PROJECTS_CSV, "--partners", PARTNERS_CSV)
    assert "Partners of the priority projects: No change: 36 rows already up to date." in again
    assert ProjectPartner.objects.count() == 36
    assert AuditEvent.objects.filter(action="project.partners_imported").count() == 12


def test_a_bad_partners_file_leaves_the_projects_as_they_were_too(db, tmp_path):
    text = PARTNERS_CSV.read_text(encoding="utf-8").replace("TISSUREG,", "NOPE,", 1)
    error = _rejected(PROJECTS_CSV, "--partners", _write(tmp_path, "partners.csv", text))
    assert str(error) == ("Line 8, column acronym: no priority project has the acronym “NOPE”; "
                          "import the projects file first.")
    assert not _filled().exists() and not ProjectPartner.objects.exists()


# The admin: the same import, with django-import-export's preview before it is confirmed.

@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def _upload(client, path, format_index="0"):
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
    return client.post(reverse("admin:projects_project_import"),
                       {"import_file": upload, "format": format_index, "resource": "0"})


def _confirm_data(page):
    form = re.search(r'<form action="[^"]*process_import/" method="POST">(.*?)</form>',
                     page.content.decode(), re.S).group(1)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def test_the_admin_previews_the_import_then_imports_it_on_confirmation(admin_client,
                                                                      administrator):
    assert admin_client.get(reverse("admin:projects_project_import")).status_code == 200
    preview = _upload(admin_client, PROJECTS_CSV)
    page = preview.content.decode()
    assert preview.status_code == 200 and "Preview" in page and "Confirm import" in page
    assert "VECTORQC" in page and "thomas.durand@example.org" in page
    assert not _filled().exists()  # the preview is a dry run
    done = admin_client.post(reverse("admin:projects_project_process_import"),
                             _confirm_data(preview))
    assert done.status_code == 302
    assert [str(m) for m in get_messages(done.wsgi_request)][0] == (
        "Priority projects: 12 new, 0 updated, 0 unchanged.")
    assert _filled().count() == 12
    assert AuditEvent.objects.filter(action="project.imported", actor=administrator).count() == 12


def test_the_admin_preview_of_a_bad_file_shows_the_errors_and_offers_no_confirmation(
        admin_client, tmp_path):
    page = _upload(admin_client, _bad_csv(tmp_path)).content.decode()
    assert "Line 3, column axis: expected an axis number from 1 to 4, found “5”." in page
    assert "Confirm import" not in page
    assert not _filled().exists()


def test_the_admin_imports_yaml_and_partners_too(admin_client):
    preview = _upload(admin_client, EXAMPLES / "priority_projects.yaml", format_index="1")
    admin_client.post(reverse("admin:projects_project_process_import"), _confirm_data(preview))
    assert _filled().count() == 12
    upload = SimpleUploadedFile("partners.csv", PARTNERS_CSV.read_bytes())
    preview = admin_client.post(reverse("admin:projects_projectpartner_import"),
                                {"import_file": upload, "format": "0", "resource": "0"})
    assert "U1234 – Institut de thérapie cellulaire et tissulaire" in preview.content.decode()
    admin_client.post(reverse("admin:projects_projectpartner_process_import"),
                      _confirm_data(preview))
    assert ProjectPartner.objects.count() == 36


def test_a_priority_slot_is_edited_but_never_added_nor_deleted_in_the_admin(admin_client):
    slot = _slots().get(axis__number=1, position=1)
    page = admin_client.get(reverse("admin:projects_project_change", args=[slot.pk]))
    assert page.status_code == 200
    assert 'name="axis"' not in page.content.decode()  # shown, read-only
    assert admin_client.get(reverse("admin:projects_project_delete", args=[slot.pk])
                            ).status_code == 403
    add = admin_client.get(reverse("admin:projects_project_add")).content.decode()
    assert 'value="ami"' in add and 'value="priority"' not in add
    assert admin_client.get(reverse("admin:projects_project_changelist")).status_code == 200
