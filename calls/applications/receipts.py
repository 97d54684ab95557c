"""E-mails about an application: the submission receipt (with its PDF) and partner invitations.

Both are queued in the outbox in the transaction of the submission or invitation itself, so that
neither is lost when the broker is down. The receipt's PDF is rendered later, by its delivery
(attach_receipt_pdf): a WeasyPrint rendering takes a good part of a second, which a submission at
the deadline rush should not spend under its row lock.
"""
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from calls.applications.models import Invitation, SubmittedVersion
from pepr.core import outbox
from pepr.core.models import OutboundEmail, User
from pepr.core.pdf import render_pdf

ATTACH_RECEIPT_PDF = "calls.attach_receipt_pdf"


def receipt_key(application_id, version_number):
    return f"receipt:{application_id}:{version_number}"


def receipt_pdf(version, *, language):
    application = version.application
    return render_pdf("calls/pdf/receipt.html", {
        "application": application, "version": version, "content": version.content,
        "call": application.stage.call, "stage": application.stage,
    }, language=language)


def queue_submission_receipt(version):
    """Queue the receipt of a submitted version, in the caller's transaction, its PDF to be
    rendered at delivery; once per version."""
    application = version.application
    coordinator = application.coordinator
    with translation.override(coordinator.language):
        subject = render_to_string("emails/receipt_subject.txt",
                                   {"application": application}).strip()
        body = render_to_string("emails/receipt.txt", {
            "application": application, "version": version, "user": coordinator,
            "url": settings.SITE_URL + reverse("calls:application", args=[application.pk]),
        })
    return outbox.queue_email(key=receipt_key(application.pk, version.number),
                              recipient=coordinator.email, subject=subject, body=body,
                              attachment_task=ATTACH_RECEIPT_PDF)


def attach_receipt_pdf(email_id):
    """Render the receipt's PDF onto its outbox e-mail (called by the delivery, by task name)."""
    _prefix, application_id, number = OutboundEmail.objects.get(pk=email_id).key.split(":")
    version = SubmittedVersion.objects.select_related(
        "application__stage__call", "application__coordinator").get(
        application_id=application_id, number=number)
    application = version.application
    pdf = receipt_pdf(version, language=application.coordinator.language)
    outbox.attach(email_id, ContentFile(
        pdf, name=f"receipt-{application.reference}-v{version.number}.pdf"))


def send_submission_receipt(application_id, version_number):
    """Queue a receipt by ids: for the tasks published by the release before the submission
    queued its receipt itself."""
    if OutboundEmail.objects.filter(key=receipt_key(application_id, version_number)).exists():
        return
    queue_submission_receipt(SubmittedVersion.objects.select_related(
        "application__stage__call", "application__coordinator").get(
        application_id=application_id, number=version_number))


def queue_invitation(invitation):
    """Queue the e-mail of a new invitation, in the caller's transaction, in the language of the
    invited person when they have an account (French otherwise)."""
    known = User.objects.filter(email__iexact=invitation.email).first()
    with translation.override(known.language if known else "fr"):
        subject = render_to_string("emails/invitation_subject.txt",
                                   {"invitation": invitation}).strip()
        body = render_to_string("emails/invitation.txt", {
            "invitation": invitation, "application": invitation.application,
            "url": settings.SITE_URL + reverse("calls:accept_invitation",
                                               args=[invitation.token]),
        })
    return outbox.queue_email(key=f"invitation:{invitation.pk}", recipient=invitation.email,
                              subject=subject, body=body)


def send_invitation(invitation_id):
    """Queue an invitation by id: for the tasks published by the release before the invitation
    queued its e-mail itself."""
    queue_invitation(Invitation.objects.select_related(
        "application__stage__call", "invited_by").get(pk=invitation_id))
