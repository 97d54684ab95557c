"""Celery tasks of the governance: the beat's closing of ballots whose time is up."""
from celery import shared_task

from governance import services


@shared_task(name="governance.close_due_ballots")
def close_due_ballots():
    return services.close_due_ballots()
