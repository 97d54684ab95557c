"""The dashboards: the programme's budget, one call's applications and evaluation, the projects.

Pages work without JavaScript: every chart is server-drawn SVG (pepr.charts) followed by its
data as an HTML table, and filters are GET forms whose values stay in the URL. Each page runs a
fixed number of queries, all aggregates or LIMITed lists (pepr.dashboards).
"""
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from calls.applications.models import ApplicationStatus
from calls.setup.models import CallKind, ReviewScale
from governance.models import Committee
from pepr.core import charts
from pepr.core.models import CommitteeCode
from pepr.core.selectors import committee_codes_of, current_programme
from pepr.core.views_common import requires_any
from pepr.dashboards import selectors as dashboards
from pepr.dashboards.forms import AxisFilterForm, CallDashboardForm

PAGE_SIZE = 25
# Committees whose members, without being programme staff, get the restricted call dashboard.
RESTRICTED_COMMITTEES = {CommitteeCode.CCS, CommitteeCode.CSI, CommitteeCode.BOARD}


def _euros(value):
    return f"{charts.number(value)} €"


def _percent(value):
    return f"{charts.number(value, 1)} %"


@dataclass
class Pager:
    """One page of a list whose total is already counted: no COUNT query of its own."""

    param: str
    number: int
    count: int
    query: str  # the other parameters of the URL, kept by the page links
    per_page: int = PAGE_SIZE

    @property
    def num_pages(self):
        return max(1, -(-self.count // self.per_page))

    @property
    def offset(self):
        return (self.number - 1) * self.per_page

    def window(self, queryset):
        return list(queryset[self.offset:self.offset + self.per_page])

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1


def _pager(request, param, count):
    try:
        number = max(1, int(request.GET.get(param, 1)))
    except ValueError:
        number = 1
    others = request.GET.copy()
    others.pop(param, None)
    pager = Pager(param=param, number=number, count=count, query=others.urlencode())
    pager.number = min(pager.number, pager.num_pages)
    return pager


def _no_programme(request, template):
    return render(request, template, {"programme": None})


# --- Programme ------------------------------------------------------------------------------

@require_GET
@requires_any("pepr.view_dashboard")
def programme(request):
    """The programme's budget: the planned split (priority projects, governance, AMI and AAP
    envelopes) against what is committed, in total, per axis and per year."""
    current = current_programme()
    if current is None:
        return _no_programme(request, "dashboards/programme.html")
    overview = dashboards.programme_overview(current)
    lines = overview["lines"]
    planned_rows = [(line.label, max(line.planned or 0, 0)) for line in lines]
    committed_rows = [(line.label, line.committed) for line in lines
                      if line.committed is not None]
    context = {
        "programme": current, "overview": overview, "kinds": CallKind.choices,
        "over_allocated": lines[-1].planned < 0,
        "planned_chart": charts.bar_chart(
            planned_rows, chart_id="planned", title=_("Planned split of the budget (€)"),
            label_header=_("Budget line"), value_header=_("Planned (€)"), value_format=_euros),
        "committed_chart": charts.bar_chart(
            committed_rows, chart_id="committed", title=_("Committed budget (€)"),
            label_header=_("Budget line"), value_header=_("Committed (€)"),
            value_format=_euros),
        "axis_chart": charts.bar_chart(
            [(row.label, row.total_eur) for row in overview["by_axis"]], chart_id="by-axis",
            title=_("Committed budget per axis (€)"), label_header=_("Axis"),
            value_header=_("Committed (€)"), value_format=_euros),
        "year_envelopes_chart": charts.bar_chart(
            [(row.label, row.envelopes_eur) for row in overview["by_year"]],
            chart_id="envelopes-by-year",
            title=_("Call envelopes per year of the call's first opening (€)"),
            label_header=_("Year"), value_header=_("Envelopes (€)"), value_format=_euros),
        "year_committed_chart": charts.bar_chart(
            [(row.label, row.committed_eur) for row in overview["by_year"]],
            chart_id="committed-by-year", title=_("Committed budget per year (€)"),
            label_header=_("Year"), value_header=_("Committed (€)"), value_format=_euros),
    }
    return render(request, "dashboards/programme.html", context)


# --- One call -------------------------------------------------------------------------------

def _call_access(user):
    """'full' for programme staff, 'committee' for a member of the CCS, the CSI or the Comité
    Directeur; anyone else gets 403."""
    if user.has_perm("pepr.view_dashboard"):
        return "full"
    if committee_codes_of(user) & RESTRICTED_COMMITTEES:
        return "committee"
    raise PermissionDenied


@require_GET
@login_required
def call(request):
    """One call's applications and evaluation, filtered by stage, axis, committee and days of
    submission.

    Who sees what:
    - Pilots, ANR officers and superusers see every section. Nothing lists single applications:
      every number is an aggregate over the call (the organisation ranking counts applications
      per coordinating organisation), so no application-level conflict filter applies.
    - A member of the CCS, the CSI or the Comité Directeur (not programme staff) sees only what
      their committee handled, on published calls: the outcomes of the ballots on their
      committee's agendas and the number of the call's applications on those agendas. The
      committee filter offers only their own committees and always holds one of them (an
      unknown or foreign committee in the URL falls back to their first committee); the call,
      stage, axis and day filters narrow those counts. Statuses, axes, organisations, budgets,
      reviews, scores, submissions per day and success rates are not computed for them at all.
    - Anyone else (applicants, reviewers without a committee seat) gets 403.
    """
    access = _call_access(request.user)
    current = current_programme()
    if current is None:
        return _no_programme(request, "dashboards/call.html")
    full = access == "full"
    data = request.GET.copy()
    calls = dashboards.calls_of(current)
    if not full:
        calls = calls.published()  # a draft call is not the committees' business yet
    chosen = None
    if data.get("call", "").isdigit():
        chosen = calls.filter(pk=data["call"]).first()
    chosen = chosen or dashboards.default_call(calls)
    if chosen is None:
        return render(request, "dashboards/call.html", {"programme": current, "chosen": None,
                                                        "full": full})
    data["call"] = str(chosen.pk)
    committees = Committee.objects.filter(programme=current).order_by("pk")
    if not full:
        committees = committees.filter(code__in=committee_codes_of(request.user)
                                       & RESTRICTED_COMMITTEES)
        committee_list = list(committees)
        if not committee_list:
            raise PermissionDenied
        if not data.get("committee"):
            data["committee"] = str(committee_list[0].pk)
    else:
        committee_list = list(committees)
    form = CallDashboardForm(data, programme=current, calls=calls, call=chosen,
                             committees=committees, committee_required=not full)
    form.is_valid()
    stage = form.value("stage")
    stages = (stage,) if stage else tuple(chosen.stages.order_by("number"))
    scope = dashboards.CallScope(call=chosen, stages=stages, axis=form.value("axis"),
                                 submitted_from=form.value("submitted_from"),
                                 submitted_to=form.value("submitted_to"))
    committee = form.value("committee")
    if committee is None and not full:
        committee = committee_list[0]
    votes = dashboards.vote_outcomes(scope, [committee] if committee else committee_list)
    context = {
        "programme": current, "chosen": chosen, "full": full, "form": form, "scope": scope,
        "stage": stage, "committee": committee, "votes": votes,
        "outcome_labels": [label for _key, label in dashboards.OUTCOMES],
        "votes_chart": charts.bar_chart(
            list(zip([label for _key, label in dashboards.OUTCOMES], votes["totals"])),
            chart_id="votes", title=_("Ballot outcomes on the agenda items"),
            label_header=_("Outcome"), value_header=_("Agenda items")),
    }
    if full:
        context.update(_call_statistics(current, scope))
    return render(request, "dashboards/call.html", context)


def _call_statistics(current, scope):
    """Every section but the votes, for programme staff."""
    breakdown = dashboards.application_breakdown(scope)
    axes = list(current.axes.all())
    status_rows = [(label, breakdown["by_status"].get(value, 0))
                   for value, label in ApplicationStatus.choices]
    axis_rows = [(str(axis), breakdown["competing_by_axis"].get(axis.pk, 0)) for axis in axes]
    if None in breakdown["competing_by_axis"]:
        axis_rows.append((_("No axis"), breakdown["competing_by_axis"][None]))
    top = dashboards.top_organisations(scope)
    organisation_rows = [(name or _("No organisation"), n) for name, n in top]
    others = breakdown["competing"] - sum(n for _name, n in top)
    if others:
        organisation_rows.append((_("Other organisations"), others))
    envelope = scope.call.budget_envelope_eur
    budget_rows = [
        (_("Call envelope"), envelope or 0),
        (_("Requested by the applications in competition"), breakdown["requested_eur"]),
        (_("Requested by the recommended or funded applications"), breakdown["retained_eur"]),
    ]
    completion = dashboards.review_completion(scope, breakdown)
    completion_rows = []
    for row in completion:
        name = _("Stage %(number)s") % {"number": row["stage"].number}
        completion_rows += [(f"{name}: {_('expected')}", row["expected"]),
                            (f"{name}: {_('assigned')}", row["assigned"]),
                            (f"{name}: {_('submitted')}", row["submitted"])]
    scale_names = dict(ReviewScale.choices)
    histograms = [
        charts.histogram(counts, edges, chart_id=f"scores-{scale}",
                         title=_("Mean scores of the submitted reviews (%(scale)s)")
                         % {"scale": scale_names[scale]},
                         label_header=_("Mean score"), value_header=_("Reviews"))
        for scale, (counts, edges) in dashboards.score_distribution(scope).items()]
    success = dashboards.success_rates(axes, breakdown)
    success_rows = [(str(axis) if axis else _("No axis"), percent or 0)
                    for axis, _won, _n, percent in success]
    return {
        "breakdown": breakdown, "envelope": envelope,
        "envelope_percent": (round(100 * breakdown["requested_eur"] / envelope, 1)
                             if envelope else None),
        "completion": completion, "success": success, "histograms": histograms,
        "status_chart": charts.applications_by_status(status_rows),
        "axis_chart": charts.applications_by_axis(axis_rows),
        "organisation_chart": charts.bar_chart(
            organisation_rows, chart_id="by-organisation",
            title=_("Applications in competition by coordinating organisation "
                    "(the %(count)s largest, then the others)")
            % {"count": dashboards.ORGANISATIONS_SHOWN},
            label_header=_("Organisation"), value_header=_("Applications")),
        "day_charts": [
            (stage, charts.bar_chart(
                [(formats.date_format(day, "SHORT_DATE_FORMAT"), n) for day, n in days],
                chart_id=f"per-day-{stage.number}",
                title=_("Submissions per day, stage %(number)s (Paris time)")
                % {"number": stage.number},
                label_header=_("Day"), value_header=_("Submissions"), bar_height=12, gap=2))
            for stage, days in dashboards.submissions_per_day(scope)],
        "budget_chart": charts.bar_chart(
            budget_rows, chart_id="budget", title=_("Requested budget and call envelope (€)"),
            label_header=_("Amount"), value_header=_("Euros"), value_format=_euros),
        "completion_chart": charts.bar_chart(
            completion_rows, chart_id="reviews", title=_("Reviews expected, assigned and "
                                                        "submitted"),
            label_header=_("Stage"), value_header=_("Reviews")),
        "success_chart": charts.bar_chart(
            success_rows, chart_id="success", title=_("Success rate per axis (%)"),
            label_header=_("Axis"), value_header=_("Success rate (%)"),
            value_format=_percent),
    }


# --- Projects -------------------------------------------------------------------------------

@require_GET
@requires_any("pepr.view_dashboard")
def projects(request):
    """Reports late or due within 30 days, and the budgets of the priority and funded projects,
    per project and per axis; filtered by axis."""
    current = current_programme()
    if current is None:
        return _no_programme(request, "dashboards/projects.html")
    form = AxisFilterForm(request.GET, programme=current)
    form.is_valid()
    axis = form.value("axis")
    now = timezone.now()
    counts = dashboards.report_counts(now, axis)
    late = _pager(request, "late_page", counts["late"])
    soon = _pager(request, "soon_page", counts["soon"])
    totals = dashboards.funded_totals(current, axis)
    funded = _pager(request, "project_page", totals["projects"])
    priority = list(dashboards.priority_projects(current, axis))
    ordered_funded = dashboards.funded_projects(current, axis)
    largest = list(ordered_funded.values_list("acronym", "budget_eur")
                   [:dashboards.ORGANISATIONS_SHOWN])
    # No "others" bar here: with hundreds of projects it would dwarf the fifteen shown; the
    # table above gives the total.
    funded_rows = [(acronym, budget or 0) for acronym, budget in largest]
    by_axis = dashboards.budget_by_axis(
        [axis] if axis else current.axes.all(),
        dashboards.funded_budgets(current, axis), dashboards.priority_budgets(current, axis))
    context = {
        "programme": current, "form": form, "axis": axis, "now": now,
        "late": late, "late_reports": late.window(dashboards.late_reports(now, axis)),
        "soon": soon, "soon_reports": soon.window(dashboards.reports_due_soon(now, axis)),
        "within_days": dashboards.REPORTS_DUE_WITHIN.days,
        "priority": priority, "funded": funded,
        "funded_projects": funded.window(ordered_funded), "funded_totals": totals,
        "priority_total": sum(row.priority_eur for row in by_axis),
        "by_axis": by_axis, "kinds": CallKind.choices,
        "priority_chart": charts.bar_chart(
            [(str(project), project.budget_eur or 0) for project in priority],
            chart_id="priority-budgets", title=_("Budget of each priority project (€)"),
            label_header=_("Priority project"), value_header=_("Budget (€)"),
            value_format=_euros),
        "funded_chart": charts.bar_chart(
            funded_rows, chart_id="funded-budgets",
            title=_("Funded projects: the %(count)s largest budgets (€)")
            % {"count": dashboards.ORGANISATIONS_SHOWN},
            label_header=_("Funded project"), value_header=_("Budget (€)"),
            value_format=_euros),
        "axis_chart": charts.bar_chart(
            [(row.label, row.total_eur) for row in by_axis], chart_id="projects-by-axis",
            title=_("Budget of the projects per axis (€)"), label_header=_("Axis"),
            value_header=_("Budget (€)"), value_format=_euros),
    }
    return render(request, "dashboards/projects.html", context)
