"""Report builds lost with their worker: a build left "building" after its lease expired (the
worker died while rendering) is restarted by the sweep and rebuilt, and its status page says so;
a build whose lease is still running is left to its worker; one that keeps dying is given up."""
import contextlib
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calls.applications import services as submission
from pepr.core import enqueue
from pepr.reports import services as reports
from pepr.reports.models import Report, ReportStatus
from tests.calls.helpers import complete
from tests.factories import UserFactory, make_call
from tests.worker import celery_worker


def _requested(applicant, pilot, capture):
    pilot.language = "en"  # the pages in English
    pilot.save()
    application = complete(submission.start_application(make_call().stages.get(), by=applicant),
                           applicant)
    application = submission.submit(application, by=applicant)[0]
    with capture():  # requested; the build's message is dropped, as if its worker took it
        report = reports.request_report("dossier", application, language="en", by=pilot)
    return report


def _sweep(capture):
    # The beat's task, run in-process (eager): the builds it queues run when its transaction
    # commits.
    with capture(execute=True):
        enqueue.task("pepr.sweep_reports").delay()


def test_a_build_whose_lease_expired_is_rebuilt_by_the_sweep(
        client, applicant, pilot, django_capture_on_commit_callbacks):
    report = _requested(applicant, pilot, django_capture_on_commit_callbacks)
    # The worker that took the build died while rendering: the row says "building", its lease
    # expired a second ago.
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.BUILDING, attempts=1,
        lease_until=timezone.now() - timedelta(seconds=1))
    client.force_login(pilot)
    html = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "Being prepared" in html and 'hx-trigger="every 3s"' in html
    _sweep(django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    assert reports.has_file(report) and report.lease_until is None
    assert report.restarted_at is not None and report.attempts == 2


def test_a_fresh_lease_is_left_to_its_worker(applicant, pilot, django_capture_on_commit_callbacks):
    report = _requested(applicant, pilot, django_capture_on_commit_callbacks)
    lease_until = timezone.now() + timedelta(minutes=5)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.BUILDING, attempts=1,
                                               lease_until=lease_until)
    _sweep(django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert (report.status, report.lease_until, report.attempts) == (
        ReportStatus.BUILDING, lease_until, 1)
    # Asking again while a worker builds it queues nothing more.
    with django_capture_on_commit_callbacks() as queued:
        reports.request_report("dossier", reports.target_of(report),
                               language="en", by=pilot)
    assert queued == []


def test_a_request_restarts_a_lost_build_and_the_page_says_so(
        client, applicant, pilot, django_capture_on_commit_callbacks):
    report = _requested(applicant, pilot, django_capture_on_commit_callbacks)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.BUILDING, lease_until=timezone.now() - timedelta(seconds=1))
    client.force_login(pilot)
    with django_capture_on_commit_callbacks() as queued:
        client.post(reverse("reports:request", args=["dossier", report.target_id]))
    assert len(queued) == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING and report.restarted_at is not None
    html = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "taking longer than usual" in html and "restarted on" in html


def test_a_build_that_keeps_killing_its_worker_is_given_up(
        client, applicant, pilot, django_capture_on_commit_callbacks):
    report = _requested(applicant, pilot, django_capture_on_commit_callbacks)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.BUILDING, attempts=settings.REPORT_MAX_ATTEMPTS,
        lease_until=timezone.now() - timedelta(seconds=1))
    _sweep(django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "Interrupted" in report.error
    client.force_login(pilot)
    html = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "could not be prepared" in html and "Try again" in html


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_rebuilds_a_build_lost_with_its_worker():
    """The sweep and the build it queues go through Redis to a real worker."""
    call_command("load_reference_data", verbosity=0)
    applicant, pilot = UserFactory(), UserFactory(is_staff=True, is_superuser=True)
    # Outside a test transaction the request's build runs at once (eager); the row is then put
    # back as a worker that died while rendering leaves it: "building", no file, lease expired.
    report = _requested(applicant, pilot, contextlib.nullcontext)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.BUILDING, attempts=1, file="", built_at=None,
        lease_until=timezone.now() - timedelta(seconds=1))
    with celery_worker():
        enqueue.now("pepr.sweep_reports")
        deadline = time.monotonic() + 60
        while Report.objects.get(pk=report.pk).status != ReportStatus.READY \
                and time.monotonic() < deadline:
            time.sleep(0.2)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and reports.has_file(report), report.error
    assert report.built_at is not None and report.restarted_at is not None


def _poll(condition, timeout):
    """Like tests.concurrency.wait_for, at a pace that catches a build between its claim and its
    end (a dossier renders in a fraction of a second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.002)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_it_builds_a_report_and_the_report_is_rebuilt():
    """A real worker process is killed with SIGKILL once it has claimed a build (state
    "building", committed before rendering); another worker rebuilds it after the sweep."""
    import os
    import signal
    import tempfile

    from pepr.celery import app
    from tests.pepr.test_outbox_faults import _tail, _worker_process, tasks_through

    call_command("load_reference_data", verbosity=0)
    applicant, pilot = UserFactory(), UserFactory(is_staff=True, is_superuser=True)
    application = complete(submission.start_application(make_call().stages.get(), by=applicant),
                           applicant)
    application = submission.submit(application, by=applicant)[0]
    with tasks_through(), tempfile.TemporaryFile() as log:
        app.control.purge()
        worker = _worker_process(1, log)  # no e-mail leaves: the SMTP port is never used
        try:
            for _attempt in range(3):  # a build that ends before the kill is asked again
                report = reports.request_report("dossier", application, language="en",
                                                by=pilot)
                assert _poll(lambda: Report.objects.filter(
                    pk=report.pk, status__in=[ReportStatus.BUILDING, ReportStatus.READY])
                    .exists(), timeout=60), _tail(log)
                if Report.objects.filter(pk=report.pk, status=ReportStatus.BUILDING).exists():
                    break
                Report.objects.filter(pk=report.pk).delete()
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
            report.refresh_from_db()
            assert report.status == ReportStatus.BUILDING, report.status
            assert not reports.has_file(report) and report.attempts == 1
            worker = _worker_process(1, log)
            # The beat's sweep once the dead worker's lease has run out.
            assert reports.restart_lost_builds(
                now=report.lease_until + timedelta(seconds=1)) == [report.pk]
            assert _poll(lambda: Report.objects.filter(
                pk=report.pk, status=ReportStatus.READY).exists(), timeout=60), (
                Report.objects.filter(pk=report.pk).values("status", "error", "attempts").first(),
                _tail(log)[-1500:])
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
    report.refresh_from_db()
    assert reports.has_file(report) and report.restarted_at is not None
    assert report.attempts == 2 and report.lease_until is None
