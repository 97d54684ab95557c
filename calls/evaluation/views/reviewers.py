"""Reviewers' pages: my reviews, the confidentiality declaration, the review of a file and the
declaration of a conflict of interest. Every write goes through calls.evaluation.

A reviewer reaches only their own assignments; anyone else, and the reviewer once conflicted,
gets 404 so that nobody learns which files exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from rules import has_perm as rule_allows

from calls.applications import selectors as call_selectors
from calls.evaluation import selectors
from calls.evaluation import services as evaluation
from calls.evaluation.conflicts import is_conflicted
from calls.evaluation.forms import ConflictForm, ReviewForm
from calls.evaluation.models import ReviewerRole
from pepr.core.views_common import error_message


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  request.is_secure()):
        return target
    return default


@login_required
def my_reviews(request):
    page = Paginator(selectors.assignments_of(request.user), 25).get_page(
        request.GET.get("page"))
    return render(request, "calls/evaluation/my_reviews.html", {
        "page": page, "calls": selectors.calls_to_declare(request.user)})


@login_required
def declaration(request, call_pk):
    """The declaration a reviewer signs once per call, before opening any of its files."""
    call = get_object_or_404(selectors.calls_to_declare(request.user), pk=call_pk)
    if request.method == "POST":
        evaluation.sign_declaration(call, reviewer=request.user)
        messages.success(request, _("Your declaration is signed and recorded. You can now open "
                                    "the files assigned to you in this call."))
        return redirect(safe_next(request, reverse("evaluation:my_reviews")))
    return render(request, "calls/evaluation/declaration.html", {
        "call": call, "next": safe_next(request, ""),
        "continue_url": safe_next(request, reverse("evaluation:my_reviews"))})


def _reviewable(request, assignment_pk):
    """The user's own assignment and its application, or 404; None when the declaration is
    still to sign."""
    assignment = selectors.own_assignment(assignment_pk, request.user)
    if assignment is None:
        raise Http404
    application = call_selectors.application_detail(assignment.application_id)
    if is_conflicted(application, request.user):
        raise Http404
    if not evaluation.has_signed(application.stage.call, request.user):
        return assignment, None
    if not request.user.has_perm("calls.view_application", application):
        raise Http404
    return assignment, application


@login_required
def review(request, assignment_pk):
    assignment, application = _reviewable(request, assignment_pk)
    if application is None:
        messages.info(request, _("Sign the confidentiality and no-conflict declaration of this "
                                 "call before opening its files."))
        url = reverse("evaluation:declaration", args=[assignment.application.stage.call_id])
        return redirect(f"{url}?{urlencode({'next': request.path})}")
    stage = application.stage
    current = selectors.review_with_scores(assignment)
    submitted = current is not None and current.is_submitted
    editable = rule_allows("calls.save_review", request.user, assignment)
    criteria = list(stage.criteria.all())
    data = request.POST if request.method == "POST" and editable else None
    form = ReviewForm(data, criteria=criteria, scale=stage.review_scale, review=current)
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This review can no longer change."))
            return redirect("evaluation:review", assignment.pk)
        if not form.is_valid():
            messages.error(request, _("Nothing was saved: please correct the errors below."))
        elif _save(request, assignment, form):
            return redirect("evaluation:review", assignment.pk)
    can_see_reviews = request.user.has_perm("calls.view_reviews", application)
    return render(request, "calls/evaluation/review.html", {
        "assignment": assignment, "application": application, "stage": stage, "form": form,
        "review": current, "submitted": submitted, "editable": editable, "criteria": criteria,
        "hide_identity": stage.hide_identity_from_external
        and assignment.role == ReviewerRole.EXTERNAL,
        "can_see_reviews": can_see_reviews,
        "other_reviews": (selectors.other_reviews(application, besides=assignment)
                          if can_see_reviews else []),
    })


def _save(request, assignment, form):
    """Save the draft, then submit it if asked; True when done. A refused submission keeps the
    saved draft and the page shows what is missing, with everything typed."""
    try:
        evaluation.save_review(assignment, by=request.user, **form.service_values())
    except ValidationError as error:
        messages.error(request, _("Nothing was saved: %(reason)s")
                       % {"reason": error_message(error)})
        return False
    if "submit" not in request.POST:
        messages.success(request, _("Your draft review is saved. Submit it when it is "
                                    "complete."))
        return True
    try:
        evaluation.submit_review(assignment, by=request.user)
    except ValidationError as error:
        messages.error(request, _("Your draft is saved but not submitted. %(reason)s")
                       % {"reason": error_message(error)})
        return False
    messages.success(request, _("Your review is submitted. Thank you."))
    return True


@login_required
def declare_conflict(request, assignment_pk):
    assignment = selectors.own_assignment(assignment_pk, request.user)
    if assignment is None:
        raise Http404
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        evaluation.declare_conflict(assignment.application, person=request.user,
                                    reason=form.cleaned_data["reason"])
        messages.success(request, _("Your conflict of interest with %(reference)s is recorded. "
                                    "The file is no longer assigned to you and the pilots will "
                                    "ask another reviewer.")
                         % {"reference": assignment.application.reference})
        return redirect("evaluation:my_reviews")
    return render(request, "calls/evaluation/conflict.html",
                  {"assignment": assignment, "application": assignment.application,
                   "form": form})

