"""Who may change an application and who reads it as an applicant: its coordinator, co-editors
and invited partners. Evaluators' access is added by calls.evaluation.rules."""
import rules

from calls.applications import workflow
from calls.applications.models import AccessLevel
from pepr.core.rules import is_anr_officer, is_programme_staff


@rules.predicate
def is_coordinator(user, application):
    return application is not None and application.coordinator_id == user.id


def _invited(user, application, levels):
    if application is None or not user.is_authenticated:
        return False
    return application.invitations.filter(
        user=user, accepted_at__isnull=False, access__in=levels
    ).exists()


@rules.predicate
def is_co_editor(user, application):
    return _invited(user, application, [AccessLevel.EDIT])


@rules.predicate
def is_invited_viewer(user, application):
    return _invited(user, application, [AccessLevel.VIEW, AccessLevel.EDIT])


def allowed(action):
    """A predicate true when the workflow's table lets the application take `action` now."""
    @rules.predicate(name=f"allows_{action}")
    def predicate(user, application):
        return application is not None and workflow.allows(action, application)

    return predicate


can_edit = is_coordinator | is_co_editor
# Applicants' side: the application as its team sees it (partners invited included).
is_applicant_side = can_edit | is_invited_viewer

# Who may ask for an action; whether the application may take it now is the workflow's table
# (`allowed`), asked by the pages that offer the action. The service checks the table again
# and refuses with a message that names only the status the team may read.
rules.add_perm("calls.change_application", can_edit)
rules.add_perm("calls.edit_draft", can_edit & allowed("save"))
rules.add_perm("calls.submit_application", can_edit)
rules.add_perm("calls.reopen_application", can_edit)
rules.add_perm("calls.withdraw_application", is_coordinator)
rules.add_perm("calls.invite_to_application", is_coordinator)
# What the application's page offers now: who may act, and the table lets it (pages add the
# stage's opening hours, which change by the minute).
rules.add_perm("calls.offer_submit", can_edit & allowed("submit"))
rules.add_perm("calls.offer_reopen", can_edit & allowed("reopen"))
rules.add_perm("calls.offer_withdraw", is_coordinator & allowed("withdraw"))
rules.add_perm("calls.export_applications", is_programme_staff | is_anr_officer)
