"""Celery tasks of the site: thin wrappers that take ids and call a service."""
from celery import shared_task

from . import outbox, reminders


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600,
             max_retries=10)
def deliver_email(self, email_id):
    outbox.deliver(email_id)


@shared_task
def send_due_reminders():
    """Run by beat every 5 minutes. Two runs at once (a doubled tick, a redelivery after a lost
    worker) send nothing twice: each reminder is a unique row claimed before its e-mail."""
    return reminders.send_due_reminders()


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def build_report(report_id):
    """Build one background PDF report; a report already built from the current data is left
    alone, so a redelivery builds nothing twice."""
    from . import reports

    reports.build_report(report_id)
