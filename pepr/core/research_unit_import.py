"""Every write of the research-unit import (command and admin alike): a CSV file in the columns of
the RNSR's export (read and checked by pepr.core.research_unit_csv) is imported whole or not at
all; importing it again changes nothing. Afterwards, the users and partner teams who typed the
RNSR identifier of an imported unit are linked to it, which is what the conflict-of-interest
rule compares."""
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Trim, Upper
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from pepr.core import audit
from pepr.core.models import Organisation, OrganisationKind, User
from pepr.core.research_unit_csv import (FIELDS, MAX_ERRORS, ImportRejected, clean_rows,
                                         columns_of, located, read_rows)
from pepr.core.research_units import ResearchUnit

__all__ = ["ImportRejected", "UnitImportSummary", "import_units", "link_typed_units"]

# As the unit picker writes a unit ("U1234 – Name [200918488S]") or as a person types the id.
RNSR_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])([0-9]{9}[A-Za-z])(?![0-9A-Za-z])")


@dataclass
class UnitImportSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    created_organisations: list = field(default_factory=list)
    linked: dict = field(default_factory=dict)  # verbose name plural: count
    ignored_columns: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def has_changes(self):
        return bool(self.new or self.updated or sum(self.linked.values()))

    def lines(self):
        if self.new or self.updated:
            counts = _("%(new)s new, %(updated)s updated, %(unchanged)s unchanged.") % {
                "new": self.new, "updated": self.updated, "unchanged": self.unchanged}
        else:
            counts = ngettext("No change: %(count)s unit already up to date.",
                              "No change: %(count)s units already up to date.",
                              self.unchanged) % {"count": self.unchanged}
        lines = [_("Research units: %(counts)s") % {"counts": counts}]
        if self.created_organisations:
            lines.append(_("Supervising organisations created, of kind “research” (complete "
                           "them in the admin): %(names)s")
                         % {"names": ", ".join(self.created_organisations)})
        linked = ", ".join(f"{name}: {count}" for name, count in self.linked.items() if count)
        lines.append(_("Linked to their unit by the RNSR identifier they typed: %(linked)s.")
                     % {"linked": linked} if linked else
                     _("Nobody left to link by the RNSR identifier they typed."))
        if self.ignored_columns:
            lines.append(_("Columns not read: %(columns)s")
                         % {"columns": ", ".join(self.ignored_columns)})
        if self.dry_run:
            lines.append(_("Dry run: nothing was saved."))
        return lines

    def __str__(self):
        return "\n".join(self.lines())


# --- Supervising organisations ---------------------------------------------------------------

class Tutelles:
    """Finds an organisation by its acronym or name, without case; creates the unknown ones (of
    kind research) once per import. Real data never points at demo data: an organisation the demo
    made that a file names becomes real (it stays when the demo is removed)."""

    def __init__(self):
        self.known, self.created, self.errors = {}, [], []
        for organisation in Organisation.objects.order_by("is_demo", "pk"):
            for text in (organisation.name, organisation.acronym):
                if text:
                    self.known.setdefault(text.casefold(), []).append(organisation)

    def find(self, text, line, column):
        found = self.known.get(text.casefold())
        if found is None:
            acronym = text if " " not in text and len(text) <= 64 else ""
            organisation = Organisation.objects.create(
                name=text, acronym=acronym, kind=OrganisationKind.RESEARCH)
            self.known[text.casefold()] = found = [organisation]
            self.created.append(text)
        real = {o.pk for o in found if not o.is_demo}
        if len(real) > 1:
            self.errors.append(located(line, column, _(
                "“%(name)s” names several organisations: write its full name.") % {"name": text}))
        organisation = found[0]
        if organisation.is_demo:
            organisation.is_demo = False
            organisation.save(update_fields=["is_demo"])
        return organisation.pk


# --- Writing ---------------------------------------------------------------------------------

def _changes(unit, values, tutelle_ids):
    """The fields of `unit` the file changes (a column the file lacks keeps its value)."""
    changed = [name for name in FIELDS if name in values and getattr(unit, name) != values[name]]
    if unit.is_demo:
        changed.append("is_demo")  # a demo unit that a real file lists becomes real data
    if tutelle_ids is not None and {t.pk for t in unit.tutelles.all()} != set(tutelle_ids):
        changed.append("tutelles")
    return changed


def _write(cleaned, positions, header, summary):
    """Create or update the units of the file; returns them (every unit the file lists)."""
    existing = {u.rnsr: u for u in ResearchUnit.objects.filter(
        rnsr__in=[values["rnsr"] for _line, values in cleaned]).prefetch_related("tutelles")}
    tutelles = Tutelles()
    units, new, updated, tutelle_sets = [], [], [], {}
    for line, values in cleaned:
        ids = None if "tutelles" not in values else [
            tutelles.find(name, line, header[positions["tutelles"]])
            for name in values["tutelles"]]
        unit = existing.get(values["rnsr"])
        if unit is None:
            unit = ResearchUnit(rnsr=values["rnsr"], **{n: values.get(n, "") for n in FIELDS})
            new.append(unit)
        else:
            changed = _changes(unit, values, ids)
            if not changed:
                summary.unchanged += 1
                units.append(unit)
                continue
            for name in changed:
                if name in FIELDS:
                    setattr(unit, name, values[name])
            unit.is_demo = False
            updated.append(unit)
        if ids is not None:
            tutelle_sets[values["rnsr"]] = ids
        units.append(unit)
    if tutelles.errors:
        raise ImportRejected(tutelles.errors[:MAX_ERRORS])
    ResearchUnit.objects.bulk_create(new, batch_size=1000)
    ResearchUnit.objects.bulk_update(updated, [*FIELDS, "is_demo"], batch_size=1000)
    _set_tutelles(units, tutelle_sets)
    summary.new, summary.updated = len(new), len(updated)
    summary.created_organisations = tutelles.created
    return units


def _set_tutelles(units, tutelle_sets):
    """The tutelles of the new and updated units, in two queries."""
    Through = ResearchUnit.tutelles.through
    touched = [unit.pk for unit in units if unit.rnsr in tutelle_sets]
    Through.objects.filter(researchunit_id__in=touched).delete()
    Through.objects.bulk_create(
        (Through(researchunit_id=unit.pk, organisation_id=organisation_id)
         for unit in units if unit.rnsr in tutelle_sets
         for organisation_id in dict.fromkeys(tutelle_sets[unit.rnsr])), batch_size=1000)


def _content(file):
    if isinstance(file, (str, Path)):
        try:
            return Path(file).read_bytes()
        except OSError as error:
            raise ImportRejected([_("The file cannot be read: %(error)s")
                                  % {"error": error.strerror or error}]) from error
    return file.read() if hasattr(file, "read") else file


def import_units(file, *, by=None, dry_run=False):
    """Import a CSV file (a path, an open file or its bytes) of research units; raises
    ImportRejected, having saved nothing, if any line is wrong."""
    header, rows = read_rows(_content(file))
    positions, ignored = columns_of(header)
    cleaned = clean_rows(header, rows, positions)
    summary = UnitImportSummary(ignored_columns=ignored, dry_run=dry_run)
    with transaction.atomic():
        units = _write(cleaned, positions, header, summary)
        summary.linked = link_typed_units(units, by=by)
        if dry_run:
            transaction.set_rollback(True)
    return summary


# --- Linking what people typed ---------------------------------------------------------------

def link_typed_units(units, *, by=None):
    """Link the partner teams (every model with a `unit` and a typed `rnsr`) and the users whose
    laboratory names the RNSR identifier of one of `units`, when they have no unit yet.
    Returns {what: how many}."""
    ids = {unit.rnsr for unit in units}
    if not ids:
        return {}
    linked = {}
    for relation in ResearchUnit._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or model is User or not _has_field(model, "rnsr"):
            continue
        unit_of_typed = ResearchUnit.objects.filter(rnsr=Upper(Trim(OuterRef("rnsr"))))
        linked[str(model._meta.verbose_name_plural)] = (
            model.objects.filter(**{f"{relation.field.name}__isnull": True})
            .alias(typed=Upper(Trim("rnsr"))).filter(typed__in=ids)
            .update(**{relation.field.name: Subquery(unit_of_typed.values("pk")[:1])}))
    linked[str(User._meta.verbose_name_plural)] = _link_users(
        {unit.rnsr: unit for unit in units}, by=by)
    return linked


def _has_field(model, name):
    return any(f.name == name for f in model._meta.get_fields())


def _link_users(units, *, by):
    """Users whose laboratory names exactly one unit's RNSR identifier; audited like a change of
    affiliation in the admin, since conflicts of interest follow the unit."""
    count = 0
    for user in User.objects.filter(unit__isnull=True, laboratory__regex=r"[0-9]{9}[A-Za-z]"):
        found = {units.get(rnsr.upper()) for rnsr in RNSR_IN_TEXT.findall(user.laboratory)}
        found.discard(None)
        if len(found) != 1:
            continue
        unit = found.pop()
        user.unit = unit
        user.save(update_fields=["unit"])
        before = {"organisation": str(user.organisation_id or ""), "unit": "",
                  "laboratory": user.laboratory}
        audit.record(by, "profile.affiliation", user,
                     gettext_noop("linked %(email)s to the research unit %(unit)s"),
                     {"email": user.email, "unit": unit.label},
                     before=before, after={**before, "unit": str(unit.pk)})
        count += 1
    return count
