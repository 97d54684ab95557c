"""Writes of the outbox: queue an e-mail once per key, deliver it once, keep the error if it fails."""
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from pepr.core import enqueue
from pepr.core.models import EmailStatus, OutboundEmail


def queue_email(*, key, recipient, subject, body, attachment=None):
    """Create the outbox row for `key` unless it exists, and deliver it after commit.

    `attachment` is a django File; a second call with the same key changes nothing.
    """
    email, created = OutboundEmail.objects.get_or_create(
        key=key, defaults={"recipient": recipient, "subject": subject, "body": body},
    )
    if created and attachment is not None:
        email.attachment.save(attachment.name, attachment, save=False)
        email.save(update_fields=["attachment"])
    if created:
        enqueue.after_commit("pepr.deliver_email", email.pk)
    return email


def deliver(email_id):
    """Send one queued e-mail; the row lock makes a concurrent or redelivered task a no-op."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email_id)
        if email.status == EmailStatus.SENT:
            return email
        message = EmailMessage(email.subject, email.body, to=[email.recipient])
        if email.attachment:
            with email.attachment.open("rb") as handle:
                message.attach(email.attachment.name.rsplit("/", 1)[-1], handle.read(),
                               "application/pdf")
        email.attempts += 1
        try:
            message.send()
        except OSError as error:  # smtplib errors are OSError subclasses
            failure = error
        else:
            email.status, email.sent_at, email.error = EmailStatus.SENT, timezone.now(), ""
            email.save(update_fields=["status", "sent_at", "error", "attempts"])
            return email
    # Recorded after the locked transaction ended, so the failure is kept; Celery then retries.
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED, error=str(failure), attempts=email.attempts)
    raise failure
