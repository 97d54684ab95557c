"""The projects dashboard's lists and totals: reports late or due soon, the priority projects and
the funded projects; each list is a queryset the view pages (LIMIT in SQL)."""
from datetime import timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from projects.models import Project as FundedProject, Project as PriorityProject, ProjectReport  # TODO(merge)

REPORTS_DUE_WITHIN = timedelta(days=30)
# Bars of the largest funded projects' chart, as many as the call dashboard's organisations.
LARGEST_SHOWN = 15


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
