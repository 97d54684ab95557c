"""The state machine of an application: the table of its moves, the groups of states the rest of
the portal reads, and the one function that moves it.

Every status change (submit, reopen, withdraw, selection, recommendation, funding) goes through
`perform`, under the caller's row lock: it checks the table, saves with update_fields and writes
the timeline row, which is also the audit trail of the application's states. Pages and
permissions ask `allows` (through calls.applications.rules), never compare a status string.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from calls.applications.models import ApplicationStatus, StatusChange

S = ApplicationStatus

# action: (the states it may start from, the state it leads to)
TRANSITIONS = {
    # Not a move, but asked like one: only a draft is edited (saved, documents uploaded).
    "save": ({S.DRAFT}, S.DRAFT),
    "submit": ({S.DRAFT}, S.SUBMITTED),
    "reopen": ({S.SUBMITTED}, S.DRAFT),
    "withdraw": ({S.DRAFT, S.SUBMITTED}, S.WITHDRAWN),
    "select": ({S.SUBMITTED}, S.SELECTED),
    "not_select": ({S.SUBMITTED}, S.NOT_SELECTED),
    "recommend": ({S.SUBMITTED}, S.RECOMMENDED),
    "not_recommend": ({S.SUBMITTED}, S.NOT_RECOMMENDED),
    "fund": ({S.RECOMMENDED}, S.FUNDED),
    "not_fund": ({S.RECOMMENDED}, S.NOT_FUNDED),
}

# Outcomes a committee decides, by the kind of stage the application belongs to; the motion
# (the favourable outcome) comes first.
STAGE_OUTCOMES = {
    "loi": (S.SELECTED, S.NOT_SELECTED),
    "full": (S.RECOMMENDED, S.NOT_RECOMMENDED),
}
FINAL_OUTCOMES = (S.FUNDED, S.NOT_FUNDED)
# The favourable outcome's opposite, for a rejected motion.
OPPOSITE = {S.SELECTED: S.NOT_SELECTED, S.RECOMMENDED: S.NOT_RECOMMENDED, S.FUNDED: S.NOT_FUNDED}
# Outcomes in the order they can follow one another, to find the latest one announced.
DECISION_ORDER = (S.SELECTED, S.NOT_SELECTED, S.RECOMMENDED, S.NOT_RECOMMENDED, S.FUNDED,
                  S.NOT_FUNDED)
DECIDED = frozenset(DECISION_ORDER)
# The action that records each outcome a committee or the Comité Directeur decides.
OUTCOME_ACTIONS = {target: action for action, (_sources, target) in TRANSITIONS.items()
                   if target in DECIDED}

# Groups of states read by lists, dashboards, reports and exports, defined once here.
NOT_IN_COMPETITION = (S.DRAFT, S.WITHDRAWN)
# Sent to the programme and not withdrawn, whatever was decided since: what evaluation follows.
IN_COMPETITION = tuple(s for s in S.values if s not in NOT_IN_COMPETITION)
SUCCESSES = (S.SELECTED, S.RECOMMENDED, S.FUNDED)
RETAINED = (S.RECOMMENDED, S.FUNDED)
# Sent and not decided yet: reviewers may still review it.
UNDER_EVALUATION = frozenset({S.SUBMITTED})


def allows(action, application):
    """True when the table lets `application` take `action` now. Pure: no query, no user."""
    sources, _target = TRANSITIONS[action]
    return application.status in sources


def under_evaluation(application):
    return application.status in UNDER_EVALUATION


# Recommended by the committees, and what the Comité Directeur made of it.
AT_FUNDING_DECISION = frozenset({S.RECOMMENDED, *FINAL_OUTCOMES})


def at_funding_decision(application):
    return application.status in AT_FUNDING_DECISION


def outcomes_open_to(application):
    """The outcomes a decision may record on `application` now: those of its stage's kind (or
    the final ones), that the table lets it take from its status."""
    candidates = (*STAGE_OUTCOMES[application.stage.kind], *FINAL_OUTCOMES)
    return [outcome for outcome in candidates if allows(OUTCOME_ACTIONS[outcome], application)]


def motion_fits(application, motion):
    """A committee votes on the favourable outcome (the motion) the application may take now."""
    return motion in SUCCESSES and motion in outcomes_open_to(application)


def perform(application, action, *, by, version=None):
    """Move a locked application by `action`, or raise a ValidationError saying why not.

    The message names the status the applicant side sees (`status_for_applicant`), so that a
    refusal never reveals a decision not yet announced."""
    sources, target = TRANSITIONS[action]
    if application.status not in sources:
        raise ValidationError(
            _("This application cannot go from “%(from)s” to “%(to)s”.")
            % {"from": status_for_applicant(application).label, "to": S(target).label},
            code="bad_transition",
        )
    StatusChange.objects.create(application=application, from_status=application.status,
                                to_status=target, actor=by, version=version)
    application.status = target
    application.save(update_fields=["status", "updated_at"])


def status_for_applicant(application):
    """What the applicant side is shown: a decision only once its letter was sent; until then a
    decided application still reads "submitted"."""
    if application.status in DECIDED:
        announced = application.announced_status
        return S(announced) if announced else S.SUBMITTED
    return S(application.status)


def announce(application, outcome):
    """Record on a locked application that the letter of `outcome` was sent: from now on the
    applicant side reads it. A later outcome is never replaced by an earlier one."""
    current = application.announced_status
    if current and DECISION_ORDER.index(S(current)) >= DECISION_ORDER.index(S(outcome)):
        return
    application.announced_status = outcome
    application.save(update_fields=["announced_status"])
