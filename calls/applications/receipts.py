"""E-mails about an application: the submission receipt (with its PDF) and partner invitations."""
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from calls.applications.models import Invitation, SubmittedVersion
from pepr.core.models import OutboundEmail, User
from pepr.core.outbox import queue_email
from pepr.core.pdf import render_pdf


def receipt_pdf(version, *, language):
    application = version.application
    return render_pdf("calls/pdf/receipt.html", {
        "application": application, "version": version, "content": version.content,
        "call": application.stage.call, "stage": application.stage,
    }, language=language)


def send_submission_receipt(application_id, version_number):
    key = f"receipt:{application_id}:{version_number}"
    if OutboundEmail.objects.filter(key=key).exists():
        return  # already queued by an earlier run of this task
    version = SubmittedVersion.objects.select_related(
        "application__stage__call", "application__coordinator").get(
        application_id=application_id, number=version_number)
    application = version.application
    coordinator = application.coordinator
    language = coordinator.language
    pdf = receipt_pdf(version, language=language)
    with translation.override(language):
        subject = render_to_string("emails/receipt_subject.txt",
                                   {"application": application}).strip()
        body = render_to_string("emails/receipt.txt", {
            "application": application, "version": version, "user": coordinator,
            "url": settings.SITE_URL + reverse("calls:application", args=[application.pk]),
        })
    queue_email(key=key, recipient=coordinator.email, subject=subject, body=body,
                attachment=ContentFile(pdf, name=f"receipt-{application.reference}-v{version.number}.pdf"))


def send_invitation(invitation_id):
    invitation = Invitation.objects.select_related(
        "application__stage__call", "invited_by").get(pk=invitation_id)
    known = User.objects.filter(email__iexact=invitation.email).first()
    with translation.override(known.language if known else "fr"):
        subject = render_to_string("emails/invitation_subject.txt",
                                   {"invitation": invitation}).strip()
        body = render_to_string("emails/invitation.txt", {
            "invitation": invitation, "application": invitation.application,
            "url": settings.SITE_URL + reverse("calls:accept_invitation",
                                               args=[invitation.token]),
        })
    queue_email(key=f"invitation:{invitation.pk}", recipient=invitation.email, subject=subject,
                body=body)


