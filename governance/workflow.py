"""The state machine of the ballot on an agenda item: the table of its moves and the one function
that moves it.

A ballot is not opened yet, then open (present members vote, and may change their vote, until it
closes), then closed with its tally written once; the result of a closed ballot is recorded once
as a decision. Every move goes through `perform`, under the caller's row lock. Pages and
permissions ask `allows` (through governance.rules), never compare a status string; database
triggers refuse any change to a closed ballot (migration 0004) as the last line.
"""
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import BallotStatus

B = BallotStatus

# action: (the states it may start from, the state it leads to)
TRANSITIONS = {
    "open": ({B.PENDING}, B.OPEN),
    "vote": ({B.OPEN}, B.OPEN),
    "close": ({B.OPEN}, B.CLOSED),
    "record_decision": ({B.CLOSED}, B.CLOSED),
}
# The moves that stamp the time the ballot reached their state.
STAMPS = {B.OPEN: "opened_at", B.CLOSED: "closed_at"}


def voting_time_over(item, now=None):
    """An open ballot past its closing time: it takes no more votes and waits to be closed."""
    return item.ballot_status == B.OPEN and bool(
        item.closes_at and (now or timezone.now()) >= item.closes_at)


def allows(action, item, *, now=None):
    """True when the table lets the ballot of `item` take `action` now. Pure: no query, no user.

    A vote also needs the closing time not passed (`now`, the current time by default); a
    decision is recorded once, so `record_decision` reads the item's `decision`."""
    sources, _target = TRANSITIONS[action]
    if item.ballot_status not in sources:
        return False
    if action == "vote":
        return not voting_time_over(item, now)
    if action == "record_decision":
        return item.decision is None
    return True


def _refusal(action, item):
    if action == "open":
        return ValidationError(_("This ballot was already opened."), code="opened")
    if action == "close":
        return ValidationError(_("Only an open ballot can be closed."), code="not_open")
    if action == "vote":
        if item.ballot_status == B.PENDING:
            return ValidationError(_("This ballot is not open yet."), code="not_open")
        return ValidationError(_("This ballot is closed: your vote was not recorded."),
                               code="closed")
    if item.ballot_status != B.CLOSED:
        return ValidationError(_("Close the ballot before recording its decision."), code="open")
    return ValidationError(_("A decision was already recorded from this ballot."),
                           code="decided")


def check(item, action, *, now=None):
    """Raise a ValidationError saying why the ballot of `item` cannot take `action` now."""
    if not allows(action, item, now=now):
        raise _refusal(action, item)


def perform(item, action, *, now=None, **changes):
    """Move the ballot of a locked item by `action`, writing `changes` with it, or raise a
    ValidationError saying why not. A vote and a recorded decision leave the ballot as it is:
    they are only checked here."""
    now = now or timezone.now()
    check(item, action, now=now)
    _sources, target = TRANSITIONS[action]
    if target == item.ballot_status:
        return item
    changes.update({"ballot_status": target, STAMPS[target]: now})
    for name, value in changes.items():
        setattr(item, name, value)
    item.save(update_fields=list(changes))
    return item
