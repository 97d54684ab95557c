"""Pages of the background PDF reports: request one, follow its preparation, download it.

Every view checks `reports.can_read` on the server and answers 404 to anyone who may not read the
report, so that nobody learns whether a report about someone else's object exists.
"""
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pepr.reports import services as reports
from pepr.reports.models import Report
from pepr.reports.sources import SOURCES

# htmx stops polling an element when the response has this status (https://htmx.org/docs/#polling).
HTMX_STOP_POLLING = 286


def _readable(request, report_id):
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        raise Http404
    target = reports.target_of(report)
    # The report itself, not only its kind and target: a call report has one version per
    # reader audience (see reports.audience_of).
    if target is None or not reports.can_read(request.user, report):
        raise Http404
    return report, target


@login_required
@require_POST
def request_report(request, kind, target_id):
    source = SOURCES.get(kind)
    target = source.load(target_id) if source else None
    if target is None or not reports.can_read(request.user, (kind, target)):
        raise Http404
    report = reports.request_report(kind, target, language=request.LANGUAGE_CODE,
                                    by=request.user)
    return redirect("reports:status", report.pk)


@login_required
@require_GET
@never_cache
def status(request, report_id):
    """Works without JavaScript (a meta refresh inside <noscript>); with htmx, the status block
    polls itself every 3 s and the server stops the polling once the report is settled."""
    report, target = _readable(request, report_id)
    context = {"report": report, "target": target, "kind": report.kind,
               "target_id": report.target_id,
               "pending": report.is_pending,
               "stale": reports.is_stale(report, timezone.now())}
    if request.htmx:
        response = render(request, "reports/_status.html", context)
        if not context["pending"]:
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "reports/status.html", context)


@login_required
@require_GET
@never_cache
def download(request, report_id):
    report, target = _readable(request, report_id)
    if not report.is_ready or not reports.has_file(report):
        raise Http404  # being rebuilt, failed, or its file was removed: the status page says
    return FileResponse(report.file.open("rb"), as_attachment=True,
                        filename=reports.download_name(report, target),
                        content_type="application/pdf")
