"""The rows of the projects' exports: one per project of any origin, one per milestone or
deliverable. Read like the other exports (pepr.exports.tables, which registers these): one
`.values_list()` query read in chunks, without the projects of the applications the reader is
conflicted with (priority projects and the governance come from no application)."""
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Value,
    When,
)
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from calls.applications.models import Application
from calls.evaluation.conflicts import conflicted_with
from calls.setup.filters import CallStageFilter
from projects.follow_up.budget import committed_eur, spent_eur
from projects.follow_up.models import reference_of
from projects.models import (
    Deliverable,
    Project,
    ProjectOrigin,
)

CHUNK = 2000
LATE = "late"  # the status cell of a planned item past its due date; "late" is not stored


def _origin_order(path=""):
    """Projects in the order the programme presents their origins."""
    return Case(*[When(**{f"{path}origin": origin}, then=Value(rank))
                  for rank, origin in enumerate(ProjectOrigin.values)],
                output_field=IntegerField())


class DeliverableRowsFilter(CallStageFilter):
    """Milestones and deliverables by the call or stage of their project's application."""

    stage_path = "project__application__stage"


def _visible(queryset, user, filters, path):
    """`queryset` filtered by `filters`, without the rows of the applications `user` is
    conflicted with; `path` leads from a row to its application id."""
    conflicted = Application.objects.filter(conflicted_with(user), pk=OuterRef(path))
    return filters.filter_queryset(queryset.filter(~Exists(conflicted)))


def _read(queryset, fields):
    return queryset.values_list(*fields).iterator(chunk_size=CHUNK)


def _name(first, last):
    return f"{first or ''} {last or ''}".strip() or None


def _languages():
    """The reader's language, then the other one (a title missing in one is read in the
    other)."""
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    return language, "en" if language == "fr" else "fr"


def project_rows(user, filters):
    """Projects of every origin (priority, AMI, AAP, governance, in that order); a call or
    stage filter keeps the projects of that call's applications only. Titles in the reader's
    language; "committed" is the budget once the project runs (0 while it is prepared)."""
    language, other = _languages()
    header = [_("Origin"), _("Reference"), _("Acronym"), _("Title"), _("Axis"), _("Status"),
              _("Coordinator"), _("Coordinator e-mail"), _("Budget (€)"), _("Committed (€)"),
              _("Spent (€)"), _("Start date"), _("End date"), _("ANR grant reference"),
              _("Late items"), _("Demo data")]
    fields = ("origin", "application__reference", "axis__number", "position", "acronym",
              f"title_{language}", f"title_{other}", "status", "coordinator__first_name",
              "coordinator__last_name", "coordinator__email", "budget_eur", "committed",
              "spent", "start_date", "duration_months", "anr_reference", "late_items", "is_demo")
    queryset = (_visible(Project.objects.all(), user, filters, "application_id")
                .with_late_items()
                .annotate(committed=committed_eur(), spent=spent_eur())
                .order_by(_origin_order(), "axis__number", "position", "acronym", "pk"))

    def rows():
        for (origin, reference, axis, position, acronym, title, other_title, status, first, last,
             email, budget, committed, spent, start, months, anr, late,
             demo) in _read(queryset, fields):
            # The model computes the end date; an unsaved instance lends its property.
            end = Project(start_date=start, duration_months=months).end_date
            yield (origin, reference_of(origin, reference, axis, position, acronym), acronym,
                   title or other_title, axis, status, _name(first, last), email, budget,
                   committed, spent, start, end, anr, late, demo)

    return header, rows()


def deliverable_rows(user, filters):
    """Milestones and deliverables, project by project in the projects export's order, each by
    its due date; the status of a planned item past its due date (Paris) reads "late"."""
    header = [_("Project reference"), _("Project"), _("Work package"), _("Code"), _("Title"),
              _("Kind"), _("Due date"), _("Status"), _("Delivered at")]
    fields = ("project__origin", "project__application__reference", "project__axis__number",
              "project__position", "project__acronym", "work_package__number", "code", "title",
              "kind", "due_date", "status", "delivered_at")
    queryset = _visible(Deliverable.objects.all(), user, filters,
                        "project__application_id").order_by(
        _origin_order("project__"), "project__axis__number", "project__position",
        "project__acronym", "project_id", "due_date", "code", "pk")

    def rows():
        for (origin, reference, axis, position, acronym, work_package, code, title, kind, due,
             status, delivered_at) in _read(queryset, fields):
            # The model says what "late" is; an unsaved instance lends its property.
            late = Deliverable(status=status, due_date=due).is_late
            yield (reference_of(origin, reference, axis, position, acronym), acronym, work_package,
                   code, title, kind, due, LATE if late else status, delivered_at)

    return header, rows()
