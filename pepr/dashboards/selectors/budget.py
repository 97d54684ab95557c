"""The programme dashboard's numbers: the planned split of the budget against what is committed,
in total, per axis and per year (see pepr.dashboards.selectors for what each number counts)."""
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from calls.setup.models import Call, CallKind, Stage
from pepr.core.paris import PARIS
from projects.models import Project as FundedProject, Project as PriorityProject  # TODO(merge)


def _first_opening():
    return Stage.objects.filter(call=OuterRef("pk")).order_by("opens_at").values("opens_at")[:1]


@dataclass
class BudgetLine:
    key: str
    label: str
    planned: int | None
    committed: int | None

    @property
    def percent(self):
        if not self.planned or self.committed is None:
            return None
        return round(100 * self.committed / self.planned, 1)


@dataclass
class AxisBudget:
    axis: object  # an Axis, or None for funded projects without an axis
    priority_projects: int = 0
    priority_eur: int = 0
    funded: dict = field(default_factory=lambda: {kind: [0, 0] for kind in CallKind.values})

    @property
    def label(self):
        return str(self.axis) if self.axis is not None else str(_("No axis"))

    @property
    def total_eur(self):
        return self.priority_eur + sum(eur for _n, eur in self.funded.values())


@dataclass
class YearBudget:
    year: int | None
    envelopes: dict = field(default_factory=lambda: {kind: 0 for kind in CallKind.values})
    priority_eur: int = 0
    funded: dict = field(default_factory=lambda: {kind: 0 for kind in CallKind.values})

    @property
    def label(self):
        return str(self.year) if self.year is not None else str(_("No date"))

    @property
    def envelopes_eur(self):
        return sum(self.envelopes.values())

    @property
    def committed_eur(self):
        return self.priority_eur + sum(self.funded.values())


def call_envelopes(programme):
    """[(kind, year of the first opening, envelope €, calls)]: one GROUP BY over the calls."""
    return list(
        Call.objects.filter(programme=programme)
        .annotate(year=ExtractYear(Subquery(_first_opening()), tzinfo=PARIS))
        .values_list("kind", "year")
        .annotate(envelope=Coalesce(Sum("budget_envelope_eur"), 0), calls=Count("pk"))
        .order_by())


def funded_budgets(programme, axis=None):
    """[(call kind, axis id, creation year, budget €, projects)] of the funded projects."""
    projects = FundedProject.objects.filter(application__stage__call__programme=programme)
    if axis is not None:
        projects = projects.filter(axis=axis)
    return list(
        projects.values_list("application__stage__call__kind", "axis",
                             ExtractYear("created_at", tzinfo=PARIS))
        .annotate(budget=Coalesce(Sum("budget_eur"), 0), projects=Count("pk"))
        .order_by())


def priority_budgets(programme, axis=None):
    """[(axis id, start year, budget €, projects)] of the priority projects."""
    projects = PriorityProject.objects.filter(axis__programme=programme)
    if axis is not None:
        projects = projects.filter(axis=axis)
    return list(
        projects.values_list("axis", ExtractYear("start_date"))
        .annotate(budget=Coalesce(Sum("budget_eur"), 0), projects=Count("pk"))
        .order_by())


def budget_by_axis(axes, funded, priority):
    """One AxisBudget per axis (and one for funded projects without an axis, if any)."""
    rows = {axis.pk: AxisBudget(axis) for axis in axes}
    for axis_id, _year, budget, projects in priority:
        row = rows.setdefault(axis_id, AxisBudget(None))
        row.priority_projects += projects
        row.priority_eur += budget
    for kind, axis_id, _year, budget, projects in funded:
        row = rows.setdefault(axis_id, AxisBudget(None))
        row.funded[kind][0] += projects
        row.funded[kind][1] += budget
    return list(rows.values())


def programme_overview(programme):
    """The planned split of the budget and what is committed, in total, per axis and per year:
    three queries."""
    envelopes = call_envelopes(programme)
    funded = funded_budgets(programme)
    priority = priority_budgets(programme)
    planned = {kind: 0 for kind in CallKind.values}
    committed = {kind: 0 for kind in CallKind.values}
    years = {year: YearBudget(year) for year in range(programme.start_year,
                                                      programme.end_year + 1)}
    for kind, year, envelope, _calls in envelopes:
        planned[kind] += envelope
        years.setdefault(year, YearBudget(year)).envelopes[kind] += envelope
    for kind, _axis, year, budget, _projects in funded:
        committed[kind] += budget
        years.setdefault(year, YearBudget(year)).funded[kind] += budget
    priority_committed = 0
    for _axis, year, budget, _projects in priority:
        priority_committed += budget
        years.setdefault(year, YearBudget(year)).priority_eur += budget
    for_calls = (programme.budget_eur - programme.priority_projects_budget_eur
                 - programme.governance_budget_eur)
    lines = [
        BudgetLine("priority", _("Priority projects"), programme.priority_projects_budget_eur,
                   priority_committed),
        BudgetLine("governance", _("Governance"), programme.governance_budget_eur, None),
        BudgetLine("ami", _("AMI (call envelopes)"), planned[CallKind.AMI],
                   committed[CallKind.AMI]),
        BudgetLine("aap", _("AAP (call envelopes)"), planned[CallKind.AAP],
                   committed[CallKind.AAP]),
        BudgetLine("unallocated", _("Not yet in a call envelope"),
                   for_calls - planned[CallKind.AMI] - planned[CallKind.AAP], None),
    ]
    total_committed = priority_committed + sum(committed.values())
    return {
        "lines": lines,
        "total": BudgetLine("total", _("Programme"), programme.budget_eur, total_committed),
        "for_calls": for_calls,
        "by_axis": budget_by_axis(programme.axes.all(), funded, priority),
        "by_year": sorted(years.values(), key=lambda row: (row.year is None, row.year or 0)),
    }
