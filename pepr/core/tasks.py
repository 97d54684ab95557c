"""Celery tasks of the core: deliver one outbox e-mail, and the outbox's sweep (beat, every
minute). Enqueued by name (pepr.core.enqueue); retries are the sweep's, not Celery's, so that
they follow the outbox's delays and survive a worker's death."""
from celery import shared_task
from django.conf import settings

from pepr.core import outbox


# The time limits bound a delivery that a slow SMTP server drags on, each wait within
# EMAIL_TIMEOUT: at the soft one the failure is recorded, at the hard one the process is killed
# and the claim's lease (longer) hands the e-mail to the sweep.
@shared_task(name="pepr.deliver_email", soft_time_limit=settings.EMAIL_TASK_SOFT_TIME_LIMIT,
             time_limit=settings.EMAIL_TASK_TIME_LIMIT)
def deliver_email(email_id):
    outbox.deliver(email_id)


# Shorter than the beat's minute, so that two sweeps rarely overlap (and then only publish a
# spare task, which finds its e-mail claimed).
@shared_task(name="pepr.sweep_outbox", soft_time_limit=50, time_limit=55)
def sweep_outbox():
    outbox.sweep()
