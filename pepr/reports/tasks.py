"""Celery tasks of the background PDF reports."""
from celery import shared_task

from pepr.reports import services


@shared_task(name="pepr.build_report", autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def build_report(report_id):
    """Build one background PDF report; a report already built from the current data is left
    alone, so a redelivery builds nothing twice."""
    services.build_report(report_id)
