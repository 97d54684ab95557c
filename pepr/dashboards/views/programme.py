"""The programme dashboard: the budget allocated to each origin (priority projects, governance,
AMI and AAP call envelopes) against what the projects committed and spent, in total, per axis
and per year."""
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from calls.setup.models import CallKind
from pepr.core import charts
from pepr.core.selectors import current_programme
from pepr.core.views_common import requires_any
from pepr.dashboards.selectors import budget as budget_reads
from pepr.dashboards.views.paging import euros, no_programme
from projects.models import ProjectOrigin


def committed_and_spent(rows, *, chart_id, title, label_header):
    """One chart with two bars per row (a Breakdown): its committed then its spent euros."""
    data = []
    for row in rows:
        total = row.total
        data += [(_("%(label)s: committed") % {"label": row.label}, total.committed),
                 (_("%(label)s: spent") % {"label": row.label}, total.spent)]
    return charts.bar_chart(data, chart_id=chart_id, title=title, label_header=label_header,
                            value_header=_("Euros"), value_format=euros)


def _euro_chart(rows, *, chart_id, title, label_header, value_header):
    return charts.bar_chart(rows, chart_id=chart_id, title=title, label_header=label_header,
                            value_header=value_header, value_format=euros)


def _split_charts(lines):
    origins = [line for line in lines if line.committed is not None]
    return {
        "allocated_chart": _euro_chart(
            [(line.label, max(line.allocated or 0, 0)) for line in lines], chart_id="allocated",
            title=_("Allocated split of the budget (€)"), label_header=_("Budget line"),
            value_header=_("Allocated (€)")),
        "committed_chart": _euro_chart(
            [(line.label, line.committed) for line in origins], chart_id="committed",
            title=_("Committed budget (€)"), label_header=_("Budget line"),
            value_header=_("Committed (€)")),
        "spent_chart": _euro_chart(
            [(line.label, line.spent) for line in origins], chart_id="spent",
            title=_("Spent budget (€)"), label_header=_("Budget line"),
            value_header=_("Spent (€)")),
    }


def _year_charts(years):
    return {
        "year_envelopes_chart": _euro_chart(
            [(row.label, row.envelopes_eur) for row in years], chart_id="envelopes-by-year",
            title=_("Call envelopes per year of the call's first opening (€)"),
            label_header=_("Year"), value_header=_("Envelopes (€)")),
        "year_chart": committed_and_spent(
            years, chart_id="by-year", title=_("Committed and spent budget per year (€)"),
            label_header=_("Year")),
    }


@require_GET
@requires_any("pepr.view_dashboard")
def programme(request):
    """The programme's budget: allocated, committed and spent, per origin, axis and year."""
    current = current_programme()
    if current is None:
        return no_programme(request, "dashboards/programme.html")
    overview = budget_reads.programme_overview(current)
    lines = overview["lines"]
    context = {
        "programme": current, "overview": overview, "kinds": CallKind.choices,
        "origins": [(origin, ProjectOrigin(origin).label) for origin in ProjectOrigin.values],
        "axis_origins": [(origin, ProjectOrigin(origin).label)
                         for origin in budget_reads.AXIS_ORIGINS],
        "over_allocated": lines[-1].allocated < 0,
        **_split_charts(lines),
        "axis_chart": committed_and_spent(
            overview["by_axis"], chart_id="by-axis",
            title=_("Committed and spent budget per axis (€)"), label_header=_("Axis")),
        **_year_charts(overview["by_year"]),
    }
    return render(request, "dashboards/programme.html", context)
