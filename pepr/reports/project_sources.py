"""What the two project PDFs show: a project's progress (any origin) and one submitted project
report, read from its latest frozen version. `pepr.reports.sources` names them as sources.

A project holds a few partners, work packages, tens of milestones and deliverables and a
report a year: the summaries list their rows' values, which is cheap at that size and notices
any edit, even one saved without touching an `updated_at`.
"""
from datetime import date, datetime

from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pepr.core.paris import PARIS
from projects.models import (DeliverableKind, DeliverableStatus, GovernanceAction, Project,
                             ProjectReport, ProjectReportStatus, ReportBudgetLine)
from projects.follow_up import selectors as project_reads
from projects.reports import workflow


def _today():
    return timezone.localdate(timezone=PARIS)


def _accepted_lines(project):
    # Spent is what the Comité de Pilotage accepted: a submitted report's figures may change.
    return ReportBudgetLine.objects.filter(report__project=project,
                                           report__status=ProjectReportStatus.ACCEPTED)


# --- Project progress -----------------------------------------------------------------------

def load_project(pk):
    return (Project.objects.select_related("application__stage__call", "axis",
                                           "coordinator__organisation")
            .filter(pk=pk).first())


def project_summary(project):
    coordinator = project.coordinator
    return {
        "project": [project.origin, project.acronym, project.title_fr, project.title_en,
                    project.axis_id, project.position, project.application_id,
                    project.status, project.budget_eur, project.start_date,
                    project.duration_months, project.anr_reference, project.updated_at],
        "coordinator": ([coordinator.pk, coordinator.get_full_name(), coordinator.email,
                         coordinator.organisation_id] if coordinator else None),
        "partners": list(project.partners.order_by("pk").values_list(
            "pk", "position", "laboratory", "rnsr", "organisation_id", "lead_name",
            "lead_email", "role", "budget_eur")),
        "work_packages": list(project.work_packages.order_by("pk").values_list(
            "pk", "number", "title_fr", "title_en", "lead_id", "budget_eur")),
        "deliverables": list(project.deliverables.order_by("pk").values_list(
            "pk", "work_package_id", "kind", "code", "title", "due_date", "status",
            "delivered_at")),
        "actions": list(GovernanceAction.objects.filter(work_package__project=project)
                        .order_by("pk").values_list("pk", "work_package_id", "kind", "title",
                                                    "held_on", "budget_eur", "spent_eur")),
        "reports": list(project.reports.order_by("pk").values_list(
            "pk", "kind", "year", "title", "due_at", "status", "version", "submitted_at")),
        "spent": _accepted_lines(project).aggregate(
            n=Count("pk"), top=Max("pk"), spent=Sum("spent_eur")),
        # Whether a milestone, a deliverable or a report is late depends on the day.
        "today": _today(),
    }


def _work_packages(project, deliverables, actions):
    work_packages = list(project.work_packages.select_related("lead").order_by("number"))
    for work_package in work_packages:
        work_package.items = [d for d in deliverables if d.work_package_id == work_package.pk]
        work_package.governance_actions = [a for a in actions
                                           if a.work_package_id == work_package.pk]
    return work_packages


def project_context(project):
    now = timezone.now()
    partners = list(project_reads.partners_with_spent().filter(project=project)
                    .order_by("position", "pk"))
    deliverables = list(project.deliverables.order_by("due_date", "code", "pk"))
    actions = list(GovernanceAction.objects.filter(work_package__project=project)
                   .order_by("held_on", "pk"))
    reports = list(project.reports.select_related("submitted_by").order_by("due_at", "pk"))
    for report in reports:
        report.late = workflow.is_late(report, now)
    budget = project_reads.budget_totals(project)
    late_items = [d for d in deliverables if d.is_late]
    return {
        "project": project, "application": project.application,
        "partners": partners,
        "partners_allocated": sum(p.budget_eur or 0 for p in partners),
        # The partners' lines and the actions are the two parts of what the project spent.
        "spent_in_reports": sum(p.spent_eur or 0 for p in partners),
        "spent_in_actions": sum(a.spent_eur for a in actions), "spent": budget["spent"],
        "work_packages": _work_packages(project, deliverables, actions),
        "outside_work_packages": [d for d in deliverables if d.work_package_id is None],
        "deliverables": deliverables, "late_items": late_items,
        "reports": reports, "late_reports": [r for r in reports if r.late],
        "accepted_reports": sum(r.status == ProjectReportStatus.ACCEPTED for r in reports),
    }


def project_name(project):
    return project.acronym or str(project)


# --- One submitted project report -----------------------------------------------------------

def latest_version(report):
    """The last version submitted, read once per report object."""
    if not hasattr(report, "latest_version"):
        report.latest_version = (report.versions.select_related("submitted_by")
                                 .order_by("-number").first())
    return report.latest_version


def load_project_report(pk):
    """The report with its latest submitted version; None if it was never submitted: there is
    nothing frozen to print yet."""
    report = (ProjectReport.objects.select_related("project__axis", "project__coordinator")
              .filter(pk=pk).first())
    return report if report is not None and latest_version(report) else None


def project_report_summary(report):
    version, project = latest_version(report), report.project
    return {
        # The state is printed next to the frozen content; a new version is a new number.
        "report": [report.status, report.kind, report.year, report.title],
        "version": [version.pk, version.number, version.submitted_at, version.submitted_by_id],
        "project": [project.acronym, project.title_fr, project.title_en, project.axis_id],
    }


def _parsed(value, kind):
    if not value:
        return None
    try:
        return kind.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _frozen_deliverables(content, submitted_on):
    kinds, statuses = dict(DeliverableKind.choices), dict(DeliverableStatus.choices)
    rows = []
    for item in content.get("deliverables") or []:
        due = _parsed(item.get("due_date"), date)
        rows.append({
            **item, "due_date": due,
            "delivered_at": _parsed(item.get("delivered_at"), datetime),
            "kind_label": kinds.get(item.get("kind"), item.get("kind") or ""),
            "status_label": statuses.get(item.get("status"), item.get("status") or ""),
            # Late when the report was submitted, which is what its readers judge.
            "late": (item.get("status") == DeliverableStatus.PLANNED and due is not None
                     and due < submitted_on),
        })
    return rows


def project_report_context(report):
    version = latest_version(report)
    content = version.content or {}
    lines = content.get("budget_lines") or []
    deliverables = _frozen_deliverables(
        content, timezone.localdate(version.submitted_at, PARIS))
    return {
        "report": report, "project": report.project, "version": version, "content": content,
        "kind_label": dict(ProjectReport._meta.get_field("kind").choices).get(
            content.get("kind"), content.get("kind") or ""),
        "deliverables": deliverables,
        "late_items": [row for row in deliverables if row["late"]],
        "budget_lines": lines,
        "allocated": sum(line.get("allocated_eur") or 0 for line in lines),
        "spent": sum(line.get("spent_eur") or 0 for line in lines),
        "scientific_report": content.get("scientific_report"),
    }


def project_report_attachments(report):
    """The scientific report of the printed version, when the version names its stored file."""
    frozen = (latest_version(report).content or {}).get("scientific_report") or {}
    stored = report.scientific_report
    if frozen.get("file"):
        stored = type(stored)(report, stored.field, frozen["file"])
    elif workflow.is_owed(report):
        return []  # the file on the report may already be a newer draft's
    if not stored:
        return []
    title = _("Scientific report – %(name)s") % {"name": frozen.get("name") or stored.name}
    return [(title, stored)]


def project_report_name(report):
    return f"{report.project}-{report.title}"
