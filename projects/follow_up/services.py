"""Writes of followed projects: the priority slots, a funded application handed over to
follow-up, the governance project, deliverables and co-editors."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from calls.applications.models import ApplicationStatus
from pepr.core import audit, reference_data
from projects.follow_up.models import (Project, ProjectOrigin, ProjectPartner, ProjectStatus,
                                       WorkPackage)


@transaction.atomic
def load_priority_slots(programme):
    """The slots of the twelve priority projects, three per axis; what staff entered in a slot
    (acronym, title, coordinator, budget) is never touched."""
    for axis in programme.axes.all():
        for position in range(1, reference_data.PRIORITY_PROJECTS_PER_AXIS + 1):
            Project.objects.get_or_create(origin=ProjectOrigin.PRIORITY, axis=axis,
                                          position=position)


@transaction.atomic
def load_governance_project(programme):
    """The governance of the programme, followed as a project of its own with its five work
    packages, so that its 4 M€ is followed like the rest."""
    project, _created = Project.objects.get_or_create(
        origin=ProjectOrigin.GOVERNANCE,
        defaults={"acronym": f"{programme.acronym}-GOUV", "title_fr": "Gouvernance du PEPR",
                  "title_en": "Governance of the PEPR", "status": ProjectStatus.RUNNING,
                  "duration_months": (programme.end_year - programme.start_year + 1) * 12})
    for work_package in reference_data.WORK_PACKAGES:
        WorkPackage.objects.update_or_create(project=project, number=work_package["number"],
                                             defaults=work_package)
    return project


def _origin_of(application):
    return ProjectOrigin.AMI if application.stage.call.kind == "ami" else ProjectOrigin.AAP


@transaction.atomic
def create_from_application(application, *, by):
    """Turn a funded application into a followed project, once: its acronym, titles, axis,
    coordinator, budget and partner teams carry over; its documents stay where they are and
    the project links to the application they belong to."""
    if not by.has_perm("projects.create_from_application"):
        raise PermissionDenied
    if application.status != ApplicationStatus.FUNDED:
        raise ValidationError(_("Only a funded application becomes a project."), code="not_funded")
    project, created = Project.objects.get_or_create(
        application=application,
        defaults={"origin": _origin_of(application), "acronym": application.acronym,
                  "title_fr": application.title, "title_en": application.title,
                  "axis": application.axis, "coordinator": application.coordinator,
                  "budget_eur": application.requested_budget_eur, "created_by": by,
                  "is_demo": application.is_demo})
    if created:
        ProjectPartner.objects.bulk_create(
            ProjectPartner(project=project, position=partner.position,
                           laboratory=partner.laboratory, rnsr=partner.rnsr,
                           organisation_id=partner.organisation_id, lead_name=partner.lead_name,
                           lead_email=partner.lead_email, role=partner.role)
            for partner in _distinct_units(application.partners.order_by("position", "pk")))
        audit.record(by, "project.created", project, _("created the project %(acronym)s")
                     % {"acronym": project.acronym}, application_id=application.pk)
    return project


def _distinct_units(partners):
    """One partner per research unit: an application may name the same unit twice."""
    seen = set()
    for partner in partners:
        key = partner.laboratory.strip().casefold()
        if key not in seen:
            seen.add(key)
            yield partner
