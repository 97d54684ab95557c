"""Who may run and read committee sessions, and who may act on a ballot now: the role, and the
ballot's table (governance.workflow)."""
import rules

from governance import workflow
from governance.selectors import eligible_voter_ids
from pepr.core.rules import is_board_member, is_pilot


@rules.predicate
def sits_on_the_committee(user, session):
    if session is None or not user.is_authenticated:
        return False
    return session.committee.memberships.filter(user=user).exists()


def ballot_allows(action):
    """A predicate true when the workflow's table lets the item's ballot take `action` now."""
    @rules.predicate(name=f"ballot_allows_{action}")
    def predicate(user, item):
        return item is not None and workflow.allows(action, item)

    return predicate


@rules.predicate
def on_a_funding_motion(user, item):
    return item is not None and item.is_funding_motion


@rules.predicate
def takes_part_in_the_vote(user, item):
    """Marked present at the item's session and not recused from it."""
    return item is not None and user.is_authenticated and user.pk in eligible_voter_ids(item)


runs_sessions = is_pilot | rules.is_superuser

rules.add_perm("governance.manage_sessions", runs_sessions)
rules.add_perm("governance.view_session", runs_sessions | sits_on_the_committee)
# What a session's page offers on an item: the actor's role and the ballot's table. Ask them with
# rules.has_perm, not user.has_perm, which grants a superuser everything whatever the ballot's
# state. The services check the table again and refuse with a message.
rules.add_perm("governance.open_ballot", runs_sessions & ballot_allows("open"))
rules.add_perm("governance.close_ballot", runs_sessions & ballot_allows("close"))
# The Comité Directeur validates funding itself, from its own session's result.
rules.add_perm("governance.record_decision",
               (runs_sessions | (is_board_member & on_a_funding_motion))
               & ballot_allows("record_decision"))
rules.add_perm("governance.vote", ballot_allows("vote") & takes_part_in_the_vote)
