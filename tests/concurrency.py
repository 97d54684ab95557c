"""Helpers for tests that race real transactions: threads with their own database connection,
and polling for a condition another thread or a Celery worker brings about."""
import threading
import time

from django.db import connection


def in_thread(target, results, *args):
    """Run `target(*args)` in a thread; its return value or exception lands in `results`."""

    def run():
        try:
            results.append(target(*args))
        except Exception as error:  # collected and asserted by the test
            results.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_for(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
