"""The FilterSets of applications and of the rows hanging off an application (partners,
reviewer assignments, agenda items, decisions, followed projects), shared by the API and the
exports."""
import django_filters
from django.utils.translation import gettext_lazy as _

from calls.applications.models import ApplicationStatus
from calls.setup.filters import CallStageFilter


class ApplicationFilter(CallStageFilter):
    """Applications of one call or stage, in one status."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ApplicationStatus.choices,
        help_text="Only applications in this status.")


class ApplicationRowsFilter(CallStageFilter):
    """Rows with an `application`, by the call or stage of their application."""

    stage_path = "application__stage"
