"""The review's transition table (calls.evaluation.workflow) as reviewers and pilots meet it: a
draft is saved as often as needed, submitted once, and then nothing changes it, neither the
page, nor the services, nor the pilots' "Remove" button; the rule calls.save_review follows the
table, also for a superuser whom user.has_perm grants everything."""
import pytest
import rules
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from calls.decisions import services as decisions
from calls.evaluation import services as evaluation
from calls.evaluation import workflow
from calls.evaluation.models import Assignment, Review, ReviewStatus
from pepr.core.models import CommitteeCode, Role
from pepr.core.services import grant_role
from tests.calls.helpers import complete
from tests.factories import UserFactory, make_call, member_of

R = ReviewStatus


def _messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def en_pilot(db):
    return member_of(CommitteeCode.STEERING, language="en", email="pilot.en@example.org")


@pytest.fixture
def application(db):
    applicant = UserFactory(language="en")
    stage = make_call().stages.get()
    draft = complete(submission.start_application(stage, by=applicant), applicant)
    return submission.submit(draft, by=applicant)[0]


def _signed_assignment(application, pilot, **reviewer_fields):
    reviewer = UserFactory(language="en", **reviewer_fields)
    grant_role(reviewer, Role.REVIEWER)
    assignment = evaluation.assign(application, reviewer, by=pilot)
    evaluation.sign_declaration(application.stage.call, reviewer=reviewer)
    return assignment


@pytest.fixture
def assignment(application, en_pilot):
    return _signed_assignment(application, en_pilot)


def _complete_scores(application, value="B"):
    return {c.pk: (value, "") for c in application.stage.criteria.all()}


def _submit(assignment):
    reviewer = assignment.reviewer
    evaluation.save_review(assignment, by=reviewer, recommendation="support",
                           comment_for_committee="First opinion",
                           scores=_complete_scores(assignment.application))
    return evaluation.submit_review(assignment, by=reviewer)


def _with_review(assignment):
    return Assignment.objects.select_related("application", "review").get(pk=assignment.pk)


# --- the table, pure -----------------------------------------------------------------------

@pytest.mark.parametrize(("review", "allowed"), [
    (None, {"save", "submit"}),  # not started: a draft to be
    (Review(status=R.DRAFT), {"save", "submit"}),
    (Review(status=R.SUBMITTED), set()),
])
def test_only_a_draft_is_saved_or_submitted(review, allowed):
    assert {action for action in workflow.TRANSITIONS if workflow.allows(action, review)} == \
        allowed


# --- the services --------------------------------------------------------------------------

def test_a_submitted_review_cannot_be_saved_nor_submitted_again(assignment):
    review = _submit(assignment)
    assert review.status == R.SUBMITTED and review.submitted_at is not None
    submitted_at = review.submitted_at
    for attempt in (
        lambda: evaluation.save_review(assignment, by=assignment.reviewer,
                                       recommendation="reject", scores={}),
        lambda: evaluation.submit_review(assignment, by=assignment.reviewer),
    ):
        with pytest.raises(ValidationError) as error, translation.override("en"):
            attempt()
        assert error.value.code == "submitted"
        assert error.value.messages == ["This review is submitted and can no longer change."]
    review.refresh_from_db()
    assert (review.recommendation, review.submitted_at, review.scores.count()) == (
        "support", submitted_at, 2)


def test_saving_a_draft_keeps_it_a_draft(assignment):
    review = evaluation.save_review(assignment, by=assignment.reviewer,
                                    recommendation="support", scores={})
    again = evaluation.save_review(assignment, by=assignment.reviewer,
                                   comment_for_applicant="Clarify the budget", scores={})
    assert again.pk == review.pk
    again.refresh_from_db()
    assert (again.status, again.submitted_at, again.recommendation) == (R.DRAFT, None, "")
    assert again.comment_for_applicant == "Clarify the budget"


# --- what the reviewer sees ----------------------------------------------------------------

def test_the_page_of_a_submitted_review_refuses_a_change(client, assignment):
    _submit(assignment)
    client.force_login(assignment.reviewer)
    url = reverse("evaluation:review", args=[assignment.pk])
    html = client.get(url).content.decode()
    assert "A submitted review can no longer change." in html and 'id="review-form"' not in html
    response = client.post(url, {"recommendation": "reject", "save": "1"}, follow=True)
    assert "This review can no longer change." in _messages(response)
    assert Review.objects.get(assignment=assignment).recommendation == "support"
    assert not rules.has_perm("calls.save_review", assignment.reviewer, _with_review(assignment))


def test_a_superuser_reviewer_cannot_change_a_submitted_review_either(client, application,
                                                                     en_pilot):
    assignment = _signed_assignment(application, en_pilot, is_staff=True, is_superuser=True)
    reviewer = assignment.reviewer
    assert rules.has_perm("calls.save_review", reviewer, _with_review(assignment))
    _submit(assignment)
    # No exemption for superusers (pepr.core.models.User.has_perm).
    assert not reviewer.has_perm("calls.save_review", _with_review(assignment))
    assert not rules.has_perm("calls.save_review", reviewer, _with_review(assignment))
    client.force_login(reviewer)
    url = reverse("evaluation:review", args=[assignment.pk])
    assert 'id="review-form"' not in client.get(url).content.decode()
    response = client.post(url, {"recommendation": "reject", "save": "1"}, follow=True)
    assert "This review can no longer change." in _messages(response)


def test_a_draft_of_a_file_no_longer_under_evaluation_is_read_only(client, assignment,
                                                                  en_pilot):
    evaluation.save_review(assignment, by=assignment.reviewer, recommendation="support",
                           scores={})
    decisions.decide(assignment.application, ApplicationStatus.SELECTED, by=en_pilot)
    assert not rules.has_perm("calls.save_review", assignment.reviewer, _with_review(assignment))
    client.force_login(assignment.reviewer)
    url = reverse("evaluation:review", args=[assignment.pk])
    html = client.get(url).content.decode()
    assert "This application is no longer under evaluation: the review cannot change." in html
    assert 'id="review-form"' not in html
    with pytest.raises(ValidationError) as error:
        evaluation.save_review(_with_review(assignment), by=assignment.reviewer, scores={})
    assert error.value.code == "not_under_evaluation"


def test_someone_else_may_not_save_the_review(assignment):
    stranger = UserFactory()
    assert rules.has_perm("calls.save_review", assignment.reviewer, _with_review(assignment))
    assert not rules.has_perm("calls.save_review", stranger, _with_review(assignment))


# --- what the pilots see -------------------------------------------------------------------

def _reviewer_line(html, assignment):
    """The line of the assignments page about one reviewer."""
    start = html.index(f"{assignment.reviewer} – ")
    return html[start:html.index("</li>", start)]


def test_the_assignments_page_follows_the_review_state(client, application, en_pilot):
    untouched, drafted, submitted = (_signed_assignment(application, en_pilot)
                                     for _ in range(3))
    evaluation.save_review(drafted, by=drafted.reviewer, scores={})
    _submit(submitted)
    client.force_login(en_pilot)
    page = reverse("evaluation:assignments", args=[application.stage_id])
    html = client.get(page).content.decode()
    for assignment, badge in ((untouched, "Not started"), (drafted, "Draft"),
                              (submitted, "Submitted")):
        line = _reviewer_line(html, assignment)
        assert f">{badge}</span>" in line
        removable = reverse("evaluation:unassign", args=[assignment.pk]) in line
        assert removable is (assignment is not submitted)
    response = client.post(reverse("evaluation:unassign", args=[submitted.pk]),
                           {"next": page}, follow=True)
    assert "A submitted review cannot be withdrawn from its reviewer." in _messages(response)
    assert Assignment.objects.filter(pk=submitted.pk).exists()

