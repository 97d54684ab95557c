"""Celery tasks of the calls app: thin wrappers that take ids and call a service."""
from celery import shared_task

from . import receipts


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=10)
def send_submission_receipt(application_id, version_number):
    receipts.send_submission_receipt(application_id, version_number)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=10)
def send_invitation(invitation_id):
    receipts.send_invitation(invitation_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=10)
def send_decision_letters(letter_ids):
    # Each letter is sent once (send_letter locks and checks its row), so a retry after a
    # failure part-way through sends only the rest.
    from . import decisions

    for letter_id in letter_ids:
        decisions.send_letter(letter_id)
