"""Who may run and read committee sessions."""
import rules

from pepr.core.rules import is_pilot


@rules.predicate
def sits_on_the_committee(user, session):
    if session is None or not user.is_authenticated:
        return False
    return session.committee.memberships.filter(user=user).exists()


rules.add_perm("governance.manage_sessions", is_pilot | rules.is_superuser)
rules.add_perm("governance.view_session", is_pilot | rules.is_superuser | sits_on_the_committee)
