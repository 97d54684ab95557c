"""Reads of followed projects for the pages: the list, a coordinator's projects, one project's
page with its partners, budget, timeline, reports and history."""
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Min, Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from pepr.core.models import AuditEvent
from projects.follow_up import budget
from projects.follow_up.conflicts import conflicted_with
from projects.follow_up.models import (Deliverable, DeliverableStatus, Project,
                                       ProjectEditor, ProjectOrigin, ProjectPartner)
from projects.reports import workflow
from projects.reports.models import ProjectReport


def _with_follow_up_counts(queryset):
    now = timezone.now()
    return queryset.with_late_items().annotate(late_reports=Count(
        "reports", distinct=True,
        filter=Q(reports__status__in=workflow.OWED_REPORT_STATUSES, reports__due_at__lt=now)))


def projects_for_list(reader):
    """Every imported project (empty priority slots are not projects yet) but those `reader`
    has a conflict of interest with, with their late counts; the ordering reads origin, then
    axis and position, then acronym."""
    queryset = (Project.objects.exclude(origin=ProjectOrigin.PRIORITY, acronym="")
                .exclude(conflicted_with(reader))
                .select_related("axis", "coordinator", "application"))
    return _with_follow_up_counts(queryset).order_by("origin", "axis__number", "position",
                                                     "acronym", "pk")


def my_projects(user):
    """The projects `user` coordinates or co-edits, with what is due next."""
    editing = ProjectEditor.objects.filter(user=user, accepted_at__isnull=False).values(
        "project_id")
    queryset = (Project.objects.filter(Q(coordinator=user) | Q(pk__in=editing))
                .select_related("axis"))
    return _with_follow_up_counts(queryset).annotate(
        next_deliverable=Min("deliverables__due_date",
                             filter=Q(deliverables__status=DeliverableStatus.PLANNED)),
        next_report=Min("reports__due_at",
                        filter=Q(reports__status__in=workflow.OWED_REPORT_STATUSES)),
    ).order_by("next_report", "acronym", "pk")


def partners_with_spent():
    """Partner teams with `spent_eur`, as projects.follow_up.budget defines it."""
    return ProjectPartner.objects.select_related("organisation").annotate(
        spent_eur=budget.partner_spent_eur())


def project_page(pk):
    return (Project.objects.select_related("axis", "coordinator__organisation",
                                           "application__stage__call")
            .prefetch_related(
                Prefetch("partners", queryset=partners_with_spent().order_by("position", "pk")),
                Prefetch("work_packages"),
                Prefetch("deliverables", queryset=Deliverable.objects.select_related(
                    "work_package", "delivered_by").order_by("due_date", "code", "pk")),
                Prefetch("reports", queryset=ProjectReport.objects.order_by("due_at", "pk")),
                Prefetch("editors", queryset=ProjectEditor.objects.select_related("user")
                         .order_by("email")))
            .filter(pk=pk).first())


def history(project, limit=50):
    """Who changed what in the project, latest first (the audit trail)."""
    return (AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(Project),
                                      target_id=project.pk)
            .select_related("actor").order_by("-at", "-id")[:limit])


def budget_totals(project):
    """Allocated (the project's budget), committed and spent (projects.follow_up.budget), in
    one query; the project page and the progress PDF both read it."""
    return Project.objects.filter(pk=project.pk).annotate(
        allocated=Coalesce("budget_eur", 0), committed=budget.committed_eur(),
        spent=budget.spent_eur()).values("allocated", "committed", "spent").get()


def report_page(pk):
    return (ProjectReport.objects.select_related("project__axis", "project__coordinator",
                                                 "submitted_by", "reviewed_by")
            .filter(pk=pk).first())
