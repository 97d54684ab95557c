"""The projects dashboard: reports late, due soon, awaiting review and accepted, milestones and
deliverables late, the budget allocated against spent per axis and origin, and one table of the
projects of every origin; filtered by axis and origin."""
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pepr.core import charts
from pepr.core.paris import PARIS
from pepr.core.selectors import current_programme
from pepr.core.views_common import requires_any
from pepr.dashboards.forms import ProjectDashboardForm
from pepr.dashboards.selectors import budget as budget_reads
from pepr.dashboards.selectors import projects as project_reads
from pepr.dashboards.views.paging import euros, no_programme, page
from projects.models import ProjectOrigin


def allocated_and_spent(rows, *, chart_id, title, label_header):
    """One chart with two bars per (label, Figures): allocated then spent euros."""
    data = []
    for label, figures in rows:
        data += [(_("%(label)s: allocated") % {"label": label}, figures.allocated),
                 (_("%(label)s: spent") % {"label": label}, figures.spent)]
    return charts.bar_chart(data, chart_id=chart_id, title=title, label_header=label_header,
                            value_header=_("Euros"), value_format=euros)


def _budget(current, axis, origin, reader):
    """The roll-up under the filters: per origin, per axis (the origins with an axis), and the
    number of projects it counted."""
    cells = budget_reads.rollup(current, axis=axis, origin=origin, reader=reader)
    origins = [origin] if origin else list(budget_reads.ORIGINS)
    axis_origins = [o for o in budget_reads.AXIS_ORIGINS if o in origins]
    by_origin = budget_reads.by_origin(cells, origins)
    by_axis = (budget_reads.by_axis(cells, [axis] if axis else current.axes.all(), axis_origins)
               if axis_origins else [])
    origin_rows = [(ProjectOrigin(o).label, figures) for o, figures in by_origin.items()]
    return {
        "by_origin": origin_rows, "by_axis": by_axis,
        "budget_total": budget_reads.total_of(by_origin.values()),
        "axis_origins": [(o, ProjectOrigin(o).label) for o in axis_origins],
        "origin_chart": allocated_and_spent(
            origin_rows, chart_id="projects-by-origin",
            title=_("Budget of the projects per origin: allocated and spent (€)"),
            label_header=_("Origin")),
        "axis_chart": allocated_and_spent(
            [(row.label, row.total) for row in by_axis], chart_id="projects-by-axis",
            title=_("Budget of the projects per axis: allocated and spent (€)"),
            label_header=_("Axis")),
    }


def _reports(request, current, now, scope):
    counts = project_reads.report_counts(current, now, **scope)
    late = page(request, "late_page", project_reads.late_reports(current, now, **scope),
                counts["late"])
    soon = page(request, "soon_page", project_reads.reports_due_soon(current, now, **scope),
                counts["soon"])
    awaiting = page(request, "review_page",
                    project_reads.reports_awaiting_review(current, **scope), counts["awaiting"])
    days = project_reads.REPORTS_DUE_WITHIN.days
    rows = [(_("Late"), counts["late"]),
            (_("Due within %(days)s days") % {"days": days}, counts["soon"]),
            (_("Awaiting review"), counts["awaiting"]), (_("Accepted"), counts["accepted"])]
    return {
        "report_counts": counts, "late": late, "soon": soon, "awaiting": awaiting,
        "within_days": days,
        "reports_chart": charts.bar_chart(
            rows,
            chart_id="report-states", title=_("Reports of the projects"),
            label_header=_("Reports"), value_header=_("Number")),
    }


@require_GET
@requires_any("pepr.view_dashboard")
def projects(request):
    """Reports, late items, budgets and the projects, filtered by axis and origin."""
    current = current_programme()
    if current is None:
        return no_programme(request, "dashboards/projects.html")
    form = ProjectDashboardForm(request.GET, programme=current)
    form.is_valid()
    # The reader's projects of a conflict of interest are left out of every list and count.
    scope = {"axis": form.value("axis"), "origin": form.value("origin") or None,
             "reader": request.user}
    now = timezone.now()
    today = timezone.localdate(now, timezone=PARIS)
    budget = _budget(current, **scope)
    deliverables = page(
        request, "deliverable_page", project_reads.late_deliverables(current, today, **scope),
        project_reads.late_deliverable_count(current, today, **scope))
    project_page = page(request, "project_page",
                        project_reads.projects_of(current, today, **scope),
                        budget["budget_total"].projects)
    context = {
        "programme": current, "form": form, "axis": scope["axis"], "origin": scope["origin"],
        "now": now, "today": today,
        **_reports(request, current, now, scope), **budget,
        "deliverables": deliverables, "projects": project_page,
    }
    return render(request, "dashboards/projects.html", context)
