"""Who reads and evaluates an application: programme staff, its reviewers and the committees
that have it on an agenda. A person with a conflict of interest on an application never reaches
it, staff included. Who may change a review now: its reviewer, while the application is under
evaluation and the review workflow's table lets it."""
import rules

from calls.applications.rules import can_edit, is_invited_viewer
from calls.applications.workflow import at_funding_decision, under_evaluation
from calls.evaluation import workflow as review_workflow
from calls.evaluation.conflicts import is_conflicted as conflicted
from calls.evaluation.models import ReviewerRole, ReviewStatus
from pepr.core.rules import is_anr_officer, is_board_member, is_pilot, is_programme_staff


@rules.predicate
def is_conflicted(user, application):
    return application is not None and user.is_authenticated and conflicted(application, user)


@rules.predicate
def is_evaluating_reviewer(user, application):
    """Assigned to the file and signed the call's declaration."""
    if application is None or not user.is_authenticated:
        return False
    return application.assignments.filter(reviewer=user).exists() and \
        application.stage.call.declarations.filter(reviewer=user).exists()


@rules.predicate
def sits_on_its_session(user, application):
    """Member of a committee that has the application on a session's agenda."""
    if application is None or not user.is_authenticated:
        return False
    return application.agenda_items.filter(
        session__committee__memberships__user=user).exists()


@rules.predicate
def submitted_own_review(user, application):
    return application.assignments.filter(
        reviewer=user, review__status=ReviewStatus.SUBMITTED).exists()


@rules.predicate
def others_reviews_open_to_reviewers(user, application):
    return application.stage.reviews_visible_before_own


@rules.predicate
def identity_hidden(user, application):
    """An external expert on a stage that hides the applicants' identity from them."""
    if application is None or not application.stage.hide_identity_from_external:
        return False
    return application.assignments.filter(reviewer=user, role=ReviewerRole.EXTERNAL).exists()


@rules.predicate
def is_its_reviewer(user, assignment):
    return assignment is not None and assignment.reviewer_id == user.id


@rules.predicate
def is_under_evaluation(user, assignment):
    return assignment is not None and under_evaluation(assignment.application)


def review_allowed(action):
    """A predicate true when the review workflow's table lets the assignment's review (not
    started yet: a draft) take `action` now."""
    @rules.predicate(name=f"review_allows_{action}")
    def predicate(user, assignment):
        # A reverse one-to-one without its row raises an AttributeError: not started.
        return assignment is not None and review_workflow.allows(
            action, getattr(assignment, "review", None))

    return predicate


@rules.predicate
def awaits_or_had_funding_decision(user, application):
    """Recommended, funded or not funded: the files the Comité Directeur decides on."""
    return application is not None and at_funding_decision(application)


# The Comité Directeur decides funding: its members read the files that reach that decision.
decides_its_funding = is_board_member & awaits_or_had_funding_decision
evaluates = (is_programme_staff | is_evaluating_reviewer | sits_on_its_session
             | decides_its_funding) & ~is_conflicted

rules.add_perm("calls.view_application", can_edit | is_invited_viewer | evaluates)
# Who may see names, laboratories and file names: not an external expert the stage hides them
# from (they read the file through the review page, which leaves identities out).
rules.add_perm("calls.see_identity", can_edit | is_invited_viewer | is_programme_staff
               | decides_its_funding | sits_on_its_session | ~identity_hidden)
rules.add_perm("calls.manage_evaluation", is_pilot | rules.is_superuser)
rules.add_perm("calls.view_reviews", ~is_conflicted & (
    is_programme_staff | sits_on_its_session | decides_its_funding
    | (is_evaluating_reviewer & (submitted_own_review | others_reviews_open_to_reviewers))))
rules.add_perm("calls.review", rules.is_authenticated)  # object checks live in the services
# Asked with rules.has_perm (a superuser's user.has_perm is always true, whatever the state); the
# services check the same again and say why not.
rules.add_perm("calls.save_review", is_its_reviewer & is_under_evaluation & review_allowed("save"))
# The one way an administrator acts for an applicant team (reopen, withdraw): explicit, with a
# reason on the audit trail (calls.applications.services.act_on_behalf), never on a file they
# have a conflict of interest with.
rules.add_perm("calls.act_on_behalf", rules.is_superuser & ~is_conflicted)
rules.add_perm("calls.read_audit", is_pilot | is_anr_officer | rules.is_superuser)
