"""App configuration of the `pepr` label: the portal's composition root (settings, URLs, Celery)
and the models of the core, reminders and reports (see pepr/models.py)."""
from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeprConfig(AppConfig):
    name = "pepr"
    verbose_name = _("Programme")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pepr.celery import TASK_MODULES
        from pepr.core import sqlite

        sqlite.connect()
        # Register every task, so that a service can enqueue one by name in this process too.
        for module in TASK_MODULES:
            import_module(module)
        from pepr.core import rules as _rules  # noqa: F401  (registers the permissions)
        from pepr.core import checks as _checks  # noqa: F401  (registers the system checks)
