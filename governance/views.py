"""Pages of committee sessions: the list, a new session, one session with its attendance, agenda,
ballots and votes. Every write goes through governance.services or calls.decisions; what a
page offers on a ballot is asked of governance.rules, which read governance.workflow's table."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from rules import has_perm as rule_allows

from calls.evaluation.conflicts import is_conflicted
from governance import selectors
from governance import services as voting
from governance.forms import AgendaForm, AttendanceForm, OpenBallotForm, SessionForm, VoteForm
from governance.models import AgendaItem, VoteChoice
from pepr.core.selectors import committee_codes_of
from pepr.core.views_common import error_message, requires_any

MANAGE = "governance.manage_sessions"
pilot_required = requires_any(MANAGE)


def _session_for(request, pk):
    """404 for a session of a committee the user does not sit on (pilots see every session)."""
    session = selectors.session_header(pk)
    if session is None or not request.user.has_perm("governance.view_session", session):
        raise Http404
    return session


def _managed_session(pk):
    session = selectors.session_header(pk)
    if session is None:
        raise Http404
    return session


def _item_for(session_pk, item_pk):
    return get_object_or_404(AgendaItem.objects.select_related("session", "application"),
                             pk=item_pk, session_id=session_pk)


def _unconflicted_item(request, session_pk, item_pk):
    """A pilot (or a Comité Directeur member) with a conflict of interest on the file does not
    run its ballot nor record its decision: the page withholds the item from them."""
    item = _item_for(session_pk, item_pk)
    if is_conflicted(item.application, request.user):
        raise Http404
    return item


def _back_to(session_pk, anchor=""):
    url = reverse("governance:session", args=[session_pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
def session_list(request):
    user = request.user
    sees_all = user.has_perm(MANAGE)
    if not sees_all and not committee_codes_of(user):
        raise PermissionDenied
    sessions = selectors.sessions_visible_to(user, sees_all=sees_all)
    page = Paginator(sessions, 25).get_page(request.GET.get("page"))
    page.object_list = selectors.with_item_counts(page.object_list)
    return render(request, "governance/session_list.html",
                  {"page": page, "can_manage": sees_all})


@pilot_required
def session_create(request):
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = voting.create_session(
                committee=data["committee"], title=data["title"], held_at=data["held_at"],
                stage=data["stage"], quorum_percent=data["quorum_percent"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The session is created with the committee's members. "
                                        "Record who is present, then build the agenda."))
            return redirect("governance:session", session.pk)
    return render(request, "governance/session_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _offer_actions(user, items):
    """What the page offers on each item: the rules of governance.rules, role and ballot's table
    together. The rules themselves, not user.has_perm, which grants a superuser everything
    whatever the state of the ballot. Nothing on an item withheld for a conflict of interest."""
    for item in items:
        item.can_open = not item.withheld and rule_allows("governance.open_ballot", user, item)
        item.can_close = not item.withheld and rule_allows("governance.close_ballot", user, item)
        item.can_record_decision = not item.withheld and rule_allows(
            "governance.record_decision", user, item)


def _render_session(request, session, *, attendance_form=None, agenda_form=None, status=200):
    manage = request.user.has_perm(MANAGE)
    page = selectors.session_page(session, request.user, with_member_votes=manage)
    _offer_actions(request.user, page["items"])
    context = {"session": session, "manage": manage, **page,
               "vote_choices": VoteChoice.choices}
    if manage:
        context["attendance_form"] = attendance_form or AttendanceForm(
            attendances=page["attendances"])
        context["agenda_form"] = agenda_form or AgendaForm(session=session, user=request.user)
    return render(request, "governance/session_detail.html", context, status=status)


@login_required
def session_detail(request, pk):
    return _render_session(request, _session_for(request, pk))


@pilot_required
@require_POST
def attendance(request, pk):
    session = _managed_session(pk)
    attendances = session.attendances.select_related("member")
    form = AttendanceForm(request.POST, attendances=attendances)
    if not form.is_valid():
        return _render_session(request, session, attendance_form=form, status=400)
    voting.set_attendance(session, present_ids=form.cleaned_data["present"], by=request.user)
    messages.success(request, _("The attendance is saved."))
    return _back_to(session.pk, "attendance")


@pilot_required
@require_POST
def agenda_add(request, pk):
    session = _managed_session(pk)
    form = AgendaForm(request.POST, session=session, user=request.user)
    if form.is_valid():
        try:
            added = voting.add_to_agenda(session, form.cleaned_data["chosen"],
                                         motion=form.cleaned_data["motion"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            skipped = len(form.cleaned_data["chosen"]) - len(added)
            messages.success(request, ngettext(
                "%(count)d application added to the agenda.",
                "%(count)d applications added to the agenda.", len(added)) % {"count": len(added)})
            if skipped:
                messages.info(request, ngettext(
                    "%(count)d application was already on the agenda.",
                    "%(count)d applications were already on the agenda.", skipped)
                    % {"count": skipped})
            return _back_to(session.pk, "agenda")
    return _render_session(request, session, agenda_form=form, status=400)


@pilot_required
@require_POST
def open_ballot(request, pk, item_pk):
    item = _unconflicted_item(request, pk, item_pk)
    form = OpenBallotForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return _back_to(pk, f"item-{item.pk}")
    try:
        voting.open_ballot(item, by=request.user, closes_at=form.cleaned_data["closes_at"])
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("The ballot on %(ref)s is open.")
                         % {"ref": item.application.reference})
    return _back_to(pk, f"item-{item.pk}")


@pilot_required
@require_POST
def close_ballot(request, pk, item_pk):
    item = _unconflicted_item(request, pk, item_pk)
    try:
        item = voting.close_ballot(item, by=request.user)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("The ballot on %(ref)s is closed: %(result)s.")
                         % {"ref": item.application.reference,
                            "result": item.get_result_display()})
    return _back_to(pk, f"item-{item.pk}")


@login_required
@require_POST
def record_decision(request, pk, item_pk):
    # Pilots record stage outcomes; the Comité Directeur records funding (calls.decisions checks
    # who may decide what).
    if not (request.user.has_perm(MANAGE) or request.user.has_perm("calls.validate_funding")):
        raise PermissionDenied
    item = _unconflicted_item(request, pk, item_pk)
    try:
        decision = voting.decide_from_ballot(item, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("Decision recorded for %(ref)s: %(outcome)s.")
                         % {"ref": item.application.reference,
                            "outcome": decision.get_outcome_display()})
    return _back_to(pk, f"item-{item.pk}")


@login_required
@require_POST
def vote(request, pk, item_pk):
    session = _session_for(request, pk)
    item = _item_for(session.pk, item_pk)
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose For, Against or Abstain."))
        return _back_to(pk, f"item-{item.pk}")
    if is_conflicted(item.application, request.user):
        # voting.cast_vote only knows the recusals made at opening: a conflicted member marked
        # present afterwards would otherwise vote.
        messages.error(request, _("You have a conflict of interest on this application: your "
                                  "vote was not recorded."))
        return _back_to(pk, f"item-{item.pk}")
    try:
        voting.cast_vote(item, voter=request.user, choice=form.cleaned_data["choice"])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("Your vote on %(ref)s is recorded. You may change it until "
                                    "the ballot closes.") % {"ref": item.application.reference})
    return _back_to(pk, f"item-{item.pk}")
