"""The call dashboard: one call's applications and evaluation for programme staff, its votes for
the members of the committees that handled it."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from calls.applications.models import ApplicationStatus
from calls.setup.models import ReviewScale
from governance.models import Committee
from pepr.core import charts
from pepr.core.models import CommitteeCode
from pepr.core.selectors import committee_codes_of, current_programme
from pepr.dashboards.forms import CallDashboardForm
from pepr.dashboards.selectors import call as call_reads
from pepr.dashboards.views.paging import euros, no_programme, percent

# Committees whose members, without being programme staff, get the restricted call dashboard.
RESTRICTED_COMMITTEES = {CommitteeCode.CCS, CommitteeCode.CSI, CommitteeCode.BOARD}


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
        return no_programme(request, "dashboards/call.html")
    full = access == "full"
    data = request.GET.copy()
    calls, chosen = _chosen_call(current, data, full)
    if chosen is None:
        return render(request, "dashboards/call.html", {"programme": current, "chosen": None,
                                                        "full": full})
    committees, committee_list = _committees(request.user, current, data, full)
    form = CallDashboardForm(data, programme=current, calls=calls, call=chosen,
                             committees=committees, committee_required=not full)
    form.is_valid()
    stage = form.value("stage")
    stages = (stage,) if stage else tuple(chosen.stages.order_by("number"))
    scope = call_reads.CallScope(call=chosen, stages=stages, axis=form.value("axis"),
                                 submitted_from=form.value("submitted_from"),
                                 submitted_to=form.value("submitted_to"))
    committee = form.value("committee")
    if committee is None and not full:
        committee = committee_list[0]
    context = {
        "programme": current, "chosen": chosen, "full": full, "form": form, "scope": scope,
        "stage": stage, "committee": committee,
        **_votes(scope, [committee] if committee else committee_list),
    }
    if full:
        context.update(_call_statistics(current, scope))
    return render(request, "dashboards/call.html", context)


def _chosen_call(current, data, full):
    """The calls the reader may choose from and the chosen one (from ?call=, else the default
    call), written back into `data` for the form; committee members choose among published
    calls only (a draft call is not the committees' business yet)."""
    calls = call_reads.calls_of(current)
    if not full:
        calls = calls.published()
    chosen = None
    if data.get("call", "").isdigit():
        chosen = calls.filter(pk=data["call"]).first()
    chosen = chosen or call_reads.default_call(calls)
    if chosen is not None:
        data["call"] = str(chosen.pk)
    return calls, chosen


def _committees(user, current, data, full):
    """The committees of the vote filter, as a queryset and as a list: every committee for
    programme staff; for a committee member their own restricted committees, one of them always
    chosen in `data`."""
    committees = Committee.objects.filter(programme=current).order_by("pk")
    if full:
        return committees, list(committees)
    committees = committees.filter(code__in=committee_codes_of(user) & RESTRICTED_COMMITTEES)
    committee_list = list(committees)
    if not committee_list:
        raise PermissionDenied
    if not data.get("committee"):
        data["committee"] = str(committee_list[0].pk)
    return committees, committee_list


def _votes(scope, committees):
    votes = call_reads.vote_outcomes(scope, committees)
    labels = [label for _key, label in call_reads.OUTCOMES]
    return {
        "votes": votes, "outcome_labels": labels,
        "votes_chart": charts.bar_chart(
            list(zip(labels, votes["totals"])), chart_id="votes",
            title=_("Ballot outcomes on the agenda items"),
            label_header=_("Outcome"), value_header=_("Agenda items")),
    }


def _call_statistics(current, scope):
    """Every section but the votes, for programme staff."""
    breakdown = call_reads.application_breakdown(scope)
    envelope = scope.call.budget_envelope_eur
    return {
        "breakdown": breakdown, "envelope": envelope,
        "envelope_percent": (round(100 * breakdown["requested_eur"] / envelope, 1)
                             if envelope else None),
        **_application_charts(list(current.axes.all()), scope, breakdown),
        **_review_charts(scope, breakdown),
        "day_charts": _day_charts(scope),
    }


def _application_charts(axes, scope, breakdown):
    """Applications by status, axis and organisation, requested budgets, success rates."""
    status_rows = [(label, breakdown["by_status"].get(value, 0))
                   for value, label in ApplicationStatus.choices]
    axis_rows = [(str(axis), breakdown["competing_by_axis"].get(axis.pk, 0)) for axis in axes]
    if None in breakdown["competing_by_axis"]:
        axis_rows.append((_("No axis"), breakdown["competing_by_axis"][None]))
    top = call_reads.top_organisations(scope)
    organisation_rows = [(name or _("No organisation"), n) for name, n in top]
    others = breakdown["competing"] - sum(n for _name, n in top)
    if others:
        organisation_rows.append((_("Other organisations"), others))
    budget_rows = [
        (_("Call envelope"), scope.call.budget_envelope_eur or 0),
        (_("Requested by the applications in competition"), breakdown["requested_eur"]),
        (_("Requested by the recommended or funded applications"), breakdown["retained_eur"]),
    ]
    success = call_reads.success_rates(axes, breakdown)
    success_rows = [(str(axis) if axis else _("No axis"), percent or 0)
                    for axis, _won, _n, percent in success]
    return {
        "success": success,
        "status_chart": charts.applications_by_status(status_rows),
        "axis_chart": charts.applications_by_axis(axis_rows),
        "organisation_chart": charts.bar_chart(
            organisation_rows, chart_id="by-organisation",
            title=_("Applications in competition by coordinating organisation "
                    "(the %(count)s largest, then the others)")
            % {"count": call_reads.ORGANISATIONS_SHOWN},
            label_header=_("Organisation"), value_header=_("Applications")),
        "budget_chart": charts.bar_chart(
            budget_rows, chart_id="budget", title=_("Requested budget and call envelope (€)"),
            label_header=_("Amount"), value_header=_("Euros"), value_format=euros),
        "success_chart": charts.bar_chart(
            success_rows, chart_id="success", title=_("Success rate per axis (%)"),
            label_header=_("Axis"), value_header=_("Success rate (%)"),
            value_format=percent),
    }


def _review_charts(scope, breakdown):
    """Reviews expected, assigned and submitted per stage, and the histograms of the mean
    scores, one per review scale."""
    completion = call_reads.review_completion(scope, breakdown)
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
        for scale, (counts, edges) in call_reads.score_distribution(scope).items()]
    return {
        "completion": completion, "histograms": histograms,
        "completion_chart": charts.bar_chart(
            completion_rows, chart_id="reviews", title=_("Reviews expected, assigned and "
                                                        "submitted"),
            label_header=_("Stage"), value_header=_("Reviews")),
    }


def _day_charts(scope):
    """[(stage, chart of its submissions per day)]."""
    return [
        (stage, charts.bar_chart(
            [(formats.date_format(day, "SHORT_DATE_FORMAT"), n) for day, n in days],
            chart_id=f"per-day-{stage.number}",
            title=_("Submissions per day, stage %(number)s (Paris time)")
            % {"number": stage.number},
            label_header=_("Day"), value_header=_("Submissions"), bar_height=12, gap=2))
        for stage, days in call_reads.submissions_per_day(scope)]
