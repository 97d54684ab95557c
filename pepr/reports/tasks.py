"""Celery tasks of the background PDF reports."""
from celery import shared_task
from django.conf import settings

from pepr.reports import services


# The time limits stop a build that hangs (soft: recorded as failed; hard: the process is
# killed, and the lease lets the sweep restart it). See docs/operators.md, "Worker crashes".
@shared_task(name="pepr.build_report", autoretry_for=(OSError,), retry_backoff=30, max_retries=5,
             soft_time_limit=settings.REPORT_TASK_SOFT_TIME_LIMIT,
             time_limit=settings.REPORT_TASK_TIME_LIMIT)
def build_report(report_id):
    """Build one background PDF report; a report already built from the current data is left
    alone, so a redelivery builds nothing twice."""
    services.build_report(report_id)


@shared_task(name="pepr.sweep_reports", soft_time_limit=50, time_limit=55)
def sweep_reports():
    """Every minute (beat): queue again the builds lost with their worker or their message."""
    services.restart_lost_builds()
