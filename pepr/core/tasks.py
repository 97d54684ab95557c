"""Celery tasks of the core: deliver one outbox e-mail. Enqueued by name (pepr.core.enqueue)."""
from celery import shared_task

from pepr.core import outbox


@shared_task(name="pepr.deliver_email", bind=True, autoretry_for=(OSError,), retry_backoff=30,
             retry_backoff_max=3600, max_retries=10)
def deliver_email(self, email_id):
    outbox.deliver(email_id)
