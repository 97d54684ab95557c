"""Pilots' evaluation pages: assignments and suggestions, progress and ranking, decisions,
decision letters and the audit trail. Every write goes through calls.evaluation,
calls.decisions or projects.services.

Signed-in users without the permission get 403 before any lookup; a pilot with a conflict of
interest on a file does not see it in the lists and gets 404 on its URLs.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pepr.views_common import error_message, requires_any
from projects import services as project_services

from . import decisions, evaluation
from . import evaluation_selectors as selectors
from .evaluation_forms import (AssignForm, DecisionForm, LetterForm, SuggestionForm,
                               outcomes_for, pool_choices)
from .evaluation_views import safe_next
from .models import (Application, ApplicationStatus, Assignment, LetterStatus, ReviewerRole,
                     Stage)

pilot_required = requires_any("calls.manage_evaluation")
# The Comité Directeur validates funding on the same page as the pilots' decisions.
decider_required = requires_any("calls.manage_evaluation", "calls.validate_funding")
SUGGESTIONS_SHOWN = 200


def _stage(stage_pk):
    return get_object_or_404(Stage.objects.select_related("call"), pk=stage_pk)


def _not_conflicted(application, user):
    if application is None or evaluation.is_conflicted(application, user):
        raise Http404
    return application


@pilot_required
def stages(request):
    """Entry point of the pilots: the stages that received applications."""
    rows = (Stage.objects.select_related("call")
            .annotate(received=Count("applications", filter=Q(
                applications__status__in=selectors.EVALUATED)))
            .filter(received__gt=0).order_by("-closes_at", "pk"))
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "calls/evaluation/stages.html", {"page": page})


@pilot_required
def assignments(request, stage_pk):
    stage = _stage(stage_pk)
    page = Paginator(selectors.assignment_rows(stage, request.user), 25).get_page(
        request.GET.get("page"))
    # The pool's <option>s are rendered once and repeated in every row's form: rendering a
    # select widget per row costs half a second with a few hundred reviewers.
    reviewer_options = format_html_join("", '<option value="{}">{}</option>',
                                        pool_choices(evaluation.reviewer_pool()))
    return render(request, "calls/evaluation/assignments.html", {
        "stage": stage, "page": page, "reviewer_options": reviewer_options,
        "roles": ReviewerRole.choices,
        "hidden": selectors.hidden_count(stage, request.user, [ApplicationStatus.SUBMITTED]),
    })


@pilot_required
@require_POST
def assign(request, pk):
    application = _not_conflicted(
        Application.objects.select_related("stage", "coordinator").filter(pk=pk).first(),
        request.user)
    back = safe_next(request, reverse("evaluation:assignments", args=[application.stage_id]))
    form = AssignForm(request.POST)
    reviewer = form.is_valid() and evaluation.reviewer_pool().filter(
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
    _not_conflicted(assignment.application, request.user)
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
    stage = _stage(stage_pk)
    pool = list(evaluation.reviewer_pool())
    visible = selectors.visible_applications(request.user).filter(
        stage=stage, status=ApplicationStatus.SUBMITTED)
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
    proposals = evaluation.suggest(stage, pool, applications=visible, limit=SUGGESTIONS_SHOWN)
    return render(request, "calls/evaluation/suggest.html", {
        "stage": stage, "form": form, "proposals": proposals[:SUGGESTIONS_SHOWN],
        "total": len(proposals), "shown": min(len(proposals), SUGGESTIONS_SHOWN),
    })


@pilot_required
def progress(request, stage_pk):
    stage = _stage(stage_pk)
    page = Paginator(selectors.progress_rows(stage, request.user), 50).get_page(
        request.GET.get("page"))
    reviewers = Paginator(selectors.reviewer_rows(stage), 50).get_page(
        request.GET.get("reviewers"))
    return render(request, "calls/evaluation/progress.html", {
        "stage": stage, "page": page, "reviewers": reviewers,
        "due_passed": bool(stage.review_due_at and stage.review_due_at < timezone.now()),
        "hidden": selectors.hidden_count(stage, request.user, selectors.EVALUATED),
    })


@decider_required
def decide(request, pk):
    application = _not_conflicted(selectors.decision_page_application(pk), request.user)
    applicable, allowed = outcomes_for(application, request.user)
    form = DecisionForm(request.POST or None, applicable=applicable, allowed=allowed)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            decision = decisions.decide(application, form.cleaned_data["outcome"],
                                        by=request.user, rationale=form.cleaned_data["rationale"])
        except PermissionDenied as error:
            messages.error(request, error_message(error))
            status = 403
        except ValidationError as error:
            messages.error(request, error_message(error))
            status = 409
        else:
            messages.success(request, _("Decision recorded for %(reference)s: %(outcome)s.")
                             % {"reference": application.reference,
                                "outcome": decision.get_outcome_display()})
            return redirect("evaluation:decide", application.pk)
    can_see_reviews = request.user.has_perm("calls.view_reviews", application)
    return render(request, "calls/evaluation/decide.html", {
        "application": application, "form": form, "allowed": allowed,
        "summary": selectors.review_summary(application),
        "reviews": selectors.other_reviews(application) if can_see_reviews else [],
        "can_see_reviews": can_see_reviews,
        "can_create_project": application.status == ApplicationStatus.FUNDED
        and not hasattr(application, "project"),
        "project": getattr(application, "project", None),
    }, status=status)


@decider_required
@require_POST
def create_project(request, pk):
    application = _not_conflicted(selectors.decision_page_application(pk), request.user)
    try:
        project = project_services.create_from_application(application, by=request.user)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("The project %(acronym)s is created and is now followed in "
                                    "the programme.") % {"acronym": project.acronym})
    return redirect("evaluation:decide", application.pk)


@pilot_required
def letters(request, stage_pk):
    stage = _stage(stage_pk)
    rows = selectors.stage_letters(stage, request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "calls/evaluation/letters.html", {
        "stage": stage, "page": page,
        "without_letter": selectors.decisions_without_letter(stage),
        # Sending covers the whole stage, letters hidden from a conflicted pilot included.
        "drafts": selectors.draft_count(stage),
    })


@pilot_required
@require_POST
def draft_letters(request, stage_pk):
    stage = _stage(stage_pk)
    drafted = decisions.draft_letters(stage, by=request.user)
    if drafted:
        messages.success(request, ngettext(
            "%(count)d letter drafted in its recipient's language: read it before sending.",
            "%(count)d letters drafted, each in its recipient's language: read them before "
            "sending.", len(drafted)) % {"count": len(drafted)})
    else:
        messages.info(request, _("Every decision of this stage already has its letter."))
    return redirect("evaluation:letters", stage.pk)


@pilot_required
@require_POST
def send_letters(request, stage_pk):
    stage = _stage(stage_pk)
    count = decisions.request_sending(stage, by=request.user)
    if count:
        messages.success(request, ngettext(
            "%(count)d letter is being sent in the background; its status becomes “Sent” "
            "once it is on its way.",
            "%(count)d letters are being sent in the background; each one's status becomes "
            "“Sent” once it is on its way.", count) % {"count": count})
    else:
        messages.info(request, _("There is no draft letter to send."))
    return redirect("evaluation:letters", stage.pk)


@pilot_required
def letter(request, pk):
    letter = selectors.letter_for(pk)
    if letter is None:
        raise Http404
    application = _not_conflicted(letter.decision.application, request.user)
    editable = letter.status == LetterStatus.DRAFT
    form = LetterForm(request.POST if request.method == "POST" and editable else None,
                      initial={"subject": letter.subject, "body": letter.body})
    if request.method == "POST" and not editable:
        messages.error(request, _("This letter was already sent."))
    elif request.method == "POST" and form.is_valid():
        try:
            decisions.edit_letter(letter, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_message(error))
        else:
            messages.success(request, _("The letter is saved."))
            return redirect("evaluation:letters", application.stage_id)
    return render(request, "calls/evaluation/letter.html",
                  {"letter": letter, "application": application, "form": form,
                   "editable": editable})


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
