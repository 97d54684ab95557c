"""Every write of project reports: scheduling one, saving the draft and its budget lines,
submitting (a frozen version), and the Comité de Pilotage's review (send back or accept)."""
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pepr.core import audit
from projects.reports import workflow
from projects.reports.models import (ProjectReport, ProjectReportKind, ReportBudgetLine,
                                     ReportVersion)

# ANR's end-of-project report: the scientific report is at most five pages.
FINAL_REPORT_MAX_PAGES = 5
EDITABLE_FIELDS = ("public_summary_fr", "public_summary_en", "publications_count",
                   "patents_count", "fixed_term_staff_count")


def _locked(report):
    return ProjectReport.objects.select_for_update().select_related("project").get(pk=report.pk)


def _check(report, action, permission, by):
    """The table first, so that a report that moved on gets a message, not a 403."""
    if not workflow.allows(action, report):
        raise workflow.refusal(action)
    if not rules.has_perm(permission, by, report):
        raise PermissionDenied


@transaction.atomic
def schedule(project, *, kind, title, due_at, year=None, by):
    """A report the project owes the programme, due at `due_at` (pilots, imports, the demo)."""
    if by is not None and not rules.has_perm("projects.schedule_report", by, project):
        raise PermissionDenied
    report = ProjectReport.objects.create(project=project, kind=kind, title=title,
                                          due_at=due_at, year=year)
    audit.record(by, "project.report.scheduled", project,
                 gettext_noop("scheduled the report “%(title)s”"), {"title": title},
                 report_id=report.pk)
    return report


def budget_year(report):
    return report.year or timezone.localdate(report.due_at).year


@transaction.atomic
def save_draft(report, *, by, values, budget=None, scientific_report=None, inspected=None):
    """Save what the coordinator wrote; `budget` maps a partner's id to (allocated, spent) for
    the report's year. Nothing is checked for completeness here: a draft may be partial."""
    report = _locked(report)
    _check(report, "save", "projects.edit_report", by)
    for field in EDITABLE_FIELDS:
        if field in values:
            setattr(report, field, values[field])
    fields = [*EDITABLE_FIELDS, "updated_at"]
    if scientific_report is not None:
        report.scientific_report.save("report.pdf", scientific_report, save=False)
        report.scientific_report_name = scientific_report.name[:255]
        report.scientific_report_pages = inspected.pages
        fields += ["scientific_report", "scientific_report_name", "scientific_report_pages"]
    report.save(update_fields=fields)
    year = budget_year(report)
    for partner_id, (allocated, spent) in (budget or {}).items():
        ReportBudgetLine.objects.update_or_create(
            report=report, partner_id=partner_id, year=year,
            defaults={"allocated_eur": allocated or 0, "spent_eur": spent or 0})
    return report


def missing_pieces(report):
    """What a report lacks before it can be submitted, in the words of the form."""
    missing = {}
    for field in ("public_summary_fr", "public_summary_en"):
        if not getattr(report, field).strip():
            missing[field] = _("Write the public summary.")
    for field in ("publications_count", "patents_count", "fixed_term_staff_count"):
        if getattr(report, field) is None:
            missing[field] = _("Enter a number (0 if none).")
    if not report.scientific_report:
        missing["scientific_report"] = _("Attach the scientific report (PDF).")
    elif (report.kind == ProjectReportKind.FINAL
          and (report.scientific_report_pages or 0) > FINAL_REPORT_MAX_PAGES):
        missing["scientific_report"] = _(
            "The scientific report of the final report has at most %(limit)d pages.") % {
                "limit": FINAL_REPORT_MAX_PAGES}
    if report.kind == ProjectReportKind.ANNUAL:
        filled = set(report.budget_lines.filter(year=budget_year(report))
                     .values_list("partner_id", flat=True))
        if any(partner.pk not in filled for partner in report.project.partners.all()):
            missing["budget"] = _("Enter the budget allocated and spent by every partner team.")
    return missing


def frozen_content(report):
    """What the Comité de Pilotage reads of this submission, frozen in a ReportVersion."""
    project = report.project
    return {
        "title": report.title, "kind": report.kind, "year": report.year,
        **{field: getattr(report, field) for field in EDITABLE_FIELDS},
        "scientific_report": ({"name": report.scientific_report_name,
                               "pages": report.scientific_report_pages,
                               "file": report.scientific_report.name}
                              if report.scientific_report else None),
        "deliverables": [
            {"code": d.code, "title": d.title, "kind": d.kind,
             "due_date": d.due_date.isoformat(), "status": d.status,
             "delivered_at": d.delivered_at.isoformat() if d.delivered_at else None}
            for d in project.deliverables.order_by("due_date", "code", "pk")],
        "budget_lines": [
            {"partner": line.partner.laboratory, "partner_id": line.partner_id,
             "year": line.year, "allocated_eur": line.allocated_eur,
             "spent_eur": line.spent_eur}
            for line in report.budget_lines.select_related("partner")],
    }


@transaction.atomic
def submit(report, *, by):
    report = _locked(report)
    _check(report, "submit", "projects.submit_report", by)
    missing = missing_pieces(report)
    if missing:
        raise ValidationError({field: [message] for field, message in missing.items()},
                              code="incomplete")
    resubmitted = report.version > 0
    workflow.perform(report, "submit", by=by)
    ReportVersion.objects.create(report=report, number=report.version,
                                 submitted_at=report.submitted_at, submitted_by=by,
                                 content=frozen_content(report))
    audit.record(by, "project.report.submitted", report.project,
                 (gettext_noop("submitted again the report “%(title)s” (version %(version)d)")
                  if resubmitted
                  else gettext_noop("submitted the report “%(title)s” (version %(version)d)")),
                 {"title": report.title, "version": report.version}, report_id=report.pk)
    return report


@transaction.atomic
def review(report, *, by, action, comments=""):
    """The Comité de Pilotage accepts the report or sends it back with comments."""
    report = _locked(report)
    if action not in ("accept", "send_back"):
        raise ValueError(action)
    _check(report, action, "projects.review_report", by)
    comments = comments.strip()
    if action == "send_back" and not comments:
        raise ValidationError({"comments": _("Say what the coordinator should change.")},
                              code="no_comments")
    workflow.perform(report, action, by=by)
    report.review_comments = comments
    report.save(update_fields=["review_comments"])
    summary = (gettext_noop("accepted the report “%(title)s”") if action == "accept"
               else gettext_noop("sent back the report “%(title)s” with comments"))
    audit.record(by, f"project.report.{action}", report.project,
                 summary, {"title": report.title}, report_id=report.pk, comments=comments)
    return report
