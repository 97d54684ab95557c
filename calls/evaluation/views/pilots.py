"""Pilots' evaluation pages: stages, assignments and suggestions, progress and ranking, and the
audit trail. Every write goes through calls.evaluation.services.

Signed-in users without the permission get 403 before any lookup; a pilot with a conflict of
interest on a file does not see it in the lists and gets 404 on its URLs.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls.applications.models import Application
from calls.applications.workflow import IN_COMPETITION, UNDER_EVALUATION
from calls.evaluation import matching, selectors
from calls.evaluation import services as evaluation
from calls.evaluation.forms import AssignForm, SuggestionForm, pool_choices
from calls.evaluation.models import Assignment, ReviewerRole
from calls.evaluation.views.access import stage_or_404, unconflicted_or_404
from calls.evaluation.views.reviewers import safe_next
from calls.setup.models import Stage
from pepr.core.views_common import error_message, requires_any

pilot_required = requires_any("calls.manage_evaluation")
SUGGESTIONS_SHOWN = 200


@pilot_required
def stages(request):
    """Entry point of the pilots: the stages that received applications."""
    rows = (Stage.objects.select_related("call")
            .annotate(received=Count("applications", filter=Q(
                applications__status__in=IN_COMPETITION)))
            .filter(received__gt=0).order_by("-closes_at", "pk"))
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "calls/evaluation/stages.html", {"page": page})


@pilot_required
def assignments(request, stage_pk):
    stage = stage_or_404(stage_pk)
    page = Paginator(selectors.assignment_rows(stage, request.user), 25).get_page(
        request.GET.get("page"))
    # Each <option> of the pool is rendered once, then joined per row without the people who
    # have a conflict of interest on that row's file: rendering a select widget per row costs
    # half a second with a few hundred reviewers.
    pool = list(matching.reviewer_pool())
    options = [(pk, format_html('<option value="{}">{}</option>', pk, label))
               for pk, label in pool_choices(pool)]
    conflicted = matching.conflicted_reviewers(page.object_list, pool)
    for application in page.object_list:
        left_out = conflicted.get(application.pk, set())
        application.reviewer_options = mark_safe("".join(  # noqa: S308 (escaped above)
            html for pk, html in options if pk not in left_out))
    return render(request, "calls/evaluation/assignments.html", {
        "stage": stage, "page": page,
        "roles": ReviewerRole.choices,
        "hidden": selectors.hidden_count(stage, request.user, UNDER_EVALUATION),
    })


@pilot_required
@require_POST
def assign(request, pk):
    application = unconflicted_or_404(
        Application.objects.select_related("stage", "coordinator").filter(pk=pk).first(),
        request.user)
    back = safe_next(request, reverse("evaluation:assignments", args=[application.stage_id]))
    form = AssignForm(request.POST)
    reviewer = form.is_valid() and matching.reviewer_pool().filter(
        pk=form.cleaned_data["reviewer"]).first()
    if not reviewer:
        messages.error(request, _("Choose a reviewer of the pool and a role."))
        return redirect(back)
    try:
        evaluation.assign(application, reviewer, role=form.cleaned_data["role"], by=request.user)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("%(person)s is assigned to %(reference)s.")
                         % {"person": reviewer, "reference": application.reference})
    return redirect(back)


@pilot_required
@require_POST
def unassign(request, pk):
    assignment = get_object_or_404(
        Assignment.objects.select_related("application", "reviewer", "review"), pk=pk)
    unconflicted_or_404(assignment.application, request.user)
    back = safe_next(request, reverse("evaluation:assignments",
                                      args=[assignment.application.stage_id]))
    try:
        evaluation.unassign(assignment, by=request.user)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("%(person)s no longer reviews %(reference)s.")
                         % {"person": assignment.reviewer,
                            "reference": assignment.application.reference})
    return redirect(back)


@pilot_required
def suggest(request, stage_pk):
    stage = stage_or_404(stage_pk)
    pool = list(matching.reviewer_pool())
    visible = selectors.visible_applications(request.user).filter(
        stage=stage, status__in=UNDER_EVALUATION)
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pairs = form.cleaned_data["pair"]
        applications = visible.in_bulk([application_id for application_id, _r in pairs])
        people = {person.pk: person for person in pool}
        chosen = [(applications[a], people[r]) for a, r in pairs
                  if a in applications and r in people]
        assigned, refused = evaluation.assign_many(chosen, by=request.user,
                                                   role=form.cleaned_data["role"])
        messages.success(request, _("%(assigned)d assigned, %(refused)d refused.")
                         % {"assigned": len(assigned),
                            "refused": len(refused) + len(pairs) - len(chosen)})
        for application, _reviewer, reason in refused:
            messages.warning(request, f"{application.reference}: {reason}")
        return redirect("evaluation:assignments", stage.pk)
    if request.method == "POST":
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    # Only the first applications still short of reviews are matched, in SQL order: the page
    # shows SUGGESTIONS_SHOWN pairs, so matching all 6,500 files on each visit would be waste.
    proposals = matching.suggest(stage, pool, applications=visible, limit=SUGGESTIONS_SHOWN)
    return render(request, "calls/evaluation/suggest.html", {
        "stage": stage, "form": form, "proposals": proposals[:SUGGESTIONS_SHOWN],
        "total": len(proposals), "shown": min(len(proposals), SUGGESTIONS_SHOWN),
    })


@pilot_required
def progress(request, stage_pk):
    stage = stage_or_404(stage_pk)
    page = Paginator(selectors.progress_rows(stage, request.user), 50).get_page(
        request.GET.get("page"))
    reviewers = Paginator(selectors.reviewer_rows(stage), 50).get_page(
        request.GET.get("reviewers"))
    return render(request, "calls/evaluation/progress.html", {
        "stage": stage, "page": page, "reviewers": reviewers,
        "due_passed": bool(stage.review_due_at and stage.review_due_at < timezone.now()),
        "hidden": selectors.hidden_count(stage, request.user, IN_COMPETITION),
    })


@requires_any("calls.read_audit")
def audit(request):
    raw = request.GET.get("application", "")
    application_id = int(raw) if raw.isdigit() else None
    page = Paginator(selectors.audit_events(request.user, application_id), 50).get_page(
        request.GET.get("page"))
    return render(request, "calls/evaluation/audit.html", {
        "page": page, "application_id": application_id,
        "query": urlencode({"application": application_id}) if application_id else "",
    })
