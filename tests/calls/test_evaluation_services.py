"""Evaluation services: conflicts, declarations, assignments, suggestions, reviews, decisions."""
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from calls.decisions import selectors as decision_selectors
from calls.decisions import services as decisions
from calls.evaluation import conflicts, matching
from calls.evaluation import services as evaluation
from calls.evaluation.models import Assignment, Conflict, ExpertProfile, ReviewStatus
from calls.setup.models import StageKind
from pepr.core.models import AuditEvent, Axis, CommitteeCode
from projects.follow_up import services as project_services
from tests.calls.helpers import complete
from tests.factories import UserFactory, make_call, member_of


@pytest.fixture
def stage(db):
    return make_call().stages.get()


@pytest.fixture
def submitted(stage, applicant):
    application = complete(submission.start_application(stage, by=applicant), applicant)
    return submission.submit(application, by=applicant)[0]


def test_conflicts_are_detected(submitted, applicant):
    # The rule on research units is tested in tests/calls/test_conflicts.py; here, the files
    # the services build. The applicant's own organisation is no conflict (ANR's rule).
    same_org = UserFactory(organisation=applicant.organisation)
    # The partner team of helpers.complete has no organisation: a name alone is no conflict.
    same_name = UserFactory(laboratory=" lab A ")
    partner_lead = UserFactory(email="ada@example.org")
    stranger = UserFactory()
    assert conflicts.detected_conflict(submitted, applicant)
    assert conflicts.detected_conflict(submitted, same_org) is None
    assert conflicts.detected_conflict(submitted, same_name) is None
    assert conflicts.detected_conflict(submitted, partner_lead)
    assert conflicts.detected_conflict(submitted, stranger) is None
    submission.invite(submitted, email=stranger.email, access="view", by=applicant)
    assert conflicts.detected_conflict(submitted, stranger)


def test_assigning_a_conflicted_reviewer_is_refused_and_recorded(submitted, applicant, pilot):
    # The coordinator's own unit (not listed: the same name in the same organisation).
    colleague = UserFactory(organisation=applicant.organisation, laboratory=applicant.laboratory)
    with pytest.raises(ValidationError) as error:
        evaluation.assign(submitted, colleague, by=pilot)
    assert error.value.code == "conflict"
    assert not Assignment.objects.exists()
    assert Conflict.objects.get(person=colleague).source == "detected"
    assert AuditEvent.objects.filter(action="conflict.detected", actor=pilot).exists()


def test_assign_once_and_declared_conflict_removes_the_assignment(submitted, reviewer, pilot):
    assignment = evaluation.assign(submitted, reviewer, by=pilot)
    with pytest.raises(ValidationError) as error:
        evaluation.assign(submitted, reviewer, by=pilot)
    assert error.value.code == "duplicate"
    evaluation.declare_conflict(submitted, person=reviewer, reason="Former PhD supervisor")
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert not reviewer.has_perm("calls.view_application", submitted)
    with pytest.raises(ValidationError):
        evaluation.assign(submitted, reviewer, by=pilot)


def test_only_submitted_applications_are_assigned(stage, applicant, reviewer, pilot):
    draft = submission.start_application(stage, by=applicant)
    with pytest.raises(ValidationError):
        evaluation.assign(draft, reviewer, by=pilot)


def test_review_needs_the_declaration_and_is_final_once_submitted(submitted, reviewer, pilot):
    assignment = evaluation.assign(submitted, reviewer, by=pilot)
    criteria = list(submitted.stage.criteria.all())
    with pytest.raises(PermissionDenied):
        evaluation.save_review(assignment, by=reviewer, scores={})
    assert not reviewer.has_perm("calls.view_application", submitted)
    evaluation.sign_declaration(submitted.stage.call, reviewer=reviewer)
    assert reviewer.has_perm("calls.view_application", submitted)
    evaluation.save_review(assignment, by=reviewer, scores={criteria[0].pk: ("A", "Excellent")})
    with pytest.raises(ValidationError) as error:
        evaluation.submit_review(assignment, by=reviewer)
    assert error.value.code == "incomplete"
    evaluation.save_review(assignment, by=reviewer, recommendation="support",
                           scores={criteria[0].pk: ("A", "Excellent"), criteria[1].pk: ("C", "")})
    review = evaluation.submit_review(assignment, by=reviewer)
    assert review.status == ReviewStatus.SUBMITTED and str(review.mean_points) == "2.00"
    with pytest.raises(ValidationError):
        evaluation.save_review(assignment, by=reviewer, scores={})
    assert AuditEvent.objects.filter(action="review.submitted", application_id=submitted.pk).exists()


def test_someone_else_cannot_write_a_review(submitted, reviewer, other_applicant, pilot):
    assignment = evaluation.assign(submitted, reviewer, by=pilot)
    with pytest.raises(PermissionDenied):
        evaluation.save_review(assignment, by=other_applicant, scores={})


def test_reviews_are_hidden_until_the_reviewer_submitted_theirs(submitted, reviewer, pilot):
    other = UserFactory()
    for person in (reviewer, other):
        evaluation.assign(submitted, person, by=pilot)
        evaluation.sign_declaration(submitted.stage.call, reviewer=person)
    assert not reviewer.has_perm("calls.view_reviews", submitted)
    assignment = Assignment.objects.get(reviewer=reviewer)
    criteria = {c.pk: ("B", "") for c in submitted.stage.criteria.all()}
    evaluation.save_review(assignment, by=reviewer, scores=criteria, recommendation="support")
    evaluation.submit_review(assignment, by=reviewer)
    assert reviewer.has_perm("calls.view_reviews", submitted)
    assert not other.has_perm("calls.view_reviews", submitted)
    assert pilot.has_perm("calls.view_reviews", submitted)


def test_a_conflicted_pilot_cannot_open_the_application(submitted, applicant):
    pilot = member_of(CommitteeCode.STEERING, organisation=applicant.organisation,
                      laboratory=applicant.laboratory)
    assert not pilot.has_perm("calls.view_application", submitted)
    assert not pilot.has_perm("calls.view_reviews", submitted)


def test_suggestion_matches_expertise_balances_load_and_skips_conflicts(db, applicant, pilot):
    stage = make_call().stages.get()
    axis = Axis.objects.get(number=2)
    applications = []
    for _ in range(4):
        app = complete(submission.start_application(stage, by=applicant), applicant)
        applications.append(submission.submit(app, by=applicant)[0])
    expert = UserFactory()
    profile = ExpertProfile.objects.create(user=expert, keywords="AAV, ciblage", max_load=3)
    profile.axes.add(axis)
    generalists = [UserFactory() for _ in range(3)]
    colleague = UserFactory(organisation=applicant.organisation, laboratory=applicant.laboratory)
    proposals = matching.suggest(stage, [expert, colleague, *generalists])
    assert len(proposals) == 4 * stage.reviews_per_application
    assert colleague not in [reviewer for _, reviewer in proposals]
    per_reviewer = {}
    for _, reviewer in proposals:
        per_reviewer[reviewer] = per_reviewer.get(reviewer, 0) + 1
    assert per_reviewer[expert] == 3  # the best match, up to its maximum load
    assert max(per_reviewer.values()) - min(per_reviewer.values()) <= 2
    assigned, refused = evaluation.assign_many(proposals, by=pilot)
    assert len(assigned) == 8 and not refused
    assert matching.suggest(stage, [expert, *generalists]) == []


def test_decisions_follow_authority_and_stage(submitted, pilot, ccs_member):
    with pytest.raises(PermissionDenied):
        decisions.decide(submitted, ApplicationStatus.SELECTED, by=ccs_member)
    with pytest.raises(ValidationError):
        decisions.decide(submitted, ApplicationStatus.RECOMMENDED, by=pilot)  # a letter stage
    decision = decisions.decide(submitted, ApplicationStatus.SELECTED, by=pilot,
                                rationale="Strong team")
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SELECTED
    assert AuditEvent.objects.filter(action="decision.recorded",
                                     target_id=decision.pk).exists()


def test_full_proposal_is_recommended_then_validated_by_the_comite_directeur(db, applicant,
                                                                             pilot):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    stage = make_call(stages=[(StageKind.FULL_PROPOSAL, now - timedelta(days=1),
                               now + timedelta(days=5))]).stages.get()
    application = complete(submission.start_application(stage, by=applicant), applicant)
    application = submission.submit(application, by=applicant)[0]
    decisions.decide(application, ApplicationStatus.RECOMMENDED, by=pilot)
    with pytest.raises(PermissionDenied):
        decisions.decide(application, ApplicationStatus.FUNDED, by=pilot)
    directeur = member_of(CommitteeCode.BOARD)
    decisions.decide(application, ApplicationStatus.FUNDED, by=directeur)
    application.refresh_from_db()
    project = project_services.create_from_application(application, by=pilot)
    assert (project.acronym, project.origin, project.axis_id, project.budget_eur) == (
        application.acronym, "aap", application.axis_id, application.requested_budget_eur)
    # The partner teams carry over, one per research unit.
    assert set(project.partners.values_list("laboratory", "lead_email")) == set(
        application.partners.values_list("laboratory", "lead_email"))
    assert project_services.create_from_application(application, by=pilot) == project


def test_letters_are_drafted_in_the_recipients_language_edited_and_sent_once(
        submitted, applicant, pilot, django_capture_on_commit_callbacks):
    applicant.language = "en"
    applicant.save()
    decisions.decide(submitted, ApplicationStatus.NOT_SELECTED, by=pilot)
    [letter] = decisions.draft_letters(submitted.stage, by=pilot)
    assert "Decision on your application" in letter.subject and "Not selected" in letter.body
    assert decisions.draft_letters(submitted.stage, by=pilot) == []
    decisions.edit_letter(letter, subject=letter.subject, body=letter.body + "\nP.S.", by=pilot)
    mail.outbox.clear()
    assert decision_selectors.announced_decision(submitted) is None
    with django_capture_on_commit_callbacks(execute=True):
        assert decisions.request_sending(submitted.stage, by=pilot) == 1
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert mail.outbox[0].body.endswith("P.S.")
    decisions.send_letter(letter.pk)
    assert len(mail.outbox) == 1
    submitted.refresh_from_db()
    assert decision_selectors.announced_decision(submitted).outcome == "not_selected"


def test_applicant_sees_the_decision_and_public_comments_only_once_announced(
        client, submitted, applicant, reviewer, pilot, django_capture_on_commit_callbacks):
    from django.urls import reverse

    assignment = evaluation.assign(submitted, reviewer, by=pilot)
    evaluation.sign_declaration(submitted.stage.call, reviewer=reviewer)
    scores = {c.pk: ("B", "") for c in submitted.stage.criteria.all()}
    evaluation.save_review(assignment, by=reviewer, scores=scores, recommendation="support",
                           comment_for_applicant="Clarify the vector production plan.",
                           comment_for_committee="Internal remark")
    evaluation.submit_review(assignment, by=reviewer)
    decisions.decide(submitted, ApplicationStatus.SELECTED, by=pilot)
    client.force_login(applicant)
    url = reverse("calls:application", args=[submitted.pk])
    assert "Clarify the vector" not in client.get(url).content.decode()
    decisions.draft_letters(submitted.stage, by=pilot)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.request_sending(submitted.stage, by=pilot)
    html = client.get(url).content.decode()
    assert "Clarify the vector production plan." in html
    assert "Internal remark" not in html and reviewer.email not in html


def test_a_decision_stays_hidden_from_the_applicant_until_its_letter_is_sent(
        client, submitted, applicant, pilot, django_capture_on_commit_callbacks):
    from django.urls import reverse

    applicant.language = "en"
    applicant.save()
    decisions.decide(submitted, ApplicationStatus.SELECTED, by=pilot)
    client.force_login(applicant)
    detail = client.get(reverse("calls:application", args=[submitted.pk])).content.decode()
    listing = client.get(reverse("calls:my_applications")).content.decode()
    for html in (detail, listing):
        assert "Selected" not in html and "Submitted" in html
    assert pilot.get_full_name() not in detail
    decisions.draft_letters(submitted.stage, by=pilot)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.request_sending(submitted.stage, by=pilot)
    detail = client.get(reverse("calls:application", args=[submitted.pk])).content.decode()
    listing = client.get(reverse("calls:my_applications")).content.decode()
    assert 'id="status">Selected<' in detail and "Selected" in listing
    assert pilot.get_full_name() not in detail
