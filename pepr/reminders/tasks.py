"""Celery tasks of the reminders: the beat's periodic scan."""
from celery import shared_task

from pepr.reminders import services


@shared_task(name="pepr.send_due_reminders")
def send_due_reminders():
    """Run by beat every 5 minutes. Two runs at once (a doubled tick, a redelivery after a lost
    worker) send nothing twice: each reminder is a unique row claimed before its e-mail."""
    return services.send_due_reminders()
