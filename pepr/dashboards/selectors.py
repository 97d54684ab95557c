"""The numbers of the dashboards: the programme's budget, one call's applications and evaluation,
and the projects' budgets and reports.

Every number is computed by the database. Each function runs one aggregate, or one GROUP BY over
a handful of categories (kinds, axes, years, statuses, days, score bins, committees), or one
LIMITed list: the number of queries and the number of rows read back do not depend on the
number of applications. Python only lays those few grouped rows out as tables (summing a
category over the others, filling days without submissions with zeros).

Choices, so that whoever reads a dashboard knows what it counts:
- Budget per year: a call's envelope falls in the year (Paris time) its first stage opens; a
  funded project's budget in the year the project was created in the portal (when the money is
  committed); a priority project's budget in the year of its start date (these slots have no
  creation date of their own). Undated rows fall under "no date".
- A call's envelope is not split per axis: one call covers several axes. Per axis the dashboard
  shows what is committed: the priority projects' and the funded projects' budgets.
- Planned: priority projects = programme budget × priority share; governance = its budget; AMI
  and AAP = the sum of the envelopes of the programme's calls of that kind, drafts included (an
  envelope is planned money as soon as a pilot writes it). Committed: the budgets of the priority
  projects and of the funded projects of each kind; governance spending is not recorded in the
  portal.
- "In competition" means sent and not withdrawn: submitted or decided (selected, not selected,
  recommended, not recommended, funded, not funded). The axis, organisation, budget and success
  counts are over those; the status count shows every status, drafts included.
- Success rate of an axis: selected, recommended or funded applications ÷ applications in
  competition (each application counts once, at its current status).
- Submissions per day: applications sent and not back to draft, by the day of `submitted_at` in
  Paris time, one series per stage, from its first day with a submission to its deadline (or
  today while the stage is open).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, Floor, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.applications.models import Application, ApplicationStatus
from calls.applications.workflow import IN_COMPETITION, RETAINED, SUCCESSES
from calls.evaluation.models import Assignment, Review, ReviewStatus
from calls.setup.models import Call, CallKind, ReviewScale, Stage
from governance.models import AgendaItem, BallotResult, BallotStatus
from pepr.core.paris import PARIS
from projects.models import FundedProject, PriorityProject, ProjectReport

S = ApplicationStatus
# The bins of the score histogram on each review scale: (lowest, highest, width); the last bin
# holds its upper edge.
SCORE_BINS = {ReviewScale.LETTERS: (Decimal("1"), Decimal("3"), Decimal("0.25")),
              ReviewScale.POINTS: (Decimal("0"), Decimal("5"), Decimal("0.5"))}
ORGANISATIONS_SHOWN = 15
REPORTS_DUE_WITHIN = timedelta(days=30)
# A ballot's outcome: its result once closed, else its state.
OUTCOMES = [
    (BallotResult.ADOPTED.value, BallotResult.ADOPTED.label),
    (BallotResult.REJECTED.value, BallotResult.REJECTED.label),
    (BallotResult.NO_QUORUM.value, BallotResult.NO_QUORUM.label),
    (BallotStatus.OPEN.value, _("Ballot open")),
    (BallotStatus.PENDING.value, _("Ballot not opened")),
]


def paris_midnight(day):
    return datetime.combine(day, time.min, tzinfo=PARIS)


def _first_opening():
    return Stage.objects.filter(call=OuterRef("pk")).order_by("opens_at").values("opens_at")[:1]


# --- Programme ------------------------------------------------------------------------------

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


# --- One call -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CallScope:
    """The applications a call dashboard counts: those of `stages` (the chosen stage, or every
    stage of the call), of `axis` if given, sent between the two days (Paris time) if given."""

    call: Call
    stages: tuple
    axis: object = None
    submitted_from: date | None = None
    submitted_to: date | None = None

    def q(self, prefix=""):
        condition = Q(**{f"{prefix}stage_id__in": [stage.pk for stage in self.stages]})
        if self.axis is not None:
            condition &= Q(**{f"{prefix}axis": self.axis})
        if self.submitted_from:
            condition &= Q(**{f"{prefix}submitted_at__gte": paris_midnight(self.submitted_from)})
        if self.submitted_to:
            condition &= Q(**{f"{prefix}submitted_at__lt":
                              paris_midnight(self.submitted_to + timedelta(days=1))})
        return condition

    def applications(self):
        return Application.objects.filter(self.q())


def application_breakdown(scope):
    """Counts of the scope's applications by status, by axis and by stage, the requested budgets
    and the success rates per axis, from one GROUP BY (stage, status, axis)."""
    rows = list(scope.applications().values_list("stage", "status", "axis")
                .annotate(n=Count("pk"), requested=Sum("requested_budget_eur")).order_by())
    by_status = defaultdict(int)
    competing_by_stage = defaultdict(int)
    competing_by_axis = defaultdict(int)
    successes_by_axis = defaultdict(int)
    requested = retained = 0
    for stage_id, status, axis_id, n, budget in rows:
        by_status[status] += n
        if status in IN_COMPETITION:
            competing_by_stage[stage_id] += n
            competing_by_axis[axis_id] += n
            requested += budget or 0
            if status in SUCCESSES:
                successes_by_axis[axis_id] += n
            if status in RETAINED:
                retained += budget or 0
    return {
        "total": sum(by_status.values()), "by_status": dict(by_status),
        "competing": sum(competing_by_stage.values()),
        "competing_by_stage": dict(competing_by_stage),
        "competing_by_axis": dict(competing_by_axis),
        "successes_by_axis": dict(successes_by_axis),
        "requested_eur": requested, "retained_eur": retained,
    }


def success_rates(axes, breakdown):
    """[(axis or None, successes, in competition, percent or None)] per axis of the programme,
    then applications without an axis if any."""
    competing, successes = breakdown["competing_by_axis"], breakdown["successes_by_axis"]
    keyed = [(axis, axis.pk) for axis in axes]
    if None in competing:
        keyed.append((None, None))
    rows = []
    for axis, key in keyed:
        n, won = competing.get(key, 0), successes.get(key, 0)
        rows.append((axis, won, n, round(100 * won / n, 1) if n else None))
    return rows


def top_organisations(scope, limit=ORGANISATIONS_SHOWN):
    """The coordinators' organisations with the most applications in competition, largest
    first: [(name or None, applications)], LIMITed in SQL."""
    return list(
        scope.applications().filter(status__in=IN_COMPETITION)
        .values_list("coordinator__organisation__name")
        .annotate(n=Count("pk"))
        .order_by("-n", F("coordinator__organisation__name").asc(nulls_last=True))[:limit])


def submissions_per_day(scope, now=None):
    """[(stage, [(day, submissions)])] for each stage of the scope with submissions: from its
    first day with a submission to its deadline (today while it is open), days without
    submissions included. One GROUP BY (stage, day)."""
    counted = defaultdict(dict)
    for stage_id, day, n in (
            scope.applications().filter(submitted_at__isnull=False).exclude(status=S.DRAFT)
            .values_list("stage", TruncDate("submitted_at", tzinfo=PARIS))
            .annotate(n=Count("pk")).order_by()):
        counted[stage_id][day] = n
    now = now or timezone.now()
    series = []
    for stage in scope.stages:
        days = counted.get(stage.pk)
        if not days:
            continue
        last = timezone.localtime(min(stage.closes_at, now), PARIS).date()
        if scope.submitted_to:
            last = min(last, scope.submitted_to)
        first, last = min(days), max(last, max(days))
        series.append((stage, [(first + timedelta(days=offset),
                                days.get(first + timedelta(days=offset), 0))
                               for offset in range((last - first).days + 1)]))
    return series


def review_completion(scope, breakdown):
    """Per stage of the scope: applications in competition, reviews expected (the stage's
    number per application × applications), assigned and submitted."""
    counted = {stage_id: (assigned, submitted) for stage_id, assigned, submitted in (
        Assignment.objects.filter(scope.q("application__"))
        .values_list("application__stage")
        .annotate(assigned=Count("pk"),
                  submitted=Count("pk", filter=Q(review__status=ReviewStatus.SUBMITTED)))
        .order_by())}
    rows = []
    for stage in scope.stages:
        competing = breakdown["competing_by_stage"].get(stage.pk, 0)
        assigned, submitted = counted.get(stage.pk, (0, 0))
        expected = stage.reviews_per_application * competing
        rows.append({"stage": stage, "applications": competing, "expected": expected,
                     "assigned": assigned, "submitted": submitted,
                     "percent": round(100 * submitted / assigned, 1) if assigned else None})
    return rows


def score_distribution(scope):
    """{review scale: (counts, edges)} of the submitted reviews' mean scores, for each scale
    the scope's stages use, binned and counted by the database in one query."""
    scales = {stage.review_scale for stage in scope.stages}
    if not scales:
        return {}
    stage_ids = {scale: [s.pk for s in scope.stages if s.review_scale == scale]
                 for scale in scales}
    number = DecimalField(max_digits=6, decimal_places=2)

    def per_scale(index):
        return Case(*[When(assignment__application__stage_id__in=stage_ids[scale],
                           then=Value(SCORE_BINS[scale][index], output_field=number))
                      for scale in scales], output_field=number)

    counted = (
        Review.objects.filter(scope.q("assignment__application__"),
                              status=ReviewStatus.SUBMITTED, mean_points__isnull=False)
        .annotate(scale=Case(*[When(assignment__application__stage_id__in=stage_ids[scale],
                                    then=Value(scale)) for scale in scales]),
                  bucket=Floor((F("mean_points") - per_scale(0)) / per_scale(2)))
        .values_list("scale", "bucket").annotate(n=Count("pk")).order_by())
    histograms = {}
    for scale in sorted(scales):
        low, high, width = SCORE_BINS[scale]
        bins = int((high - low) / width)
        histograms[scale] = ([0] * bins, [low + width * i for i in range(bins + 1)])
    for scale, bucket, n in counted:
        counts = histograms[scale][0]
        counts[min(max(int(bucket), 0), len(counts) - 1)] += n  # the top score: last bin
    return histograms


def vote_outcomes(scope, committees):
    """Per committee of `committees`: agenda items of the scope's applications by outcome, and
    the number of distinct applications on its agendas (two GROUP BY queries)."""
    items = AgendaItem.objects.filter(scope.q("application__"),
                                      session__committee__in=committees)
    by_outcome = defaultdict(int)
    for committee_id, status, result, n in (
            items.values_list("session__committee", "ballot_status", "result")
            .annotate(n=Count("pk")).order_by()):
        by_outcome[committee_id, result if status == BallotStatus.CLOSED else status] += n
    applications = dict(items.values_list("session__committee")
                        .annotate(n=Count("application", distinct=True)).order_by())
    rows = []
    for committee in committees:
        counts = [by_outcome.get((committee.pk, key), 0) for key, _label in OUTCOMES]
        rows.append({"committee": committee, "outcomes": counts, "items": sum(counts),
                     "applications": applications.get(committee.pk, 0)})
    totals = [sum(row["outcomes"][index] for row in rows) for index in range(len(OUTCOMES))]
    return {"rows": rows, "totals": totals, "items": sum(totals),
            "applications": sum(row["applications"] for row in rows)}


# --- Projects -------------------------------------------------------------------------------

def _reports(axis):
    reports = ProjectReport.objects.filter(submitted_at__isnull=True)
    if axis is not None:
        reports = reports.filter(Q(funded_project__axis=axis) | Q(priority_project__axis=axis))
    return reports


def report_counts(now, axis=None):
    """How many reports are late (due, not submitted) and due within 30 days: one aggregate."""
    return _reports(axis).aggregate(
        late=Count("pk", filter=Q(due_at__lt=now)),
        soon=Count("pk", filter=Q(due_at__gte=now, due_at__lt=now + REPORTS_DUE_WITHIN)))


def _report_rows(reports):
    return reports.select_related(
        "funded_project__coordinator", "funded_project__axis",
        "priority_project__coordinator", "priority_project__axis").order_by("due_at", "pk")


def late_reports(now, axis=None):
    """Reports past their due date and not submitted, most overdue first (slice to page)."""
    return _report_rows(_reports(axis).filter(due_at__lt=now))


def reports_due_soon(now, axis=None):
    """Reports due within 30 days and not submitted, soonest first (slice to page)."""
    return _report_rows(_reports(axis).filter(due_at__gte=now,
                                              due_at__lt=now + REPORTS_DUE_WITHIN))


def priority_projects(programme, axis=None):
    """The twelve priority slots, with their budgets."""
    projects = PriorityProject.objects.filter(axis__programme=programme).select_related("axis")
    if axis is not None:
        projects = projects.filter(axis=axis)
    return projects.order_by("axis__number", "position")


def funded_projects(programme, axis=None):
    """Funded projects, largest budget first (slice to page)."""
    projects = (FundedProject.objects.filter(application__stage__call__programme=programme)
                .select_related("axis", "application__stage__call"))
    if axis is not None:
        projects = projects.filter(axis=axis)
    return projects.order_by(F("budget_eur").desc(nulls_last=True), "acronym", "pk")


def funded_totals(programme, axis=None):
    """Number and total budget of the funded projects: one aggregate."""
    projects = FundedProject.objects.filter(application__stage__call__programme=programme)
    if axis is not None:
        projects = projects.filter(axis=axis)
    return projects.aggregate(projects=Count("pk"), budget=Coalesce(Sum("budget_eur"), 0))


def calls_of(programme):
    """The programme's calls for the call filter, newest first."""
    return Call.objects.filter(programme=programme).order_by("-created_at", "-pk")


def default_call(calls, now=None):
    """The call a dashboard opens on, among `calls`: the published call whose latest stage opened
    most recently, else the newest call."""
    now = now or timezone.now()
    opened = Max("stages__opens_at", filter=Q(stages__opens_at__lte=now))
    return (calls.annotate(opened=opened)
            .order_by(F("opened").desc(nulls_last=True), F("published_at").desc(nulls_last=True),
                      "-created_at", "-pk").first())
