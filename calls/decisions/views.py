"""Pilots' and the Comité Directeur's decision pages: record an outcome, then draft, edit and
send the decision letters. Every write goes through calls.decisions.services; a file the viewer
has a conflict of interest with answers 404."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from calls.applications.models import ApplicationStatus
from calls.decisions import selectors
from calls.decisions import services as decisions
from calls.decisions import workflow as letter_workflow
from calls.decisions.forms import DecisionForm, LetterForm, outcomes_for
from calls.evaluation import selectors as review_selectors
from calls.evaluation.views.access import stage_or_404, unconflicted_or_404
from pepr.core.views_common import error_message, requires_any

pilot_required = requires_any("calls.manage_evaluation")
# The Comité Directeur validates funding on the same page as the pilots' decisions.
decider_required = requires_any("calls.manage_evaluation", "calls.validate_funding")


@decider_required
def decide(request, pk):
    application = unconflicted_or_404(selectors.decision_page_application(pk), request.user)
    # The Comité Directeur opens only the files that reach a funding decision (the rules).
    if not request.user.has_perm("calls.view_application", application):
        raise Http404
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
            return redirect("decisions:decide", application.pk)
    can_see_reviews = request.user.has_perm("calls.view_reviews", application)
    return render(request, "decisions/decide.html", {
        "application": application, "form": form, "allowed": allowed,
        "summary": review_selectors.review_summary(application),
        "reviews": review_selectors.other_reviews(application) if can_see_reviews else [],
        "can_see_reviews": can_see_reviews,
        "can_create_project": application.status == ApplicationStatus.FUNDED
        and not hasattr(application, "project"),
        "project": getattr(application, "project", None),
    }, status=status)


@pilot_required
def letters(request, stage_pk):
    stage = stage_or_404(stage_pk)
    rows = selectors.stage_letters(stage, request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "decisions/letters.html", {
        "stage": stage, "page": page,
        "without_letter": selectors.decisions_without_letter(stage),
        # Sending covers the whole stage, letters hidden from a conflicted pilot included.
        "drafts": selectors.draft_count(stage),
    })


@pilot_required
@require_POST
def draft_letters(request, stage_pk):
    stage = stage_or_404(stage_pk)
    drafted = decisions.draft_letters(stage, by=request.user)
    if drafted:
        messages.success(request, ngettext(
            "%(count)d letter drafted in its recipient's language: read it before sending.",
            "%(count)d letters drafted, each in its recipient's language: read them before "
            "sending.", len(drafted)) % {"count": len(drafted)})
    else:
        messages.info(request, _("Every decision of this stage already has its letter."))
    return redirect("decisions:letters", stage.pk)


@pilot_required
@require_POST
def send_letters(request, stage_pk):
    stage = stage_or_404(stage_pk)
    count = decisions.request_sending(stage, by=request.user)
    if count:
        messages.success(request, ngettext(
            "%(count)d letter is being sent in the background; its status becomes “Sent” "
            "once it is on its way.",
            "%(count)d letters are being sent in the background; each one's status becomes "
            "“Sent” once it is on its way.", count) % {"count": count})
    else:
        messages.info(request, _("There is no draft letter to send."))
    return redirect("decisions:letters", stage.pk)


@pilot_required
def letter(request, pk):
    letter = selectors.letter_for(pk)
    if letter is None:
        raise Http404
    application = unconflicted_or_404(letter.decision.application, request.user)
    editable = letter_workflow.allows("edit", letter)
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
            return redirect("decisions:letters", application.stage_id)
    return render(request, "decisions/letter.html",
                  {"letter": letter, "application": application, "form": form,
                   "editable": editable})
