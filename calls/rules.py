"""Who may do what with calls and applications: predicates checked on every object."""
import rules

from pepr.rules import is_anr_officer, is_pilot, is_programme_staff

from .models import AccessLevel

rules.add_perm("calls.manage_calls", is_pilot | rules.is_superuser)


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


can_edit = is_coordinator | is_co_editor
rules.add_perm("calls.view_application", can_edit | is_invited_viewer | is_programme_staff)
rules.add_perm("calls.change_application", can_edit)
rules.add_perm("calls.submit_application", can_edit)
rules.add_perm("calls.withdraw_application", is_coordinator)
rules.add_perm("calls.invite_to_application", is_coordinator)
rules.add_perm("calls.export_applications", is_programme_staff | is_anr_officer)
