"""Celery tasks of the site: thin wrappers that take ids and call a service."""
from celery import shared_task

from . import outbox


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600,
             max_retries=10)
def deliver_email(self, email_id):
    outbox.deliver(email_id)
