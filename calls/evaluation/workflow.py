"""The state machine of a review: a draft its reviewer saves as often as needed, then submitted
once, after which it never changes.

Every change of a review goes through `perform`, under the caller's row lock. Pages and
permissions ask `allows` (through calls.evaluation.rules), never compare a status string.
"""
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.evaluation.models import ReviewStatus

R = ReviewStatus

# action: (the states it may start from, the state it leads to)
TRANSITIONS = {
    "save": ({R.DRAFT}, R.DRAFT),
    "submit": ({R.DRAFT}, R.SUBMITTED),
}


def status_of(review):
    """A file its reviewer has not started yet has no review row: it reads as a draft."""
    return R.DRAFT if review is None else review.status


def allows(action, review):
    """True when the table lets `review` (None: not started) take `action` now. Pure: no query,
    no user."""
    sources, _target = TRANSITIONS[action]
    return status_of(review) in sources


def check(review, action):
    """Raise a ValidationError saying why `review` cannot take `action` now."""
    if not allows(action, review):
        raise ValidationError(_("This review is submitted and can no longer change."),
                              code="submitted")


def perform(review, action, **changes):
    """Write `changes` to a locked review and move it by `action`, or raise a ValidationError
    saying why not. Submitting stamps the time."""
    check(review, action)
    _sources, target = TRANSITIONS[action]
    if target != review.status:
        changes["status"] = target
        if target == R.SUBMITTED:
            changes["submitted_at"] = timezone.now()
    for name, value in changes.items():
        setattr(review, name, value)
    review.save(update_fields=[*changes, "updated_at"])
    return review
