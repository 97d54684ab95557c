"""The reminder scan at 10,000 due reminders: drafts bulk-created on one stage closing in a day.

`run(results)` works in the current database (bench/run.py calls it after its own seed). Tasks run
eagerly and e-mails go to Django's in-memory backend, nothing is published to a broker; the scan
(find, claim, render, queue) and the in-process deliveries it triggers are timed apart. Run alone with
`python bench/bench_reminders.py`: it builds its own database, pepr_bench_reminders.
"""
import logging
import os
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

DRAFTS = int(os.environ.get("BENCH_REMINDERS", "10000"))


def _seed(count):
    from django.core.management import call_command
    from django.utils import timezone

    from calls.applications.models import Application
    from calls.setup.models import StageKind
    from pepr.core.models import User
    from tests.factories import make_call

    call_command("load_reference_data", verbosity=0)
    token, now = uuid.uuid4().hex[:8], timezone.now()
    # Closing in one day: the 7d and 2d offsets are both due, so each draft claims two rows and
    # sends one e-mail (the 2d one).
    stage = make_call(code=f"bench-reminders-{token}", stages=[
        (StageKind.LETTER_OF_INTENT, now - timedelta(days=20), now + timedelta(days=1))]
    ).stages.get()
    users = User.objects.bulk_create(
        [User(email=f"bench-{token}-{n}@example.org", first_name="Ada", last_name=f"Bench {n}",
              password="!", language="en" if n % 2 else "fr") for n in range(count)],
        batch_size=2000)
    Application.objects.bulk_create(
        [Application(stage=stage, reference=f"B{token}-{n:05d}", coordinator=user,
                     acronym=f"B{n}", title=f"Projet {n}") for n, user in enumerate(users)],
        batch_size=2000)


def _timed(func):
    started = time.perf_counter()
    value = func()
    return value, time.perf_counter() - started


def run(results, count=DRAFTS):
    """Append (label, seconds, runs) rows, the shape bench/run.py writes to results.md."""
    from django.core import mail
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone

    from pepr.celery import app
    from pepr.reminders import services as reminders

    _seed(count)
    previous, trace = app.conf.task_always_eager, logging.getLogger("celery.app.trace")
    previous_level = trace.level
    app.conf.task_always_eager = True
    trace.setLevel(logging.WARNING)  # not one log line per delivered e-mail
    mail.outbox = []
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            now = timezone.now()
            found, seconds = _timed(lambda: list(reminders.due_reminders(now)))
            results.append((f"reminders: find {len(found)} due ({count} drafts)", seconds, ""))
            # An outer transaction holds the after-commit tasks back, so that the scan (claim,
            # render, queue) and the deliveries it triggers are timed apart.
            started = time.perf_counter()
            with transaction.atomic():
                queued = reminders.send_due_reminders(now)
                scanned = time.perf_counter()
            delivered = time.perf_counter()
            results.append((f"reminders: claim and queue {queued} e-mails", scanned - started, ""))
            results.append((f"reminders: deliver {len(mail.outbox)} e-mails (eager, locmem)",
                            delivered - scanned, ""))
            again, seconds = _timed(reminders.send_due_reminders)
            results.append((f"reminders: next tick, {again} new", seconds, ""))
            sent = len(mail.outbox)
    finally:
        app.conf.task_always_eager = previous
        trace.setLevel(previous_level)
        mail.outbox = []
    return queued, sent


def main():
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pepr")
    os.environ["DATABASE_URL"] = base_url.rsplit("/", 1)[0] + "/pepr_bench_reminders"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django
    import psycopg

    with psycopg.connect(base_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS pepr_bench_reminders")
        conn.execute("CREATE DATABASE pepr_bench_reminders")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    results = []
    _queued, delivered = run(results)
    for label, seconds, _runs in results:
        print(f"{label}: {seconds:.2f} s")
    print(f"{delivered} e-mails in the in-memory outbox")


if __name__ == "__main__":
    main()
