"""The submission receipt goes through Redis to a real Celery worker, once, after commit."""

import pytest
from django.core import mail
from django.core.management import call_command

from calls.applications import services as submission
from pepr.core.models import EmailStatus, OutboundEmail
from tests.calls.helpers import complete
from tests.concurrency import wait_for
from tests.factories import make_call
from tests.worker import celery_worker

pytestmark = pytest.mark.django_db(transaction=True)




def test_receipt_is_built_and_sent_by_the_worker(applicant):
    call_command("load_reference_data", verbosity=0)
    stage = make_call().stages.get()
    application = complete(submission.start_application(stage, by=applicant), applicant)
    with celery_worker():
        submission.submit(application, by=applicant)
        # A second submit (double click) and a redelivery of the same task change nothing.
        submission.submit(application, by=applicant)
        assert wait_for(lambda: OutboundEmail.objects.filter(status=EmailStatus.SENT).exists())
        from calls.applications.tasks import send_submission_receipt

        send_submission_receipt.delay(application.pk, 1)
    email = OutboundEmail.objects.get()
    assert email.key == f"receipt:{application.pk}:1" and email.attempts == 1
    assert [m.subject for m in mail.outbox] == [email.subject]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
