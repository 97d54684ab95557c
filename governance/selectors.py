"""Reads of committee sessions for the pages: the sessions a user may see and one session with its
agenda, attendance, recusals and the user's own votes, in a fixed number of queries. An item
whose file the reader has a conflict of interest with is withheld: its page and its minutes say so
and name no file."""
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.utils import timezone

from calls.applications.models import Application, ApplicationStatus
from calls.decisions.models import Decision
from calls.evaluation.conflicts import conflicted_with
from governance import workflow
from governance.models import (
    AgendaItem,
    Attendance,
    BallotStatus,
    Recusal,
    Session,
    Vote,
    VoteChoice,
)


def sessions_visible_to(user, *, sees_all):
    """Newest first; pilots (`sees_all`) see every session, a member those of their committees."""
    sessions = Session.objects.select_related("committee", "stage__call").order_by("-held_at",
                                                                                    "-id")
    if not sees_all:
        sessions = sessions.filter(committee__memberships__user=user)
    return sessions


def with_item_counts(sessions):
    """`sessions` (one page) as a list, each with `item_count`, counted in one query for the
    page only."""
    sessions = list(sessions)
    counts = dict(AgendaItem.objects.filter(session__in=sessions).order_by().values("session")
                  .annotate(count=Count("id")).values_list("session", "count")) if sessions else {}
    for session in sessions:
        session.item_count = counts.get(session.pk, 0)
    return sessions


def session_header(pk):
    """The session alone, for permission checks and the pilots' actions; None when unknown."""
    return (Session.objects.select_related("committee", "stage__call")
            .filter(pk=pk).first())


def withheld_from(user):
    """An annotation of agenda items (or any row with an `application` key): true when `user`
    has a conflict of interest with the item's file. The SQL twin of the conflict rule, so that
    a whole agenda is sorted out in the query that reads it."""
    return Exists(Application.objects.filter(conflicted_with(user),
                                             pk=OuterRef("application_id")))


def session_page(session, user, *, with_member_votes):
    """The agenda of `session` ready for its page.

    Each item gets `withheld` (the user has a conflict of interest with its file: the page shows
    only that), `recused_ids`, `recusal_list`, `decision`, `motion_label`, `my_vote` (the user's
    own choice or None) and its label, `user_recused`, `user_can_vote`, `voting_ended`, and, only
    when `with_member_votes` (pilots), `closed_votes`: the per-member votes of a closed ballot.
    The votes of an open ballot are never loaded except the user's own one, so no template can
    leak them."""
    attendances = list(Attendance.objects.filter(session=session).select_related("member")
                       .order_by("member__last_name", "member__first_name", "member_id"))
    prefetches = [
        Prefetch("recusals", queryset=Recusal.objects.select_related("member")
                 .order_by("member__last_name", "member_id")),
        Prefetch("decisions", queryset=Decision.objects.order_by("-decided_at")),
    ]
    if with_member_votes:
        prefetches.append(Prefetch(
            "votes", to_attr="closed_votes",
            queryset=Vote.objects.filter(item__ballot_status=BallotStatus.CLOSED)
            .select_related("voter").order_by("voter__last_name", "voter_id")))
    items = list(AgendaItem.objects.filter(session=session)
                 .select_related("application__stage__call")
                 .annotate(withheld=withheld_from(user))
                 .prefetch_related(*prefetches).order_by("position", "id"))
    my_votes = dict(Vote.objects.filter(item__session=session, voter=user)
                    .values_list("item_id", "choice")) if user.is_authenticated else {}

    present_ids = {a.member_id for a in attendances if a.present}
    now = timezone.now()
    for item in items:
        recusals = list(item.recusals.all())
        item.recused_ids = {r.member_id for r in recusals}
        item.recusal_list = recusals
        decisions = list(item.decisions.all())
        item.decision = decisions[0] if decisions else None
        item.my_vote = my_votes.get(item.pk)
        item.my_vote_label = VoteChoice(item.my_vote).label if item.my_vote else ""
        item.motion_label = (ApplicationStatus(item.motion).label
                             if item.motion in ApplicationStatus.values else item.motion)
        item.user_recused = user.pk in item.recused_ids
        item.voting_ended = workflow.voting_time_over(item, now)
        # The rule governance.vote (eligible_voter_ids and the table), on rows already loaded.
        item.user_can_vote = (workflow.allows("vote", item, now=now) and not item.withheld
                              and user.pk in present_ids and not item.user_recused)
        # Nor does a pilot with a conflict on the file see how the members voted on it.
        if not with_member_votes or item.withheld:
            item.closed_votes = []
    return {"attendances": attendances, "items": items, "present_ids": present_ids,
            "member_ids": {a.member_id for a in attendances}}


def agenda_candidates(session, user=None):
    """The stage's submitted applications not yet on this session's agenda, without those
    `user` has a conflict of interest with (the picker names them)."""
    if session.stage_id is None:
        return Application.objects.none()
    candidates = (Application.objects.filter(stage_id=session.stage_id,
                                             status=ApplicationStatus.SUBMITTED)
                  .exclude(agenda_items__session=session).order_by("reference"))
    return candidates.exclude(conflicted_with(user)) if user is not None else candidates


def applications_by_reference(references):
    return {a.reference: a for a in Application.objects.filter(reference__in=references)
            .select_related("stage")}


def eligible_voter_ids(item):
    """Who takes part in the vote on `item`: present at its session and not recused."""
    present = set(item.session.attendances.filter(present=True)
                  .values_list("member_id", flat=True))
    return present - set(item.recusals.values_list("member_id", flat=True))
