"""The one state machine of an application and the one function that moves it.

Every status change (submit, reopen, withdraw, selection, recommendation, funding) goes through
`change_status`, under the caller's row lock: it checks the transition, saves with update_fields
and writes the timeline row, which is also the audit trail of the application's states.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import ApplicationStatus, StatusChange

S = ApplicationStatus
TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.DRAFT, S.WITHDRAWN, S.SELECTED, S.NOT_SELECTED, S.RECOMMENDED,
                  S.NOT_RECOMMENDED},
    S.RECOMMENDED: {S.FUNDED, S.NOT_FUNDED},
    S.WITHDRAWN: set(),
    S.SELECTED: set(),
    S.NOT_SELECTED: set(),
    S.NOT_RECOMMENDED: set(),
    S.FUNDED: set(),
    S.NOT_FUNDED: set(),
}
# Outcomes a committee decides, by the kind of stage the application belongs to.
STAGE_OUTCOMES = {
    "loi": (S.SELECTED, S.NOT_SELECTED),
    "full": (S.RECOMMENDED, S.NOT_RECOMMENDED),
}
FINAL_OUTCOMES = (S.FUNDED, S.NOT_FUNDED)
# Outcomes in the order they can follow one another, to find the latest one announced.
DECISION_ORDER = [S.SELECTED, S.NOT_SELECTED, S.RECOMMENDED, S.NOT_RECOMMENDED, S.FUNDED,
                  S.NOT_FUNDED]
DECIDED = {S.SELECTED, S.NOT_SELECTED, S.RECOMMENDED, S.NOT_RECOMMENDED, S.FUNDED, S.NOT_FUNDED}


def change_status(application, to_status, *, by, version=None):
    """Move a locked application to `to_status`, or raise a ValidationError saying why not."""
    if to_status not in TRANSITIONS[application.status]:
        raise ValidationError(
            _("This application cannot go from “%(from)s” to “%(to)s”.")
            % {"from": application.get_status_display(), "to": S(to_status).label},
            code="bad_transition",
        )
    StatusChange.objects.create(application=application, from_status=application.status,
                                to_status=to_status, actor=by, version=version)
    application.status = to_status
    application.save(update_fields=["status", "updated_at"])


def status_for_applicant(status, announced_outcome):
    """What the applicant side is shown: a decision only once its letter was sent; until then a
    decided application still reads "submitted"."""
    if status in DECIDED:
        return S(announced_outcome) if announced_outcome else S.SUBMITTED
    return S(status)
