"""App configuration of the programme and site app."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeprConfig(AppConfig):
    name = "pepr"
    verbose_name = _("Programme")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import sqlite

        sqlite.connect()
