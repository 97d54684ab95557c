"""The filters of the API's lists that no other part shares: the projects' origin and status on
top of the call and stage of their application (calls.applications.filters)."""
import django_filters
from django.utils.translation import gettext_lazy as _

from calls.applications.filters import ApplicationRowsFilter
from projects.models import ProjectOrigin, ProjectStatus


class ProjectRowsFilter(ApplicationRowsFilter):
    """Projects of one origin, in one status; `?call=` and `?stage=` keep the projects of that
    call's applications (so neither priority projects nor the governance)."""

    origin = django_filters.ChoiceFilter(
        label=_("Origin"), choices=ProjectOrigin.choices,
        help_text="Only projects of this origin (priority, ami, aap, governance).")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ProjectStatus.choices, help_text="Only projects in this status.")
