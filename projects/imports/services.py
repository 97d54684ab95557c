"""Every write of the priority-project import, for the command and the admin alike: a file is
imported whole or not at all, and importing it again changes nothing."""
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.utils.translation import ngettext

from pepr.core import audit
from projects.follow_up.models import ProjectPartner
from projects.imports import formats
from projects.imports.resources import (LineResource, PriorityProjectResource,
                                        ProjectPartnerResource, located)


class ImportRejected(Exception):
    """The file was not imported; `errors` says why, one line each."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass
class ImportSummary:
    subject: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    changed: list = field(default_factory=list)
    invited: list = field(default_factory=list)
    created_organisations: list = field(default_factory=list)
    dry_run: bool = False
    result: object = None

    @property
    def has_changes(self):
        return bool(self.new or self.updated)

    def lines(self):
        if self.has_changes:
            counts = _("%(new)s new, %(updated)s updated, %(unchanged)s unchanged.") % {
                "new": self.new, "updated": self.updated, "unchanged": self.unchanged}
        else:
            counts = ngettext("No change: %(count)s row already up to date.",
                              "No change: %(count)s rows already up to date.",
                              self.unchanged) % {"count": self.unchanged}
        lines = [_("%(subject)s: %(counts)s") % {"subject": self.subject, "counts": counts}]
        if self.invited:
            lines.append(_("Invited accounts created (they set their password with “forgotten "
                           "password”): %(emails)s") % {"emails": ", ".join(self.invited)})
        if self.created_organisations:
            lines.append(_("Organisations created, of kind “other” (complete them in the "
                           "admin): %(names)s") % {"names": ", ".join(self.created_organisations)})
        if self.dry_run:
            lines.append(_("Dry run: nothing was saved."))
        return lines

    def __str__(self):
        return "\n".join(self.lines())


def import_projects(file, *, format=None, by=None, dry_run=False):
    """Fill the priority-project slots from a CSV or YAML file (format from its name if not
    given)."""
    return import_dataset(_read(file, format), PriorityProjectResource, by=by, dry_run=dry_run)


def import_partners(file, *, format=None, by=None, dry_run=False):
    """Add or update the partner teams of imported priority projects."""
    return import_dataset(_read(file, format), ProjectPartnerResource, by=by, dry_run=dry_run)


@transaction.atomic
def import_files(projects_file=None, partners_file=None, *, by=None, dry_run=False):
    """Both files in one transaction: the partners file names projects of the first one, and
    a bad partners file leaves the projects as they were too."""
    summaries = []
    if projects_file is not None:
        summaries.append(import_projects(projects_file, by=by))
    if partners_file is not None:
        summaries.append(import_partners(partners_file, by=by))
    if dry_run:
        # Imported for real, then undone: the partners' check needs the projects in place.
        transaction.set_rollback(True)
        for summary in summaries:
            summary.dry_run = True
    return summaries


def _read(file, format):
    try:
        return formats.read(file, format=format)
    except (OSError, formats.FileError) as error:
        raise ImportRejected([str(error)]) from error


def import_dataset(dataset, resource_class, *, by=None, dry_run=False):
    """Import a table read by projects.imports.formats with one of the resources; raises
    ImportRejected, having imported nothing, if any row is wrong."""
    if not len(dataset):
        raise ImportRejected([_("The file holds no row to import.")])
    resource = resource_class()
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True,
            retain_instance_in_row_result=True, user=by)
        errors = _errors(result, resource)
        if errors:
            raise ImportRejected(errors)
        summary = _summary(result, resource, dry_run=dry_run)
        if not dry_run:
            _record(result, resource, by=by)
    return summary


def _errors(result, resource: LineResource):
    """The errors in the order of the file, each naming its line."""
    errors = [str(error.error) for error in result.base_errors]
    by_row = [(row.number, [text for texts in row.error_dict.values() for text in texts])
              for row in result.invalid_rows]
    by_row += [(row.number, [located(resource.line_of(row.number), None, str(error.error))
                             for error in row.errors]) for row in result.error_rows]
    for _number, texts in sorted(by_row, key=lambda pair: pair[0]):
        errors.extend(texts)
    return errors


def _summary(result, resource, *, dry_run):
    # The subject stays lazy: the summary is told in the reader's language, not the importer's.
    summary = ImportSummary(subject=resource.get_display_name(), dry_run=dry_run,
                            invited=resource.invited, result=result,
                            created_organisations=resource.created_organisations)
    for row in result.valid_rows():
        count = resource.count(row)
        setattr(summary, count, getattr(summary, count) + 1)
        if count != "unchanged":
            summary.changed.append(row.object_repr)
    return summary


def _record(result, resource, *, by):
    """One audit event per project the file changed, with what changed."""
    changed = {}
    for row in result.valid_rows():
        if resource.count(row) == "unchanged":
            continue
        project = row.instance.project if isinstance(row.instance, ProjectPartner) else (
            row.instance)
        changed.setdefault(project.pk, (project, []))[1].append(_changes(resource, row))
    for project, rows in changed.values():
        if isinstance(resource, PriorityProjectResource):
            audit.record(by, "project.imported", project, gettext_noop(
                "imported the priority project %(acronym)s"), {"acronym": project.acronym},
                changes=rows[0])
        else:
            audit.record(by, "project.partners_imported", project, gettext_noop(
                "imported partners of %(acronym)s"), {"acronym": project.acronym},
                partners=rows)


def _changes(resource, row):
    """{column: [before, after]} as the file writes them (text, JSON-ready)."""
    changes = {}
    for resource_field in resource.get_import_fields():
        after = resource_field.export(row.instance)
        before = resource_field.export(row.original) if row.original is not None else ""
        if before != after:
            changes[resource_field.column_name] = [before, after]
    return changes
