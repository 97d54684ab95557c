"""The outbox under faults, on the real stack: a broker stopped while an applicant submits, a
worker killed with SIGKILL in the middle of a batch, an SMTP server that refuses, then hangs,
then accepts. Each server that must fail is the test's own, on its own port."""
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from datetime import timedelta

import pytest
from kombu import pools
from django.conf import settings as django_settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from calls.applications import services as submission
from pepr.celery import app
from pepr.core import outbox
from pepr.core.models import AuditEvent, EmailStatus, OutboundEmail
from tests.calls.helpers import complete
from tests.concurrency import in_thread, wait_for
from tests.factories import make_call
from tests.smtp_sink import smtp_sink
from tests.worker import celery_worker
from tests.servers import RedisServer, free_port

pytestmark = pytest.mark.django_db(transaction=True)


def _drop_broker_connections():
    # The app keeps its connection pools; kombu keeps them by URL: both are dropped, so that the
    # next task is published to the broker now configured.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def tasks_through(broker_url=None):
    """Tasks are published to a broker (this one, or the suite's) instead of run in-process."""
    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = broker_url or previous[0]
    app.conf.task_always_eager = False
    _drop_broker_connections()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        _drop_broker_connections()


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def _sent():
    return OutboundEmail.objects.filter(status=EmailStatus.SENT).count()


def test_a_submission_while_redis_is_down_is_confirmed_and_its_receipt_leaves_later(
        client, applicant, redis_server):
    call_command("load_reference_data", verbosity=0)
    application = complete(submission.start_application(make_call().stages.get(), by=applicant),
                           applicant)
    client.force_login(applicant)
    with tasks_through(redis_server.url):
        redis_server.stop()
        response = client.post(reverse("calls:submit_application", args=[application.pk]),
                               follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["success"]
        email = OutboundEmail.objects.get()
        assert email.key == f"receipt:{application.pk}:1" and email.recipient == applicant.email
        assert (email.status, email.published_at) == (EmailStatus.QUEUED, None)
        assert email.attachment_task and not email.attachment  # the PDF is rendered at delivery
        assert outbox.sweep(now=timezone.now() + outbox.PUBLISH_GRACE) == 0  # still down

        redis_server.start()
        with celery_worker():
            assert outbox.sweep(now=timezone.now() + outbox.PUBLISH_GRACE) == 1
            assert wait_for(lambda: _sent() == 1)
            # Published once: the next minutes' sweeps publish nothing more.
            assert outbox.sweep(now=timezone.now() + timedelta(minutes=5)) == 0
    email.refresh_from_db()
    assert (email.attempts, email.attachment_task) == (1, "") and email.published_at
    [message] = mail.outbox
    assert message.subject == email.subject and message.to == [applicant.email]
    assert message.extra_headers["Message-ID"] == outbox.message_id(email.key)
    assert message.attachments[0][2] == "application/pdf"


def _worker_process(smtp_port, log):
    """A Celery worker in a process of its own (and its own process group, for SIGKILL), on the
    suite's broker, queue and test database, sending through the sink."""
    database = connection.settings_dict
    # Commits do not wait for the disk (only a crash of PostgreSQL itself could lose one, not the
    # worker's): each e-mail commits its claim and its "sent", and the batch would spend most of
    # its time flushing the WAL.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
                           f"{database['HOST']}:{database['PORT']}/{database['NAME']}"
                           "?options=-c%20synchronous_commit%3Doff",
           "CELERY_TASK_ALWAYS_EAGER": "0", "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
           "EMAIL_TIMEOUT": "5"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pepr", "worker", "--pool=solo", "--loglevel=warning",
         "-Q", app.conf.task_default_queue, "--without-mingle", "--without-gossip",
         "--without-heartbeat"],
        cwd=django_settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)


def test_a_worker_killed_in_a_batch_loses_nothing_and_sends_only_the_one_in_flight_twice():
    keys = [f"batch:{number}" for number in range(500)]
    with smtp_sink() as sink, tasks_through(), tempfile.TemporaryFile() as log:
        app.control.purge()
        sink.stall_at = 150  # kept by the server, never confirmed: the worker dies waiting
        with transaction.atomic():
            outbox.queue_emails([{"key": key, "recipient": f"{key.replace(':', '-')}@example.org",
                                  "subject": "Batch", "body": "Hello."} for key in keys])
        worker = _worker_process(sink.port, log)
        try:
            assert sink.stalled.wait(60), _tail(log)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
            [in_flight] = OutboundEmail.objects.filter(status=EmailStatus.SENDING)
            assert _sent() == 149
            worker = _worker_process(sink.port, log)
            assert wait_for(lambda: _sent() == 499, timeout=60), _tail(log)
            # The lease of the e-mail in flight runs out: the sweep takes it back and publishes it.
            assert outbox.sweep(now=in_flight.lease_until + timedelta(seconds=1)) == 1
            assert wait_for(lambda: _sent() == 500, timeout=20), _tail(log)
        finally:
            with contextlib.suppress(ProcessLookupError):  # already killed when a step failed
                os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        arrivals = sink.message_ids()
    assert set(arrivals) == {outbox.message_id(key) for key in keys}
    assert sum(arrivals.values()) == 501 and arrivals[outbox.message_id(in_flight.key)] == 2
    in_flight.refresh_from_db()
    assert (in_flight.status, in_flight.attempts, in_flight.error) == (EmailStatus.SENT, 2, "")


def _tail(log):
    log.seek(0)
    return log.read().decode(errors="replace")[-3000:]


def _row_lock_is_free(email_id):
    with transaction.atomic():
        return OutboundEmail.objects.select_for_update(nowait=True).get(pk=email_id).status


def test_an_smtp_server_that_refuses_then_hangs_then_accepts(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 1
    with smtp_sink() as sink:
        # Nobody listens: connection refused. (In-process tasks: delivered as soon as queued.)
        email = outbox.queue_email(key="fault:1", recipient="a@example.org", subject="Hello",
                                   body="Hello.")
        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
        assert "ConnectionRefusedError" in email.error
        assert email.next_attempt_at - email.failing_since == timedelta(minutes=1)
        assert outbox.sweep() == 0  # not due yet

        settings.EMAIL_PORT, sink.mode = sink.port, "refuse"
        assert outbox.sweep(now=email.next_attempt_at) == 1
        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.FAILED, 2)
        assert "554" in email.error
        assert email.next_attempt_at - email.failing_since > timedelta(minutes=2)

        sink.mode, results = "hang", []
        thread = in_thread(outbox.sweep, results, email.next_attempt_at)
        try:
            assert sink.hanging.wait(10)
            # Claimed and committed before the SMTP call, which holds no transaction nor lock.
            assert _row_lock_is_free(email.pk) == EmailStatus.SENDING
        finally:
            thread.join(10)
        assert results == [1]
        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.FAILED, 3)
        assert "TimeoutError" in email.error or "timed out" in email.error

        sink.mode = "accept"
        assert outbox.sweep(now=email.next_attempt_at) == 1
        assert outbox.sweep(now=email.next_attempt_at + timedelta(days=1)) == 0
        assert sink.message_ids() == {outbox.message_id("fault:1"): 1}
    email.refresh_from_db()
    assert (email.status, email.attempts, email.error) == (EmailStatus.SENT, 4, "")


def test_an_email_failing_for_three_days_is_given_up_counted_and_resent_by_staff(
        client, settings, administrator):
    settings.EMAIL_BACKEND = "tests.pepr.test_reminders.FailingBackend"
    email = outbox.queue_email(key="fault:2", recipient="b@example.org", subject="Hi", body=".")
    OutboundEmail.objects.filter(pk=email.pk).update(
        failing_since=timezone.now() - timedelta(hours=django_settings.EMAIL_RETRY_FOR_HOURS))
    assert outbox.sweep(now=timezone.now() + timedelta(hours=1)) == 1
    email.refresh_from_db()
    assert (email.status, email.next_attempt_at) == (EmailStatus.DEAD, None)
    assert outbox.sweep(now=timezone.now() + timedelta(days=30)) == 0  # never tried again
    assert client.get("/readyz").json()["details"]["outbox"] == {"failed": 0, "dead": 1}

    client.force_login(administrator)
    changelist = reverse("admin:pepr_outboundemail_changelist")
    assert email.recipient in client.get(changelist, {"problem": "any"}).content.decode()
    assert email.recipient not in client.get(changelist, {"problem": "failed"}).content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(changelist, {"action": "resend", ACTION_CHECKBOX_NAME: [email.pk]},
                           follow=True)
    assert response.status_code == 200
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
    assert [m.to for m in mail.outbox] == [[email.recipient]]
    event = AuditEvent.objects.get(action="email.resent")
    assert event.actor == administrator and event.data["status"] == EmailStatus.DEAD
