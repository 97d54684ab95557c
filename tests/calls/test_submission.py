"""The applicant's services: start, draft, upload, submit, reopen, withdraw, stage 2, invitations."""
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus, StatusChange, SubmittedVersion
from calls.setup.models import CallKind, StageKind
from tests.calls.helpers import complete
from tests.factories import make_call
from tests.pdfs import fake_pdf_upload, pdf_upload

NOW = timezone.now


@pytest.fixture
def stage(db):
    return make_call().stages.get()


def test_start_prefills_the_coordinator_team(stage, applicant):
    application = submission.start_application(stage, by=applicant)
    assert application.status == ApplicationStatus.DRAFT
    assert application.reference == f"{stage.call.code.upper()}-1-00001"
    team = application.partners.get()
    assert (team.lead_email, team.laboratory, team.role) == (
        applicant.email, applicant.laboratory, "coordinator")
    assert submission.start_application(stage, by=applicant).reference.endswith("-00002")


def test_cannot_start_on_a_closed_stage(db, applicant):
    call = make_call(stages=[(StageKind.LETTER_OF_INTENT, NOW() - timedelta(days=5),
                              NOW() - timedelta(seconds=1))])
    with pytest.raises(ValidationError) as error:
        submission.start_application(call.stages.get(), by=applicant)
    assert error.value.code == "deadline_passed"


def test_submit_refuses_an_incomplete_application_and_lists_what_is_missing(stage, applicant):
    application = submission.start_application(stage, by=applicant)
    with pytest.raises(ValidationError) as error:
        submission.submit(application, by=applicant)
    assert error.value.code == "incomplete"
    assert "Title" in error.value.messages[0] or "Titre" in error.value.messages[0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_submit_versions_receipt_and_double_click(stage, applicant,
                                                  django_capture_on_commit_callbacks):
    application = complete(submission.start_application(stage, by=applicant), applicant)
    with django_capture_on_commit_callbacks(execute=True):
        application, first = submission.submit(application, by=applicant)
    _, second = submission.submit(application, by=applicant)
    assert (first, second) == (True, False)
    assert application.version == 1
    assert SubmittedVersion.objects.filter(application=application).count() == 1
    receipt = mail.outbox[-1]
    assert receipt.to == [applicant.email] and application.reference in receipt.subject
    name, content, mimetype = receipt.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert application.reference in text and "AAVCIB" in text and "1 / 1" in text


def test_reopen_change_and_resubmit_keeps_every_version(stage, applicant):
    application = complete(submission.start_application(stage, by=applicant), applicant)
    application, _ = submission.submit(application, by=applicant)
    submission.reopen(application, by=applicant)
    application.refresh_from_db()
    submission.save_draft(application, by=applicant, data={"title": "Titre révisé"},
                          partners=None)
    application, _ = submission.submit(application, by=applicant)
    versions = list(application.submitted_versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].content["title"] == "Vecteurs AAV ciblés"
    assert versions[1].content["title"] == "Titre révisé"
    assert list(StatusChange.objects.filter(application=application)
                .values_list("to_status", flat=True)) == [
        "draft", "submitted", "draft", "submitted"]


def test_withdraw_is_final(stage, applicant):
    application = submission.start_application(stage, by=applicant)
    submission.withdraw(application, by=applicant)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        submission.withdraw(application, by=applicant)


def test_upload_checks_the_content_not_the_name(stage, applicant):
    application = submission.start_application(stage, by=applicant)
    requirement = stage.document_requirements.get()
    with pytest.raises(ValidationError) as error:
        submission.upload_document(application, requirement, fake_pdf_upload(), by=applicant)
    assert error.value.code == "not_pdf"
    with pytest.raises(ValidationError) as error:
        submission.upload_document(application, requirement, pdf_upload(5), by=applicant)
    assert error.value.code == "too_many_pages"  # a letter of intent has 4 pages at most
    document = submission.upload_document(application, requirement, pdf_upload(4), by=applicant)
    assert document.pages == 4 and len(document.sha256) == 64
    requirement.max_size_mb = 1
    big = pdf_upload(1)
    big.size = 2 * 1024 * 1024
    with pytest.raises(ValidationError) as error:
        submission.upload_document(application, requirement, big, by=applicant)
    assert error.value.code == "too_large"


def test_submit_after_the_deadline_is_refused_and_the_draft_stays(stage, applicant):
    application = complete(submission.start_application(stage, by=applicant), applicant)
    stage.closes_at = NOW() - timedelta(seconds=1)
    stage.save()
    application.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        submission.submit(application, by=applicant)
    assert error.value.code == "deadline_passed"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.title


def test_full_project_only_from_selected_letters(db, applicant, other_applicant):
    call = make_call(kind=CallKind.AMI, stages=[
        (StageKind.LETTER_OF_INTENT, NOW() - timedelta(days=60), NOW() - timedelta(days=30)),
        (StageKind.FULL_PROPOSAL, NOW() - timedelta(days=1), NOW() + timedelta(days=30)),
    ])
    letters_stage, full_stage = call.stages.order_by("number")
    full_stage.requires_selected_letters = True
    full_stage.save()
    from tests.factories import ApplicationFactory

    mine = ApplicationFactory(stage=letters_stage, coordinator=applicant,
                              status=ApplicationStatus.SELECTED, version=1)
    not_selected = ApplicationFactory(stage=letters_stage, coordinator=applicant,
                                      status=ApplicationStatus.NOT_SELECTED, version=1)
    theirs = ApplicationFactory(stage=letters_stage, coordinator=other_applicant,
                                status=ApplicationStatus.SELECTED, version=1)
    for letters in ([], [not_selected], [theirs]):
        with pytest.raises(PermissionDenied):
            submission.start_application(full_stage, by=applicant, grown_from=letters)
    project = submission.start_application(full_stage, by=applicant, grown_from=[mine])
    assert list(project.grown_from.all()) == [mine]


def test_invitation_gives_access_only_to_the_invited_address(stage, applicant, other_applicant,
                                                             django_capture_on_commit_callbacks):
    application = submission.start_application(stage, by=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = submission.invite(application, email="Other@Example.org", access="edit",
                                       by=applicant)
    assert mail.outbox[-1].to == ["other@example.org"]
    assert not other_applicant.has_perm("calls.change_application", application)
    intruder = type(other_applicant).objects.create_user("intruder@example.org", "x")
    with pytest.raises(PermissionDenied):
        submission.accept_invitation(invitation.token, user=intruder)
    submission.accept_invitation(invitation.token, user=other_applicant)
    assert other_applicant.has_perm("calls.change_application", application)
    assert not other_applicant.has_perm("calls.withdraw_application", application)
