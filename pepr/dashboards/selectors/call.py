"""The call dashboard's numbers: one call's applications by status, axis and organisation,
submissions per day, reviews, scores and ballot outcomes, each from one aggregate or one GROUP BY
(see pepr.dashboards.selectors for what each number counts)."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Max, Q, Sum, Value, When
from django.db.models.functions import Floor, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.applications.models import Application, ApplicationStatus
from calls.applications.workflow import IN_COMPETITION, RETAINED, SUCCESSES
from calls.evaluation.models import Assignment, Review, ReviewStatus
from calls.evaluation.selectors import review_counts_by_stage
from calls.setup.models import Call, ReviewScale
from governance.models import AgendaItem, BallotResult, BallotStatus
from pepr.core.paris import PARIS

# The bins of the score histogram on each review scale: (lowest, highest, width); the last bin
# holds its upper edge.
SCORE_BINS = {ReviewScale.LETTERS: (Decimal("1"), Decimal("3"), Decimal("0.25")),
              ReviewScale.POINTS: (Decimal("0"), Decimal("5"), Decimal("0.5"))}
ORGANISATIONS_SHOWN = 15
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
            scope.applications().filter(submitted_at__isnull=False)
            .exclude(status=ApplicationStatus.DRAFT)
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
    counted = review_counts_by_stage(Assignment.objects.filter(scope.q("application__")))
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
