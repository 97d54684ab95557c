"""The export pages: an index of the exports for programme staff, and the CSV and XLSX files."""
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from calls.setup.models import Call, Stage
from pepr.core.views_common import requires_any
from pepr.exports.tables import EXPORTS, Filters, csv_stream, xlsx_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@requires_any("pepr.view_dashboard")
def index(request):
    try:
        filters = Filters.from_query(request.GET)
    except ValueError:
        filters = Filters()
    calls = Call.objects.order_by("-created_at", "-pk").prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("number")))
    query = urlencode(filters.as_query())
    return render(request, "exports/index.html", {
        "exports": EXPORTS.values(), "calls": calls, "filters": filters, "query": query,
    })


@never_cache
@require_GET
@requires_any("pepr.view_dashboard")
def download(request, name, fmt):
    export = EXPORTS.get(name)
    if export is None:
        raise Http404
    try:
        filters = Filters.from_query(request.GET)
    except ValueError:
        return HttpResponseBadRequest(
            _("The call and the stage are chosen by their id, a whole number."),
            content_type="text/plain; charset=utf-8")
    header, rows = export.build(request.user, filters)
    suffix = "".join(f"-{key}{value}" for key, value in filters.as_query().items())
    filename = f"pepr-bbti-{name}{suffix}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(header, rows),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(xlsx_file(header, rows, name), as_attachment=True, filename=filename,
                        content_type=XLSX)
