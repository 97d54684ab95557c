"""The export pages: an index of the exports for programme staff, and the CSV and XLSX files.

Filters are read by each export's django-filter FilterSet (the API's, see pepr.exports.tables):
a value that is not an id, or a status that does not exist, is refused with the index page and
the error under a 400, never ignored."""
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from calls.setup.filters import CallStageFilter
from calls.setup.models import Call, Stage
from pepr.core.views_common import requires_any
from pepr.exports.tables import EXPORTS, csv_stream, xlsx_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(filters):
    """The refused filters, one line each: "Call: A positive whole number (an id) is expected."."""
    return [_("%(field)s: %(error)s") % {"field": filters.form.fields[name].label, "error": error}
            for name, errors in filters.form.errors.items() for error in errors]


def _index(request, filters, status=200):
    calls = Call.objects.order_by("-created_at", "-pk").prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("number")))
    chosen = filters.as_query()
    return render(request, "exports/index.html", {
        "exports": EXPORTS.values(), "calls": calls, "chosen": chosen,
        "query": urlencode(chosen), "errors": _errors(filters),
    }, status=status)


@require_GET
@requires_any("pepr.view_dashboard")
def index(request):
    filters = CallStageFilter(request.GET)
    return _index(request, filters, status=200 if filters.is_valid() else 400)


@never_cache
@require_GET
@requires_any("pepr.view_dashboard")
def download(request, name, fmt):
    export = EXPORTS.get(name)
    if export is None:
        raise Http404
    filters = export.filters(request.GET)
    if not filters.is_valid():
        return _index(request, filters, status=400)
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
