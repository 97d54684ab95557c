"""The state machine of a project report: the table of its moves and the one function that
moves it.

A report is a draft the coordinator (or a co-editor) writes, then submitted; the Comité de
Pilotage accepts it or sends it back with comments, and a report sent back is edited and
submitted again. Every move goes through `perform`, under the caller's row lock; pages and
permissions ask `allows` (through projects.reports.rules), never compare a status string.
"""
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.reports.models import ProjectReportStatus

S = ProjectReportStatus

# action: (the states it may start from, the state it leads to)
TRANSITIONS = {
    # Not a move, but asked like one: only a draft or a report sent back is edited.
    "save": ({S.DRAFT, S.RETURNED}, None),
    "submit": ({S.DRAFT, S.RETURNED}, S.SUBMITTED),
    "send_back": ({S.SUBMITTED}, S.RETURNED),
    "accept": ({S.SUBMITTED}, S.ACCEPTED),
}

# Groups of states read by lists, dashboards and reminders, defined once here.
OWED_REPORT_STATUSES = (S.DRAFT, S.RETURNED)  # the coordinator still owes it
AWAITING_REVIEW = (S.SUBMITTED,)
# Sent at least once: the Comité de Pilotage and ANR read it.
PUBLISHED_TO_PROGRAMME = (S.SUBMITTED, S.RETURNED, S.ACCEPTED)


def allows(action, report):
    """True when the table lets `report` take `action` now. Pure: no query, no user."""
    sources, _target = TRANSITIONS[action]
    return report.status in sources


def is_owed(report):
    return report.status in OWED_REPORT_STATUSES


def is_late(report, now=None):
    return is_owed(report) and report.due_at < (now or timezone.now())


def refusal(action):
    if action in ("save", "submit"):
        return ValidationError(_("This report was submitted: it can no longer be changed."),
                               code="not_editable")
    return ValidationError(_("Only a submitted report can be reviewed."), code="not_submitted")


def perform(report, action, *, by):
    """Move `report` by `action`; the caller holds its row lock and saves what else changed."""
    if not allows(action, report):
        raise refusal(action)
    target = TRANSITIONS[action][1]
    now = timezone.now()
    report.status = target
    fields = ["status", "updated_at"]
    if action == "submit":
        report.version += 1
        report.submitted_at, report.submitted_by = now, by
        fields += ["version", "submitted_at", "submitted_by"]
    else:
        report.reviewed_at, report.reviewed_by = now, by
        fields += ["reviewed_at", "reviewed_by"]
    report.save(update_fields=fields)
    return report
