"""Pages of project reports: the coordinator writes and submits, the pilots schedule and review,
the programme reads the frozen versions."""
from datetime import datetime, time

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pepr.core.paris import PARIS
from pepr.core.views_common import error_message
from projects.follow_up import selectors as project_selectors
from projects.follow_up.models import DeliverableStatus
from projects.follow_up.views import visible_project_or_404
from projects.reports import services, workflow
from projects.reports.forms import ReportForm, ReviewForm, ScheduleReportForm


def _report_or_404(pk, user):
    report = project_selectors.report_page(pk)
    if report is None or not rules.has_perm("projects.view_project", user, report.project):
        raise Http404
    return report


def _report_form(report, data=None, files=None):
    year = services.budget_year(report)
    lines = {line.partner_id: line for line in report.budget_lines.filter(year=year)}
    return ReportForm(data, files, instance=report, partners=report.project.partners.all(),
                      year=year, lines=lines)


@login_required
def report_detail(request, pk):
    report = _report_or_404(pk, request.user)
    user = request.user
    editable = rules.has_perm("projects.edit_report", user, report)
    form = _report_form(report) if editable else None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = _report_form(report, request.POST, request.FILES)
        if form.is_valid() and _saved_or_submitted(request, report, form):
            return redirect("projects:report", report.pk)
    if not (editable or rules.has_perm("projects.view_report_content", user, report)):
        raise PermissionDenied
    return render(request, "projects/report.html", {
        "report": report, "project": report.project, "form": form,
        "late": workflow.is_late(report),
        "versions": _versions(report),
        "may_review": rules.has_perm("projects.review_report", user, report),
        "review_form": ReviewForm(), "missing": services.missing_pieces(report) if editable
        else {},
    })


def _versions(report):
    versions = list(report.versions.select_related("submitted_by").order_by("-number"))
    labels = dict(DeliverableStatus.choices)
    for version in versions[:1]:
        for item in version.content.get("deliverables", []):
            item["status_label"] = labels.get(item.get("status"), item.get("status"))
    return versions


def _saved_or_submitted(request, report, form):
    """Save the draft, then submit it if asked; errors land on the form's fields and nothing
    typed is lost (the draft is saved first)."""
    pdf = form.cleaned_data.get("scientific_report")
    try:
        services.save_draft(report, by=request.user, values=form.cleaned_data,
                            budget=form.budget(),
                            scientific_report=pdf if hasattr(pdf, "chunks") else None,
                            inspected=form.fields["scientific_report"].inspected)
        if "submit" not in request.POST:
            messages.success(request, _("Your draft is saved."))
            return True
        services.submit(report, by=request.user)
    except ValidationError as error:
        _errors_to_form(form, error)
        return False
    messages.success(request, _("The report is submitted to the Comité de Pilotage. It can no "
                                "longer be changed unless it is sent back."))
    return True


def _errors_to_form(form, error):
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        if field == "budget" or field not in form.fields:
            form.add_error(None, errors)
        else:
            form.add_error(field, errors)


@login_required
@require_POST
def review_report(request, pk):
    report = _report_or_404(pk, request.user)
    form = ReviewForm(request.POST)
    action = request.POST.get("action")
    if action not in ("accept", "send_back") or not form.is_valid():
        raise PermissionDenied
    try:
        services.review(report, by=request.user, action=action,
                        comments=form.cleaned_data["comments"])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("The report is accepted.") if action == "accept"
                         else _("The report is sent back to the coordinator with your comments."))
    return redirect("projects:report", report.pk)


@login_required
@require_POST
def schedule_report(request, pk):
    project = visible_project_or_404(pk, request.user)
    form = ScheduleReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(
            f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()))
        return redirect("projects:detail", project.pk)
    data = form.cleaned_data
    # A report is due by the end of its day, Paris time, like every deadline of the programme.
    due_at = datetime.combine(data["due_date"], time(23, 59, 59), tzinfo=PARIS)
    report = services.schedule(project, kind=data["kind"], title=data["title"], year=data["year"],
                               due_at=due_at, by=request.user)
    messages.success(request, _("The report “%(title)s” is scheduled.") % {"title": report.title})
    return redirect("projects:detail", project.pk)


@login_required
def scientific_report(request, pk):
    report = _report_or_404(pk, request.user)
    if not (report.scientific_report
            and rules.has_perm("projects.view_report_content", request.user, report)):
        raise Http404
    return FileResponse(report.scientific_report.open("rb"), content_type="application/pdf",
                        filename=report.scientific_report_name or "report.pdf")
