"""Celery tasks of decisions: send the decision letters a pilot released."""
from celery import shared_task

from calls.decisions import services


@shared_task(name="calls.send_decision_letters", autoretry_for=(OSError,), retry_backoff=30,
             max_retries=10)
def send_decision_letters(letter_ids):
    # Each letter is sent once (send_letter locks and checks its row), so a retry after a
    # failure part-way through sends only the rest.
    for letter_id in letter_ids:
        services.send_letter(letter_id)
