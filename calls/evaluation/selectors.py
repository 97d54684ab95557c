"""Reads of the evaluation pages: a reviewer's assignments, the pilots' assignment, progress,
letter and audit lists, and the one read of the submitted reviews' aggregates (count, mean and
spread, overall and per criterion) that pages, the API, the PDF reports and the dashboards share.
Every list is a queryset paged by the caller (LIMIT in SQL) with its aggregates computed in the
database, and every pilot list leaves out the applications the reader has a conflict of interest
with."""
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Rank
from django.utils import timezone

from calls.applications.models import Application, ApplicationStatus
from calls.applications.workflow import IN_COMPETITION
from calls.evaluation.conflicts import conflicted_with
from calls.evaluation.models import Assignment, Conflict, Declaration, Review, ReviewStatus, Score
from calls.setup.models import Call
from pepr.core.models import AuditEvent, User

SUBMITTED = ReviewStatus.SUBMITTED


def visible_applications(user):
    """Applications `user` is not conflicted with."""
    return Application.objects.exclude(conflicted_with(user))


def hidden_count(stage, user, statuses):
    """How many of the stage's applications are left out of the user's lists for a conflict."""
    return (Application.objects.filter(stage=stage, status__in=statuses)
            .filter(conflicted_with(user)).count())


# --- Reviewer side ---

def assignments_of(user, moment=None):
    """The user's assignments, newest first, with the review state, the late flag and
    `withheld`: the user has a conflict of interest with the file now (detected after the
    assignment: a partner team or the user's unit changed), so its review no longer opens."""
    moment = moment or timezone.now()
    return (
        Assignment.objects.filter(reviewer=user)
        .select_related("application__stage__call", "review")
        .annotate(
            review_state=Coalesce("review__status", Value("")),
            withheld=Exists(Application.objects.filter(conflicted_with(user),
                                                       pk=OuterRef("application_id"))),
            is_late=Case(
                When(Q(application__stage__review_due_at__lt=moment)
                     & ~Q(review_state=SUBMITTED) & Q(withheld=False), then=Value(True)),
                default=Value(False), output_field=BooleanField()),
            declaration_signed=Exists(Declaration.objects.filter(
                call=OuterRef("application__stage__call"), reviewer=user)),
        )
        .order_by("-assigned_at", "-pk")
    )


def calls_to_declare(user):
    """The calls the user reviews in, each with whether the declaration is signed."""
    return (
        Call.objects.filter(stages__applications__assignments__reviewer=user).distinct()
        .annotate(signed_at=Declaration.objects.filter(call=OuterRef("pk"), reviewer=user)
                  .values("signed_at")[:1])
        .order_by("-created_at", "-pk")
    )


def own_assignment(pk, user):
    """One of the user's assignments with what the review page shows, or None."""
    return (Assignment.objects.filter(pk=pk, reviewer=user)
            .select_related("application__stage__call", "review").first())


def _reviews_with_scores():
    return Review.objects.prefetch_related(
        Prefetch("scores", queryset=Score.objects.select_related("criterion")
                 .order_by("criterion__position")))


def other_reviews(application, *, besides=None):
    """The submitted reviews of the application, but the reader's own."""
    reviews = (_reviews_with_scores()
               .filter(assignment__application=application, status=SUBMITTED)
               .select_related("assignment__reviewer").order_by("submitted_at", "pk"))
    return reviews.exclude(assignment=besides) if besides else reviews


def review_with_scores(assignment):
    return _reviews_with_scores().filter(assignment=assignment).first()


# --- Review aggregates: count, mean and spread of the submitted reviews, written once ---

REVIEW_AGGREGATES = ("assigned", "done", "mean", "spread")
_COUNTS = ("assigned", "done")


def review_aggregates(to_assignments=""):
    """The aggregates of the submitted reviews as expressions for `annotate` or `aggregate`:
    `assigned` (reviewer assignments), `done` (reviews submitted), `mean` (the mean of the
    submitted reviews' mean scores) and `spread` (their highest minus their lowest mean score).

    `to_assignments` is the path from the rows to their assignments: "assignments__" from
    applications, "" from assignments. No DISTINCT: the assignments are the only multi-valued
    join, and an assignment has at most one review."""
    submitted = Q(**{f"{to_assignments}review__status": SUBMITTED})
    points = f"{to_assignments}review__mean_points"
    return {
        "assigned": Count(f"{to_assignments}pk"),
        "done": Count(f"{to_assignments}review", filter=submitted),
        "mean": Avg(points, filter=submitted),
        "spread": Max(points, filter=submitted) - Min(points, filter=submitted),
    }


def with_review_aggregates(applications, *names, correlated=False):
    """`applications` annotated with the review aggregates `names` (all of them by default).

    By default one join grouped by application, whose plan does not depend on the planner's
    statistics: for lists read whole or ranked by mean (progress page, call report). With
    `correlated`, one subquery per aggregate, run for the rows kept only: for a page read under a
    LIMIT without a ranking (the API)."""
    names = names or REVIEW_AGGREGATES
    if not correlated:
        expressions = review_aggregates("assignments__")
        return applications.annotate(**{name: expressions[name] for name in names})
    expressions = review_aggregates()
    per_application = (Assignment.objects.filter(application=OuterRef("pk")).order_by()
                       .values("application"))
    annotations = {}
    for name in names:
        value = Subquery(per_application.annotate(value=expressions[name]).values("value"))
        annotations[name] = (Coalesce(value, 0, output_field=IntegerField()) if name in _COUNTS
                             else value)
    return applications.annotate(**annotations)


def review_counts_by_stage(assignments):
    """{stage id: (assigned, done)} of `assignments`, from one GROUP BY stage."""
    expressions = review_aggregates()
    return {stage_id: (assigned, done) for stage_id, assigned, done in (
        assignments.values_list("application__stage")
        .annotate(assigned=expressions["assigned"], done=expressions["done"]).order_by())}


def criterion_aggregates(applications):
    """Per application and criterion, over the scores of the submitted reviews: `count`, `mean`,
    `lowest`, `highest` and `spread` of the points (A=3, B=2, C=1, or 0 to 5), from one GROUP BY;
    dicts ordered by application, then criterion position."""
    return (
        Score.objects.filter(review__status=SUBMITTED,
                             review__assignment__application__in=applications)
        .values(application=F("review__assignment__application"),
                position=F("criterion__position"))
        .annotate(count=Count("pk"), mean=Avg("points"), lowest=Min("points"),
                  highest=Max("points"), spread=Max("points") - Min("points"))
        .order_by("application", "position")
    )


def review_summary(application):
    """The review aggregates of one application, as a dict."""
    return Assignment.objects.filter(application=application).aggregate(**review_aggregates())


# --- Pilot side ---

def assignment_rows(stage, user):
    """The stage's submitted applications the user may handle, with their reviewers (the
    prefetch gives the count of assignments too)."""
    assignments = Assignment.objects.select_related("reviewer", "review").order_by(
        "assigned_at", "pk")
    return (
        visible_applications(user).filter(stage=stage, status=ApplicationStatus.SUBMITTED)
        # A correlated count, not a join: only the page's rows are counted.
        .annotate(conflict_count=Coalesce(Subquery(
            Conflict.objects.filter(application=OuterRef("pk")).order_by()
            .values("application").annotate(n=Count("pk")).values("n")), 0))
        # What the reviewer picker needs to leave conflicted people out (matching).
        .select_related("coordinator", "stage__call")
        .prefetch_related(Prefetch("assignments", queryset=assignments), "partners",
                          "invitations")
        .order_by("reference", "pk")
    )


def progress_rows(stage, user):
    """Per application: reviews done, mean and spread of the submitted reviews' mean points and
    the rank by mean (best first, unreviewed last), all computed by the database."""
    rows = with_review_aggregates(
        visible_applications(user).filter(stage=stage, status__in=IN_COMPETITION))
    by_mean = F("mean").desc(nulls_last=True)
    return rows.annotate(rank=Window(Rank(), order_by=by_mean)).order_by(
        by_mean, "reference", "pk")


def reviewer_rows(stage):
    """Per reviewer of the stage: assignments, submitted reviews and pending ones."""
    of_stage = Q(assignments__application__stage=stage)
    return (
        User.objects.filter(of_stage)
        .annotate(load=Count("assignments", filter=of_stage, distinct=True),
                  done=Count("assignments", distinct=True,
                             filter=of_stage & Q(assignments__review__status=SUBMITTED)))
        .annotate(pending=F("load") - F("done"))
        .order_by("last_name", "first_name", "pk")
    )


def audit_events(user, application_id=None):
    """The audit trail, newest first, without the events of files the reader is conflicted
    with."""
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    if application_id is not None:
        events = events.filter(application_id=application_id)
    return events.exclude(
        application_id__in=Application.objects.filter(conflicted_with(user)).values("pk"))


def comments_for_applicant(application):
    """The submitted reviews' comments meant for the applicant, without reviewer names."""
    return list(
        Review.objects.filter(assignment__application=application, status=ReviewStatus.SUBMITTED)
        .exclude(comment_for_applicant="").order_by("submitted_at")
        .values_list("comment_for_applicant", flat=True)
    )
