"""Celery tasks of decisions: send decision letters by id."""
from celery import shared_task

from calls.decisions import services


# Serves the tasks published by the release before request_sending queued the letters in its own
# transaction. Each letter is sent once (send_letter locks and checks its row).
@shared_task(name="calls.send_decision_letters")
def send_decision_letters(letter_ids):
    for letter_id in letter_ids:
        services.send_letter(letter_id)
