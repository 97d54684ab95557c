"""Template helpers for calls: deadlines in Paris time and the state of a stage."""
from zoneinfo import ZoneInfo

from django import template
from django.utils import formats, timezone

from calls.applications.workflow import status_for_applicant

register = template.Library()
PARIS = ZoneInfo("Europe/Paris")


@register.filter
def paris(value):
    """Deadlines are legal times in Paris, whatever the viewer's time zone."""
    if not value:
        return ""
    return formats.date_format(timezone.localtime(value, PARIS), "DATETIME_FORMAT")


@register.simple_tag
def stage_state(stage):
    return stage.state()


@register.simple_tag
def applicant_status(application):
    """The status label the applicant side sees (see workflow.status_for_applicant)."""
    return status_for_applicant(application).label
