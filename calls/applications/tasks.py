"""Celery tasks of the applicant journey, by id: the receipt's PDF, rendered at delivery."""
from celery import shared_task

from calls.applications import receipts


# Run by name inside the outbox's delivery (pepr.core.outbox.deliver), not published: the
# delivery task's time limits cover it, and its failure is the delivery's, retried with it.
@shared_task(name="calls.attach_receipt_pdf")
def attach_receipt_pdf(email_id):
    receipts.attach_receipt_pdf(email_id)


# The two below only queue an e-mail: they serve the tasks published by the release before the
# submission and the invitation queued their e-mail in their own transaction.
@shared_task(name="calls.send_submission_receipt")
def send_submission_receipt(application_id, version_number):
    receipts.send_submission_receipt(application_id, version_number)


@shared_task(name="calls.send_invitation")
def send_invitation(invitation_id):
    receipts.send_invitation(invitation_id)
