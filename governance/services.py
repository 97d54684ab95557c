"""Every write of committee sessions: attendance, agenda, ballots, votes and tallies.

A ballot is opened, members vote (one vote each, changeable until closing), and closing writes the
tally once; governance.workflow's table says which of these the ballot may take now, and moves
it. Every vote takes the item's row lock, so no vote lands after the close; database triggers
refuse any change to a closed ballot (migration 0004).
"""
import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calls.applications.workflow import OPPOSITE, SUCCESSES, motion_fits
from calls.decisions.services import decide
from calls.evaluation.conflicts import is_conflicted
from governance import workflow
from governance.models import (
    AgendaItem,
    Attendance,
    BallotResult,
    Committee,
    Recusal,
    Session,
    Vote,
    VoteChoice,
)
from governance.selectors import eligible_voter_ids
from pepr.core import audit, reference_data


@transaction.atomic
def create_session(*, committee, title, held_at, by, stage=None, quorum_percent=50):
    session = Session.objects.create(committee=committee, title=title, held_at=held_at,
                                     stage=stage, quorum_percent=quorum_percent, created_by=by)
    Attendance.objects.bulk_create(
        Attendance(session=session, member_id=member_id)
        for member_id in committee.memberships.values_list("user_id", flat=True)
    )
    audit.record(by, "session.created", session, gettext_noop("created the session %(session)s"),
                 {"session": audit.localized(lambda: str(session))})
    return session


@transaction.atomic
def set_attendance(session, *, present_ids, by):
    present_ids = set(present_ids)
    for attendance in session.attendances.select_for_update():
        present = attendance.member_id in present_ids
        if attendance.present != present:
            attendance.present = present
            attendance.save(update_fields=["present"])
    audit.record(by, "session.attendance", session,
                 gettext_noop("recorded the attendance of %(session)s"),
                 {"session": audit.localized(lambda: str(session))}, present=sorted(present_ids))


@transaction.atomic
def add_to_agenda(session, applications, *, motion, by):
    if motion not in SUCCESSES:
        raise ValidationError(_("Unknown motion."), code="motion")
    unfit = [a.reference for a in applications if not motion_fits(a, motion)]
    if unfit:
        raise ValidationError(_("This motion does not fit the stage or status of: %(refs)s.")
                              % {"refs": ", ".join(unfit)}, code="motion")
    start = session.items.count()
    items = []
    for offset, application in enumerate(applications):
        item, created = AgendaItem.objects.get_or_create(
            session=session, application=application,
            defaults={"position": start + offset, "motion": motion})
        if created:
            items.append(item)
            audit.record(by, "agenda.added", item,
                         gettext_noop("put %(ref)s on the agenda of %(session)s"),
                         {"ref": application.reference,
                          "session": audit.localized(lambda: str(session))},
                         application_id=application.pk, motion=motion)
    return items


def _locked(item):
    return AgendaItem.objects.select_for_update().select_related(
        "session__committee", "application").get(pk=item.pk)


@transaction.atomic
def open_ballot(item, *, by, closes_at=None):
    """Open the vote; present members with a conflict of interest are recused now."""
    item = _locked(item)
    workflow.check(item, "open")
    if closes_at and closes_at <= timezone.now():
        raise ValidationError(_("The closing time must be in the future."), code="past")
    _recuse_conflicted(item)
    workflow.perform(item, "open", closes_at=closes_at)
    audit.record(by, "ballot.opened", item, gettext_noop("opened the ballot on %(ref)s"),
                 {"ref": item.application.reference}, application_id=item.application_id)
    return item


def _recuse_conflicted(item):
    """Recuse every present member with a conflict, also one marked present after opening."""
    recused = set(item.recusals.values_list("member_id", flat=True))
    for attendance in item.session.attendances.filter(present=True).select_related("member"):
        if attendance.member_id not in recused and is_conflicted(item.application,
                                                                 attendance.member):
            Recusal.objects.get_or_create(item=item, member=attendance.member,
                                          # Stored untranslated; pages translate it.
                                          defaults={"reason": gettext_noop("conflict of interest")})


@transaction.atomic
def cast_vote(item, *, voter, choice):
    item = _locked(item)
    workflow.perform(item, "vote")
    # Only the voter is checked here, to keep the lock short; every present member is checked
    # at opening and again at closing.
    if is_conflicted(item.application, voter):
        Recusal.objects.get_or_create(item=item, member=voter,
                                      defaults={"reason": gettext_noop("conflict of interest")})
    if choice not in VoteChoice.values:
        raise ValidationError(_("Unknown vote."), code="choice")
    if voter.pk not in eligible_voter_ids(item):
        raise PermissionDenied(_("You do not take part in this vote (absent or recused)."))
    vote = Vote.objects.filter(item=item, voter=voter).first()
    if vote is not None and vote.choice == choice:
        return vote  # the same vote again changes nothing, and the trail says nothing new
    if vote is None:
        vote = Vote.objects.create(item=item, voter=voter, choice=choice)
        action, message = "vote.cast", gettext_noop("voted on %(ref)s")
    else:
        vote.choice = choice
        vote.save(update_fields=["choice", "cast_at"])
        action, message = "vote.changed", gettext_noop("changed their vote on %(ref)s")
    # The choice stays secret until closing: the audit row says only that the member voted.
    audit.record(voter, action, item, message, {"ref": item.application.reference},
                 application_id=item.application_id)
    return vote


def tally(item, eligible_count, votes):
    counts = {choice: sum(1 for v in votes if v == choice) for choice in VoteChoice.values}
    cast = len(votes)
    needed = math.ceil(item.session.quorum_percent * eligible_count / 100)
    if eligible_count == 0 or cast < max(needed, 1):
        result = BallotResult.NO_QUORUM
    elif counts[VoteChoice.FOR] > counts[VoteChoice.AGAINST]:
        result = BallotResult.ADOPTED
    else:
        result = BallotResult.REJECTED
    return counts, result


@transaction.atomic
def close_ballot(item, *, by):
    """Write the tally once; later votes find the row closed under the same lock."""
    item = _locked(item)
    workflow.check(item, "close")
    _recuse_conflicted(item)
    eligible = eligible_voter_ids(item)
    votes = list(item.votes.filter(voter_id__in=eligible).values_list("choice", flat=True))
    counts, result = tally(item, len(eligible), votes)
    workflow.perform(item, "close", eligible=len(eligible), votes_for=counts[VoteChoice.FOR],
                     votes_against=counts[VoteChoice.AGAINST],
                     abstentions=counts[VoteChoice.ABSTAIN], result=result)
    audit.record(by, "ballot.closed", item,
                 gettext_noop("closed the ballot on %(ref)s: %(for)d for, %(against)d against, "
                              "%(abstain)d abstentions, %(result)s"),
                 {"ref": item.application.reference, "for": item.votes_for,
                  "against": item.votes_against, "abstain": item.abstentions,
                  "result": audit.choice(BallotResult, item.result)},
                 application_id=item.application_id, eligible=item.eligible)
    return item


def close_due_ballots():
    """Close the ballots whose closing time has passed (run by Celery beat)."""
    closed = 0
    closable, _target = workflow.TRANSITIONS["close"]
    for item in AgendaItem.objects.filter(ballot_status__in=closable,
                                          closes_at__lte=timezone.now()):
        try:
            close_ballot(item, by=None)
            closed += 1
        except ValidationError:
            continue  # closed meanwhile by a pilot
    return closed


@transaction.atomic
def decide_from_ballot(item, *, by):
    """The closed ballot's result becomes the decision, once: the motion if adopted, its
    opposite if rejected; without quorum nothing is decided. The item's lock makes a second
    pilot wait, then find the decision recorded."""
    item = _locked(item)
    workflow.perform(item, "record_decision")
    if item.result == BallotResult.NO_QUORUM:
        raise ValidationError(_("The quorum was not reached: vote again in another session."),
                              code="no_quorum")
    outcome = item.motion if item.result == BallotResult.ADOPTED else OPPOSITE[item.motion]
    return decide(item.application, outcome, by=by, agenda_item=item,
                  rationale=_("Vote of %(session)s: %(for)d for, %(against)d against, "
                              "%(abstain)d abstentions.")
                  % {"session": item.session, "for": item.votes_for,
                     "against": item.votes_against, "abstain": item.abstentions})


@transaction.atomic
def load_committees(programme):
    """Create or update the four committees."""
    for committee in reference_data.COMMITTEES:
        Committee.objects.update_or_create(
            programme=programme, code=committee["code"], defaults=committee
        )
