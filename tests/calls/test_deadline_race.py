"""Races at the closing second, on real PostgreSQL row locks (each thread has its connection)."""
import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from calls.applications import services as submission
from calls.applications.models import Application, ApplicationStatus, StatusChange, SubmittedVersion
from tests.calls.helpers import complete
from tests.concurrency import in_thread
from tests.factories import make_call

pytestmark = pytest.mark.django_db(transaction=True)




def test_two_simultaneous_submits_make_one_version(applicant):
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)
    stage = make_call().stages.get()
    application = complete(submission.start_application(stage, by=applicant), applicant)
    barrier, results = threading.Barrier(2), []

    def submit():
        barrier.wait()
        return submission.submit(Application.objects.get(pk=application.pk), by=applicant)[1]

    threads = [in_thread(submit, results) for _ in range(2)]
    for thread in threads:
        thread.join(10)
    assert sorted(results) == [False, True]
    assert SubmittedVersion.objects.filter(application=application).count() == 1
    assert StatusChange.objects.filter(application=application, to_status="submitted").count() == 1


def test_a_submit_waiting_on_the_lock_past_the_deadline_is_refused(applicant):
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)
    stage = make_call().stages.get()
    application = complete(submission.start_application(stage, by=applicant), applicant)
    closes_at = timezone.now() + timedelta(seconds=1.5)
    type(stage).objects.filter(pk=stage.pk).update(closes_at=closes_at)
    locked, results = threading.Event(), []

    def hold_the_row():
        with transaction.atomic():
            Application.objects.select_for_update().get(pk=application.pk)
            locked.set()
            time.sleep(max(0.0, (closes_at - timezone.now()).total_seconds()) + 0.3)
        return "released"

    holder = in_thread(hold_the_row, results)
    locked.wait(5)
    assert timezone.now() < closes_at  # the request arrives before closing...
    with pytest.raises(ValidationError) as error:
        submission.submit(Application.objects.get(pk=application.pk), by=applicant)
    holder.join(10)
    assert error.value.code == "deadline_passed"  # ...but gets the lock after it
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.version == 0
