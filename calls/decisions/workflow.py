"""The state machine of a decision letter: drafted, edited by a pilot while a draft, sent once."""
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.decisions.models import LetterStatus

L = LetterStatus
# action: (the states it may start from, the state it leads to)
TRANSITIONS = {
    "edit": ({L.DRAFT}, L.DRAFT),
    "send": ({L.DRAFT}, L.SENT),
}


def allows(action, letter):
    """True when the table lets `letter` take `action` now. Pure: no query, no user."""
    sources, _target = TRANSITIONS[action]
    return letter.status in sources


def perform(letter, action):
    """Move a locked letter by `action`, or raise a ValidationError saying why not."""
    if not allows(action, letter):
        raise ValidationError(_("This letter was already sent."), code="sent")
    _sources, target = TRANSITIONS[action]
    fields = ["status"]
    if target == L.SENT and letter.status != L.SENT:
        letter.sent_at = timezone.now()
        fields.append("sent_at")
    letter.status = target
    return fields
