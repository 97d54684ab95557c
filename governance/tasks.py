"""Celery tasks of the governance app: thin wrappers that call a service."""
from celery import shared_task

from . import voting


@shared_task
def close_due_ballots():
    return voting.close_due_ballots()
