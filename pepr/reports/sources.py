"""What each kind of PDF report shows, read from the database: a cheap summary of the rows a
report depends on (its fingerprint) and the full context of its template. The two project kinds
are read in `project_sources`.

Statistics are aggregated by the database; the call report's ranked list, which can hold 6,500
applications, is read as tuples through a server-side cursor (`.values_list().iterator()`) and
turned into one short text line per application: no model instance is ever built for it.
"""
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.applications.models import Application, ApplicationStatus, StatusChange, SubmittedVersion
from calls.applications.workflow import IN_COMPETITION, RETAINED, status_for_applicant
from calls.decisions.models import Decision
from calls.decisions.selectors import applicant_timeline
from calls.evaluation.models import Assignment, Review
from calls.evaluation.selectors import review_counts_by_stage, with_review_aggregates
from calls.setup.models import Call, ReviewScale
from governance.models import AgendaItem, Attendance, BallotStatus, Recusal, Session, Vote
from pepr.core import charts
from pepr.core.models import Axis
from pepr.core.paris import PARIS
from pepr.reports import project_sources as projects
from pepr.reports.models import ReportKind
from projects.models import Project, ProjectReport

S = ApplicationStatus

# The bins of the mean-score histogram on each review scale: (lowest, highest, width).
SCORE_BINS = {ReviewScale.LETTERS: (Decimal("1"), Decimal("3"), Decimal("0.25")),
              ReviewScale.POINTS: (Decimal("0"), Decimal("5"), Decimal("0.5"))}


@dataclass(frozen=True)
class Source:
    kind: str
    model: type
    template: str
    load: Callable  # pk -> the target with what its template needs, or None
    summary: Callable  # target -> a small JSON-able dict; its hash is the report's fingerprint
    context: Callable  # target -> the template's context
    name: Callable  # target -> a short name for the downloaded file
    attachments: Callable = None  # target -> [(outline title, open binary file)] appended


def _aggregate(queryset, **extra):
    return queryset.aggregate(n=Count("pk"), top=Max("pk"), **extra)


# --- Application dossier --------------------------------------------------------------------

def load_application(pk):
    return (Application.objects.select_related("stage__call", "coordinator__organisation", "axis")
            .filter(pk=pk).first())


def dossier_summary(application):
    return {
        "application": [application.updated_at, application.status, application.version],
        "coordinator": [application.coordinator_id, application.coordinator.get_full_name(),
                        application.coordinator.email],
        "partners": _aggregate(application.partners.all()),
        "documents": _aggregate(application.documents.all(), last=Max("uploaded_at")),
        "versions": _aggregate(application.submitted_versions.all()),
        "changes": _aggregate(application.status_changes.all()),
        "grown_from": sorted(application.grown_from.values_list("pk", flat=True)),
        "announced": application.announced_status,
    }


def dossier_context(application):
    # One dossier serves every reader, the applicant included: a decision appears only once its
    # letter was sent, and who decided never appears (as on the applicant's page).
    return {
        "application": application,
        "status_label": status_for_applicant(application).label,
        "call": application.stage.call,
        "stage": application.stage,
        "partners": list(application.partners.select_related("organisation")
                         .order_by("position", "pk")),
        "documents": list(application.documents.select_related("requirement")
                          .order_by("requirement__position", "pk")),
        "versions": list(SubmittedVersion.objects.filter(application=application)
                         .select_related("submitted_by").order_by("number")),
        "changes": applicant_timeline(application),
        "grown_from": list(application.grown_from.order_by("reference")
                           .values_list("reference", flat=True)),
    }


def dossier_attachments(application):
    """The uploaded PDFs, in the order of the stage's requested documents."""
    return [(f"{document.requirement.title} – {document.original_name}", document.file)
            for document in application.documents.select_related("requirement")
            .order_by("requirement__position", "pk")]


# --- Call report ----------------------------------------------------------------------------

def load_call(pk):
    return Call.objects.select_related("programme").filter(pk=pk).first()


def call_summary(call):
    in_call = Q(stage__call=call)
    return {
        "call": [call.code, call.kind, call.title_fr, call.title_en, call.budget_envelope_eur],
        "stages": list(call.stages.order_by("number").values_list(
            "pk", "number", "kind", "closes_at", "reviews_per_application", "review_scale")),
        "applications": _aggregate(Application.objects.filter(in_call),
                                   last=Max("updated_at")),
        "changes": _aggregate(StatusChange.objects.filter(application__stage__call=call)),
        "assignments": _aggregate(Assignment.objects.filter(application__stage__call=call)),
        "reviews": _aggregate(Review.objects.filter(assignment__application__stage__call=call),
                              last=Max("updated_at")),
        "decisions": _aggregate(Decision.objects.filter(application__stage__call=call)),
    }


def _scored(queryset):
    """Each application's score (`mean`, the average of its submitted reviews' means) and
    number of submitted reviews (`done`), by one join grouped by application."""
    return with_review_aggregates(queryset, "mean", "done")


def _last_decision():
    return Subquery(Decision.objects.filter(application=OuterRef("pk"))
                    .order_by("-decided_at", "-pk").values("outcome")[:1])


def _competing(stage):
    return Application.objects.filter(stage=stage, status__in=IN_COMPETITION)


def score_histogram(stage):
    """Number of the stage's applications in each bin of mean score, counted by the database:
    the ORM's per-application scores, wrapped in one GROUP BY over bins."""
    low, high, width = SCORE_BINS[stage.review_scale]
    bins = int((high - low) / width)
    per_application, params = _scored(_competing(stage)).order_by().values(
        "pk", "mean").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT FLOOR((scored.mean - %s) / %s) AS bucket, COUNT(*) "
            f"FROM ({per_application}) scored WHERE scored.mean IS NOT NULL GROUP BY bucket",
            [float(low), float(width), *params])
        counted = cursor.fetchall()
    counts = [0] * bins
    for bucket, n in counted:
        counts[min(max(int(bucket), 0), bins - 1)] += n  # the top score falls in the last bin
    edges = [low + width * i for i in range(bins + 1)]
    return counts, edges


def _status_label(value):
    return str(S(value).label) if value in S.values else (value or "")


def ranked_lines(stage, excluded_ids=()):
    """The ranking of one stage as fixed-width text lines (header first): best mean score first,
    unscored applications last. One text line per application keeps WeasyPrint fast on 6,500
    rows, where a table cell per value costs minutes."""
    reference_width = max(9, _competing(stage).aggregate(w=Max(Length("reference")))["w"] or 0)
    queryset = (_scored(_competing(stage).exclude(pk__in=excluded_ids))
                .annotate(outcome=_last_decision())
                .order_by(F("mean").desc(nulls_last=True), "reference"))
    columns = [  # (header, width, right-aligned)
        (_("Rank"), 5, True), (_("Reference"), reference_width, False),
        (_("Acronym"), 12, False), (_("Axis"), 4, True),
        (_("Title"), max(20, 68 - reference_width), False), (_("Budget (€)"), 11, True),
        (_("Mean"), 5, True), (_("Rev."), 4, True), (_("Decision"), 24, False),
    ]
    labels = {value: _status_label(value) for value in S.values}

    def line(cells):
        parts = []
        for (_header, width, right), cell in zip(columns, cells):
            text = str(cell)
            text = text if len(text) <= width else text[: width - 1] + "…"
            parts.append(text.rjust(width) if right else text.ljust(width))
        return "  ".join(parts).rstrip()

    yield line([header for header, _width, _right in columns])
    rows = queryset.values_list("reference", "acronym", "title", "axis__number",
                                "requested_budget_eur", "mean", "done", "outcome")
    for rank, (reference, acronym, title, axis, budget, mean, reviews, outcome) in enumerate(
            rows.iterator(chunk_size=1000), start=1):
        yield line([
            rank, reference, acronym or "", axis or "", title or "",
            charts.number(budget) if budget is not None else "",
            charts.number(mean, 2) if mean is not None else "–", reviews,
            labels.get(outcome, "–"),
        ])


def call_statistics(call):
    stages = list(call.stages.order_by("number"))
    axes = list(Axis.objects.filter(programme_id=call.programme_id).order_by("number"))
    applications = Application.objects.filter(stage__call=call)
    per_stage_status = list(applications.values_list("stage", "status")
                            .annotate(n=Count("pk")).order_by())
    by_status = {}
    in_competition = {stage.pk: 0 for stage in stages}
    for stage_id, status, n in per_stage_status:
        by_status[status] = by_status.get(status, 0) + n
        if status in IN_COMPETITION:
            in_competition[stage_id] += n
    competing = applications.filter(status__in=IN_COMPETITION)
    by_axis = {number: (n, budget) for number, n, budget in competing.values_list(
        "axis__number").annotate(n=Count("pk"), budget=Sum("requested_budget_eur")).order_by()}
    budget = competing.aggregate(
        requested=Sum("requested_budget_eur"),
        retained=Sum("requested_budget_eur", filter=Q(status__in=RETAINED)))
    reviews = review_counts_by_stage(Assignment.objects.filter(application__stage__call=call))
    completion = []
    for stage in stages:
        expected = stage.reviews_per_application * in_competition[stage.pk]
        assigned, submitted = reviews.get(stage.pk, (0, 0))
        completion.append({
            "stage": stage, "applications": in_competition[stage.pk], "expected": expected,
            "assigned": assigned, "submitted": submitted,
            "percent": round(100 * submitted / expected) if expected else None,
        })
    return {"stages": stages, "axes": axes, "by_status": by_status, "by_axis": by_axis,
            "budget": budget, "completion": completion,
            "total": sum(by_status.values()), "competing": sum(in_competition.values())}


def call_context(call, excluded_ids=()):
    stats = call_statistics(call)
    envelope = call.budget_envelope_eur
    status_rows = [(label, stats["by_status"][value]) for value, label in S.choices
                   if stats["by_status"].get(value)]
    axis_rows = [(str(axis), stats["by_axis"].get(axis.number, (0, None))[0])
                 for axis in stats["axes"]]
    if None in stats["by_axis"]:
        axis_rows.append((_("No axis"), stats["by_axis"][None][0]))
    budget_rows = [(_("Budget envelope"), envelope or 0),
                   (_("Requested by the applications in competition"),
                    stats["budget"]["requested"] or 0),
                   (_("Requested by the recommended or funded applications"),
                    stats["budget"]["retained"] or 0)]
    stages = []
    competing = {row["stage"].pk: row["applications"] for row in stats["completion"]}
    for stage in stats["stages"]:
        counts, edges = score_histogram(stage)
        stages.append({
            "stage": stage, "competing": competing[stage.pk], "scored": sum(counts),
            "histogram": charts.histogram(
                counts, edges, chart_id=f"scores-{stage.number}",
                title=_("Mean scores of the applications, stage %(number)s")
                % {"number": stage.number},
                label_header=_("Mean score"), value_header=_("Applications")),
            "lines": ranked_lines(stage, excluded_ids),
            "excluded": len(excluded_ids),
        })
    return {
        "call": call, "stats": stats, "stages": stages,
        "axis_budget": [(axis, *stats["by_axis"].get(axis.number, (0, None)))
                        for axis in stats["axes"]],
        "status_chart": charts.applications_by_status(status_rows),
        "axis_chart": charts.applications_by_axis(axis_rows),
        "budget_chart": charts.bar_chart(
            budget_rows, chart_id="budget", title=_("Requested budget and envelope (€)"),
            label_header=_("Amount"), value_header=_("Euros"),
            value_format=lambda value: f"{charts.number(value)} €"),
        "envelope_ratio": (round(100 * stats["budget"]["requested"] / envelope)
                           if envelope and stats["budget"]["requested"] else None),
    }


# --- Minutes of a committee session ---------------------------------------------------------

def load_session(pk):
    return Session.objects.select_related("committee", "stage__call").filter(pk=pk).first()


def minutes_summary(session):
    items = AgendaItem.objects.filter(session=session)
    return {
        "session": [session.title, session.held_at, session.quorum_percent, session.stage_id],
        "attendance": list(Attendance.objects.filter(session=session).order_by("member_id")
                           .values_list("member_id", "present")),
        "items": list(items.order_by("pk").values_list(
            "pk", "application_id", "position", "motion", "ballot_status", "result", "eligible",
            "votes_for", "votes_against", "abstentions")),
        "votes": _aggregate(Vote.objects.filter(item__session=session), last=Max("cast_at")),
        "recusals": _aggregate(Recusal.objects.filter(item__session=session)),
        "decisions": _aggregate(Decision.objects.filter(agenda_item__session=session)),
    }


def minutes_context(session, excluded_ids=()):
    """`excluded_ids` are the files the reader has a conflict of interest with: their items keep
    their place as withheld, and no table names them."""
    excluded = set(excluded_ids)
    attendances = list(Attendance.objects.filter(session=session)
                       .select_related("member__organisation")
                       .order_by("member__last_name", "member__first_name", "pk"))
    items = list(
        AgendaItem.objects.filter(session=session)
        .select_related("application")
        .annotate(votes_cast=Count("votes"))
        .prefetch_related(Prefetch("recusals", queryset=Recusal.objects.select_related("member")
                                   .order_by("member__last_name", "pk")))
        .order_by("position", "pk"))
    numbers = {}
    for number, item in enumerate(items, start=1):
        item.motion_label = _status_label(item.motion)
        item.number, item.withheld = number, item.application_id in excluded
        numbers[item.pk] = number
    decisions = list(Decision.objects.filter(agenda_item__session=session)
                     .select_related("application", "decided_by", "agenda_item")
                     .order_by("agenda_item__position", "decided_at", "pk"))
    for decision in decisions:
        decision.item_number = numbers.get(decision.agenda_item_id)
        decision.withheld = decision.application_id in excluded
    return {
        "session": session, "committee": session.committee,
        "present": [a for a in attendances if a.present],
        "absent": [a for a in attendances if not a.present],
        "items": items, "decisions": decisions, "closed": BallotStatus.CLOSED,
        "recusals": [(item, recusal) for item in items for recusal in item.recusals.all()],
    }


SOURCES = {
    ReportKind.DOSSIER: Source(
        ReportKind.DOSSIER, Application, "reports/pdf_dossier.html", load_application,
        dossier_summary, dossier_context, lambda a: a.reference, dossier_attachments),
    ReportKind.CALL: Source(
        ReportKind.CALL, Call, "reports/pdf_call.html", load_call, call_summary, call_context,
        lambda c: c.code),
    ReportKind.MINUTES: Source(
        ReportKind.MINUTES, Session, "reports/pdf_minutes.html", load_session, minutes_summary,
        minutes_context, lambda s: f"{s.committee.code}-{timezone.localdate(s.held_at, PARIS)}"),
    ReportKind.PROJECT: Source(
        ReportKind.PROJECT, Project, "reports/pdf_project.html", projects.load_project,
        projects.project_summary, projects.project_context, projects.project_name),
    ReportKind.PROJECT_REPORT: Source(
        ReportKind.PROJECT_REPORT, ProjectReport, "reports/pdf_project_report.html",
        projects.load_project_report, projects.project_report_summary,
        projects.project_report_context, projects.project_report_name,
        projects.project_report_attachments),
}


def source_of(kind):
    try:
        return SOURCES[kind]
    except KeyError:
        raise ValueError(f"Unknown report kind: {kind!r}") from None

