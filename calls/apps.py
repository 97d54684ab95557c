"""App configuration of the `calls` label: setup, applications, evaluation and decisions."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Calls")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The permissions of each part, registered with django-rules.
        from calls.applications import rules as _applications  # noqa: F401
        from calls.decisions import rules as _decisions  # noqa: F401
        from calls.evaluation import rules as _evaluation  # noqa: F401
        from calls.setup import rules as _setup  # noqa: F401
