"""The Celery application. Tasks live in the parts' tasks.py and are enqueued by name
(pepr.core.enqueue); TASK_MODULES lists every one, so that the worker and the web process
(which runs tasks in-process under `make run`) know them all."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pepr.settings")

TASK_MODULES = [
    "pepr.core.tasks",
    "calls.applications.tasks",
    "calls.decisions.tasks",
    "governance.tasks",
    "pepr.reminders.tasks",
    "pepr.reports.tasks",
]

app = Celery("pepr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.imports = TASK_MODULES
