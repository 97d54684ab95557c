"""Background work named, not imported: a service enqueues a Celery task by its name, after the
current transaction commits. Tasks import services and never the reverse, so no import cycle
runs through a tasks module. Every task name is declared in the `name=` of its @shared_task."""
from celery import current_app
from django.db import transaction


def task(name):
    """The registered task called `name`; KeyError names a task that no tasks module declares."""
    return current_app.tasks[name]


def after_commit(name, *args, robust=False):
    """Send task `name` with `args` once the transaction commits (at once outside of one).

    `robust`: a broker that is down must not turn the committed request into an error page; the
    caller then has its own way to hand the work again (a sweep, a stale marker)."""
    transaction.on_commit(lambda: task(name).delay(*args), robust=robust)


def now(name, *args):
    """Send task `name` with `args` now, e.g. from a sweep that runs outside a transaction."""
    return task(name).delay(*args)
