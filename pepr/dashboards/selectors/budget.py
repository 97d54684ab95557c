"""The programme's budget, allocated against committed against spent, in total, per origin, per
axis and per year: the one definition of these three numbers for the dashboards (see
pepr.dashboards.selectors for what each counts)."""
from dataclasses import dataclass, field

from django.db.models import Case, Count, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from calls.setup.models import Call, CallKind, Stage
from pepr.core.paris import PARIS
from projects.follow_up.budget import COMMITTED
from projects.follow_up.conflicts import conflicted_with
from projects.models import (
    GovernanceAction,
    Project,
    ProjectOrigin,
    ProjectReportStatus,
    ReportBudgetLine,
)

ORIGINS = tuple(ProjectOrigin.values)
# The governance has no axis: the tables per axis show the origins that have one.
AXIS_ORIGINS = (ProjectOrigin.PRIORITY, ProjectOrigin.AMI, ProjectOrigin.AAP)
# A priority slot whose content staff have not imported yet is not a project yet (as on the
# projects list): it is not counted nor listed, though a budget entered in it is.
IMPORTED = ~Q(origin=ProjectOrigin.PRIORITY, acronym="")


def project_scope(programme, *, axis=None, origin=None, path="", reader=None):
    """The projects of `programme` (and of `axis`, of `origin` if given), as a filter on rows
    that reach a project by `path` ("" for projects, "report__project__" for budget lines…).
    A project without an axis (the governance, a call's project across axes) belongs to the
    programme of its call, or to the programme when it has no call."""
    def q(**lookups):
        return Q(**{f"{path}{name}": value for name, value in lookups.items()})

    scope = (q(axis__programme=programme)
             | q(axis__isnull=True, application__isnull=True)
             | q(axis__isnull=True, application__stage__call__programme=programme))
    if axis is not None:
        scope &= q(axis=axis)
    if origin:
        scope &= q(origin=origin)
    if reader is not None:
        # A reader's own projects of a conflict of interest are neither listed nor counted.
        scope &= ~q(pk__in=Project.objects.filter(conflicted_with(reader)).values("pk"))
    return scope


# --- The roll-up ---------------------------------------------------------------------------------

@dataclass
class Figures:
    """Allocated, committed and spent euros (None where a number has no meaning)."""

    allocated: int | None = 0
    committed: int | None = 0
    spent: int | None = 0
    projects: int = 0

    def add(self, other):
        self.allocated = (self.allocated or 0) + (other.allocated or 0)
        self.committed = (self.committed or 0) + (other.committed or 0)
        self.spent = (self.spent or 0) + (other.spent or 0)
        self.projects += other.projects

    @property
    def committed_percent(self):
        """Committed, in % of allocated."""
        if not self.allocated or self.committed is None:
            return None
        return round(100 * self.committed / self.allocated, 1)

    @property
    def spent_percent(self):
        """Spent, in % of committed."""
        if not self.committed or self.spent is None:
            return None
        return round(100 * self.spent / self.committed, 1)


def total_of(figures):
    total = Figures()
    for one in figures:
        total.add(one)
    return total


@dataclass
class BudgetLine(Figures):
    """One line of the programme's split: an origin, or what no call envelope holds yet."""

    key: str = ""
    label: str = ""


@dataclass
class Breakdown:
    """One row of a table per axis or per year: the figures of each origin and their total."""

    key: object  # an Axis or a year; None for the projects without one
    by_origin: dict
    empty_label: str = _("No axis")
    envelopes: dict = field(default_factory=lambda: dict.fromkeys(CallKind.values, 0))

    @property
    def label(self):
        return str(self.empty_label) if self.key is None else str(self.key)

    @property
    def total(self):
        return total_of(self.by_origin.values())

    @property
    def envelopes_eur(self):
        return sum(self.envelopes.values())


def _start_year():
    """The year a project's budget counts in: the year it starts; a call's project not started
    yet, the year (Paris time) it was created from its application, when the money was granted.
    The others (an empty priority slot) have no date."""
    return Coalesce(ExtractYear("start_date"),
                    Case(When(application__isnull=False,
                              then=ExtractYear("created_at", tzinfo=PARIS))))


def project_figures(programme, *, axis=None, origin=None, reader=None):
    """{(origin, axis id, year): Figures} of the projects' budgets: one GROUP BY."""
    rows = (Project.objects.filter(project_scope(programme, axis=axis, origin=origin,
                                                 reader=reader))
            .values_list("origin", "axis", _start_year())
            .annotate(projects=Count("pk", filter=IMPORTED),
                      allocated=Coalesce(Sum("budget_eur"), 0),
                      committed=Coalesce(Sum("budget_eur", filter=COMMITTED), 0))
            .order_by())
    return {(o, a, year): Figures(allocated, committed, 0, n)
            for o, a, year, n, allocated, committed in rows}


def spent_figures(programme, *, axis=None, origin=None, reader=None):
    """[(origin, axis id, year, spent €)]: the budget lines of the accepted reports by the
    line's year, and the governance actions by the year they were held; one query (two GROUP
    BYs in a UNION ALL)."""
    lines = (ReportBudgetLine.objects
             .filter(project_scope(programme, axis=axis, origin=origin, reader=reader,
                                   path="report__project__"),
                     report__status=ProjectReportStatus.ACCEPTED)
             .values_list("report__project__origin", "report__project__axis", "year")
             .annotate(spent=Sum("spent_eur")).order_by())
    actions = (GovernanceAction.objects
               .filter(project_scope(programme, axis=axis, origin=origin, reader=reader,
                                     path="work_package__project__"),
                       work_package__project__origin=ProjectOrigin.GOVERNANCE)
               .values_list("work_package__project__origin", "work_package__project__axis",
                            ExtractYear("held_on"))
               .annotate(spent=Sum("spent_eur")).order_by())
    return list(lines.union(actions, all=True))


def rollup(programme, *, axis=None, origin=None, reader=None):
    """{(origin, axis id, year): Figures}, allocated, committed and spent: two queries."""
    cells = project_figures(programme, axis=axis, origin=origin, reader=reader)
    for key_origin, key_axis, year, spent in spent_figures(programme, axis=axis, origin=origin,
                                                           reader=reader):
        cells.setdefault((key_origin, key_axis, year), Figures()).spent += spent
    return cells


def by_origin(cells, origins=ORIGINS):
    """{origin: Figures} summed over axes and years."""
    totals = {origin: Figures() for origin in origins}
    for (origin, _axis, _year), figures in cells.items():
        if origin in totals:
            totals[origin].add(figures)
    return totals


def by_axis(cells, axes, origins=AXIS_ORIGINS):
    """One Breakdown per axis, and one for projects without an axis when they hold money."""
    rows = {axis.pk: Breakdown(axis, {origin: Figures() for origin in origins}) for axis in axes}
    loose = Breakdown(None, {origin: Figures() for origin in origins})
    for (origin, axis_id, _year), figures in cells.items():
        if origin in origins:
            rows.get(axis_id, loose).by_origin[origin].add(figures)
    total = loose.total
    has_money = total.allocated or total.spent
    return list(rows.values()) + ([loose] if has_money else [])


def by_year(cells, envelopes, years):
    """One Breakdown per year of `years`, then the years outside it, then "no date"."""
    def new(year):
        return Breakdown(year, {origin: Figures() for origin in ORIGINS},
                         empty_label=_("No date"))

    rows = {year: new(year) for year in years}

    def row(year):
        if year not in rows:
            rows[year] = new(year)
        return rows[year]

    for (origin, _axis, year), figures in cells.items():
        row(year).by_origin[origin].add(figures)
    for kind, year, envelope, _calls in envelopes:
        row(year).envelopes[kind] += envelope
    return sorted(rows.values(), key=lambda r: (r.key is None, r.key or 0))


def _first_opening():
    return Stage.objects.filter(call=OuterRef("pk")).order_by("opens_at").values("opens_at")[:1]


def call_envelopes(programme):
    """[(kind, year of the first opening, envelope €, calls)]: one GROUP BY over the calls."""
    return list(
        Call.objects.filter(programme=programme)
        .annotate(year=ExtractYear(Subquery(_first_opening()), tzinfo=PARIS))
        .values_list("kind", "year")
        .annotate(envelope=Coalesce(Sum("budget_envelope_eur"), 0), calls=Count("pk"))
        .order_by())


def split_lines(programme, origins, envelopes):
    """The programme's split: each origin's allocation (the priority projects' share, the
    governance budget, the envelopes of the calls of each kind) against what its projects
    committed and spent, and what no call envelope holds yet."""
    planned = dict.fromkeys(CallKind.values, 0)
    for kind, _year, envelope, _calls in envelopes:
        planned[kind] += envelope
    allocated = {ProjectOrigin.PRIORITY: programme.priority_projects_budget_eur,
                 ProjectOrigin.GOVERNANCE: programme.governance_budget_eur,
                 ProjectOrigin.AMI: planned[CallKind.AMI], ProjectOrigin.AAP: planned[CallKind.AAP]}
    labels = {ProjectOrigin.PRIORITY: _("Priority projects"),
              ProjectOrigin.GOVERNANCE: _("Governance"),
              ProjectOrigin.AMI: _("AMI (call envelopes)"),
              ProjectOrigin.AAP: _("AAP (call envelopes)")}
    lines = [BudgetLine(allocated[origin], origins[origin].committed, origins[origin].spent,
                        origins[origin].projects, key=origin, label=labels[origin])
             for origin in (ProjectOrigin.PRIORITY, ProjectOrigin.GOVERNANCE, ProjectOrigin.AMI,
                            ProjectOrigin.AAP)]
    lines.append(BudgetLine(for_calls(programme) - planned[CallKind.AMI] - planned[CallKind.AAP],
                            None, None, key="unallocated", label=_("Not yet in a call envelope")))
    return lines


def for_calls(programme):
    """What is left for the AMI and AAP calls after the priority projects and the governance."""
    return (programme.budget_eur - programme.priority_projects_budget_eur
            - programme.governance_budget_eur)


def programme_overview(programme):
    """The split of the budget, allocated against committed against spent, in total, per axis
    and per year: three queries."""
    envelopes = call_envelopes(programme)
    cells = rollup(programme)
    origins = by_origin(cells)
    lines = split_lines(programme, origins, envelopes)
    total = total_of(origins.values())
    total.allocated = programme.budget_eur
    return {
        "lines": lines,
        "total": BudgetLine(total.allocated, total.committed, total.spent, total.projects,
                            key="total", label=_("Total")),
        "for_calls": for_calls(programme),
        "by_axis": by_axis(cells, programme.axes.all()),
        "by_year": by_year(cells, envelopes,
                           range(programme.start_year, programme.end_year + 1)),
    }
