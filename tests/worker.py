"""A real Celery worker on the test Redis broker, in a thread of the test process."""
import contextlib
import time

from celery.contrib.testing.worker import start_worker

from pepr.celery import app


def _queue_length():
    with app.connection_for_read() as connection:
        return connection.default_channel.client.llen(app.conf.task_default_queue)


@contextlib.contextmanager
def celery_worker():
    """Tasks go through Redis to a real worker for the duration of the block; the block ends
    only once the queue is drained, so no task leaks into another test."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
            deadline = time.monotonic() + 20
            while _queue_length() and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(0.3)  # the last task taken from the queue finishes before shutdown
    finally:
        app.conf.task_always_eager = previous
