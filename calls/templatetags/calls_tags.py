"""Template helpers for calls: deadlines in Paris time, the state of a stage, and the status an
application's team may read."""
from django import template

from calls.applications.workflow import status_for_applicant
from pepr.core import paris as paris_time

register = template.Library()
register.filter("paris", paris_time.paris)


@register.simple_tag
def stage_state(stage):
    return stage.state()


@register.simple_tag
def applicant_status(application):
    """The status label the applicant side sees (see workflow.status_for_applicant)."""
    return status_for_applicant(application).label
