"""The projects dashboard's counts and lists: reports late, due soon, awaiting review and
accepted, milestones and deliverables late, and the projects of every origin; each list is a
queryset the view pages (LIMIT in SQL), each count one aggregate."""
from datetime import timedelta

from django.db.models import Case, Count, IntegerField, Q, Value, When

from pepr.dashboards.selectors.budget import IMPORTED, project_scope
from projects.follow_up.budget import committed_eur, spent_eur
from projects.models import Deliverable, Project, ProjectOrigin, ProjectReport, ProjectReportStatus
from projects.reports.workflow import AWAITING_REVIEW, OWED_REPORT_STATUSES

REPORTS_DUE_WITHIN = timedelta(days=30)
# The projects table lists the origins in the order the programme presents them.
ORIGIN_ORDER = Case(*[When(origin=origin, then=Value(rank))
                      for rank, origin in enumerate(ProjectOrigin.values)],
                    output_field=IntegerField())


def _reports(programme, axis, origin, reader=None):
    return ProjectReport.objects.filter(
        project_scope(programme, axis=axis, origin=origin, path="project__", reader=reader))


def _late(now):
    return Q(status__in=OWED_REPORT_STATUSES, due_at__lt=now)


def _due_soon(now):
    return Q(status__in=OWED_REPORT_STATUSES, due_at__gte=now,
             due_at__lt=now + REPORTS_DUE_WITHIN)


def report_counts(programme, now, *, axis=None, origin=None, reader=None):
    """How many reports are late (owed and past due), due within 30 days (owed), awaiting
    review and accepted: one aggregate."""
    return _reports(programme, axis, origin, reader).aggregate(
        late=Count("pk", filter=_late(now)), soon=Count("pk", filter=_due_soon(now)),
        awaiting=Count("pk", filter=Q(status__in=AWAITING_REVIEW)),
        accepted=Count("pk", filter=Q(status=ProjectReportStatus.ACCEPTED)))


def _report_rows(reports):
    return reports.select_related("project__coordinator", "project__axis").order_by(
        "due_at", "pk")


def late_reports(programme, now, *, axis=None, origin=None, reader=None):
    """Reports owed and past their due date, most overdue first (slice to page)."""
    return _report_rows(_reports(programme, axis, origin, reader).filter(_late(now)))


def reports_due_soon(programme, now, *, axis=None, origin=None, reader=None):
    """Reports owed and due within 30 days, soonest first (slice to page)."""
    return _report_rows(_reports(programme, axis, origin, reader).filter(_due_soon(now)))


def reports_awaiting_review(programme, *, axis=None, origin=None, reader=None):
    """Reports submitted and not reviewed yet, the longest waiting first (slice to page)."""
    return (_reports(programme, axis, origin, reader).filter(status__in=AWAITING_REVIEW)
            .select_related("project__coordinator", "project__axis")
            .order_by("submitted_at", "pk"))


def _late_deliverables(programme, today, axis, origin, reader=None):
    return Deliverable.objects.late(today).filter(
        project_scope(programme, axis=axis, origin=origin, path="project__", reader=reader))


def late_deliverable_count(programme, today, *, axis=None, origin=None, reader=None):
    return _late_deliverables(programme, today, axis, origin, reader).count()


def late_deliverables(programme, today, *, axis=None, origin=None, reader=None):
    """Milestones and deliverables planned and past their due date, most overdue first (slice
    to page)."""
    return (_late_deliverables(programme, today, axis, origin, reader)
            .select_related("project__axis", "work_package")
            .order_by("due_date", "project__acronym", "code", "pk"))


def projects_of(programme, today, *, axis=None, origin=None, reader=None):
    """Projects of every origin (not the empty priority slots) with their committed and spent
    euros and late items (slice to page; the budget roll-up counts them)."""
    return (Project.objects.filter(project_scope(programme, axis=axis, origin=origin, reader=reader),
                                   IMPORTED)
            .with_late_items(today)
            .annotate(committed_eur=committed_eur(), spent_eur=spent_eur())
            .select_related("axis", "coordinator", "application")
            .order_by(ORIGIN_ORDER, "axis__number", "position", "acronym", "pk"))
