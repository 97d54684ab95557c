"""Celery tasks of the applicant journey: receipts and invitations, by id."""
from celery import shared_task

from calls.applications import receipts


@shared_task(name="calls.send_submission_receipt", autoretry_for=(OSError,), retry_backoff=30,
             max_retries=10)
def send_submission_receipt(application_id, version_number):
    receipts.send_submission_receipt(application_id, version_number)


@shared_task(name="calls.send_invitation", autoretry_for=(OSError,), retry_backoff=30,
             max_retries=10)
def send_invitation(invitation_id):
    receipts.send_invitation(invitation_id)
