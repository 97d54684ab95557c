"""Every write of the projects app."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from calls.applications.models import ApplicationStatus
from pepr.core import audit, reference_data
from projects.models import FundedProject, PriorityProject


@transaction.atomic
def create_from_application(application, *, by):
    """Turn a funded application into a followed project, once."""
    if not by.has_perm("projects.create_from_application"):
        raise PermissionDenied
    if application.status != ApplicationStatus.FUNDED:
        raise ValidationError(_("Only a funded application becomes a project."), code="not_funded")
    project, created = FundedProject.objects.get_or_create(
        application=application,
        defaults={"acronym": application.acronym, "title": application.title,
                  "axis": application.axis, "coordinator": application.coordinator,
                  "budget_eur": application.requested_budget_eur, "created_by": by})
    if created:
        audit.record(by, "project.created", project, _("created the project %(acronym)s")
                     % {"acronym": project.acronym}, application_id=application.pk)
    return project


@transaction.atomic
def load_priority_slots(programme):
    """The slots of the twelve priority projects, three per axis; what staff entered in a slot
    (acronym, title, coordinator, budget) is never touched."""
    for axis in programme.axes.all():
        for position in range(1, reference_data.PRIORITY_PROJECTS_PER_AXIS + 1):
            PriorityProject.objects.get_or_create(axis=axis, position=position)
