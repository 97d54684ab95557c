"""Writes of followed projects: the priority slots, a funded application handed over to
follow-up, the governance project, deliverables and co-editors."""
import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calls.applications.models import ApplicationStatus
from pepr.core import audit, reference_data
from pepr.core.models import User
from pepr.core.outbox import queue_email
from projects.follow_up.models import (Deliverable, DeliverableStatus, Project, ProjectEditor,
                                       ProjectOrigin, ProjectPartner, ProjectStatus, WorkPackage)


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
                  "duration_months": (programme.end_year - programme.start_year + 1) * 12,
                  "budget_eur": programme.governance_budget_eur})
    if project.budget_eur is None:  # loaded before the governance budget was carried over
        project.budget_eur = programme.governance_budget_eur
        project.save(update_fields=["budget_eur", "updated_at"])
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
                           unit_id=partner.unit_id,
                           organisation_id=partner.organisation_id, lead_name=partner.lead_name,
                           lead_email=partner.lead_email, role=partner.role)
            for partner in _distinct_units(application.partners.order_by("position", "pk")))
        audit.record(by, "project.created", project,
                     gettext_noop("created the project %(acronym)s"),
                     {"acronym": project.acronym}, application_id=application.pk)
    return project


def _distinct_units(partners):
    """One partner per research unit: an application may name the same unit twice."""
    seen = set()
    for partner in partners:
        key = partner.unit_id or partner.laboratory.strip().casefold()
        if key not in seen:
            seen.add(key)
            yield partner


# --- Milestones and deliverables ------------------------------------------------------------

@transaction.atomic
def deliver(deliverable, *, by, evidence=None, inspected=None):
    """Mark a milestone or deliverable delivered, with its evidence (a PDF already checked by
    the form: `inspected` holds its pages and digest)."""
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    if not rules.has_perm("projects.edit_deliverable", by, deliverable):
        raise PermissionDenied
    if deliverable.status == DeliverableStatus.ACCEPTED:
        raise ValidationError(_("This item was accepted: it can no longer be changed."),
                              code="accepted")
    fields = ["status", "delivered_at", "delivered_by"]
    if evidence is not None:
        deliverable.evidence.save(f"{deliverable.code}.pdf", evidence, save=False)
        deliverable.evidence_name = evidence.name[:255]
        deliverable.evidence_pages, deliverable.evidence_sha256 = inspected.pages, inspected.sha256
        fields += ["evidence", "evidence_name", "evidence_pages", "evidence_sha256"]
    elif not deliverable.evidence:
        raise ValidationError({"evidence": _("Attach the evidence (a PDF) of this item.")},
                              code="no_evidence")
    deliverable.status, deliverable.delivered_by = DeliverableStatus.DELIVERED, by
    deliverable.delivered_at = timezone.now()
    deliverable.save(update_fields=fields)
    audit.record(by, "project.deliverable.delivered", deliverable.project,
                 gettext_noop("delivered %(code)s %(title)s"),
                 {"code": deliverable.code, "title": deliverable.title},
                 deliverable_id=deliverable.pk)
    return deliverable


@transaction.atomic
def accept_deliverable(deliverable, *, by):
    deliverable = Deliverable.objects.select_for_update().select_related("project").get(
        pk=deliverable.pk)
    if not rules.has_perm("projects.accept_deliverable", by, deliverable):
        raise PermissionDenied
    if deliverable.status != DeliverableStatus.DELIVERED:
        raise ValidationError(_("Only a delivered item can be accepted."), code="not_delivered")
    deliverable.status, deliverable.accepted_by = DeliverableStatus.ACCEPTED, by
    deliverable.accepted_at = timezone.now()
    deliverable.save(update_fields=["status", "accepted_at", "accepted_by"])
    audit.record(by, "project.deliverable.accepted", deliverable.project,
                 gettext_noop("accepted %(code)s %(title)s"),
                 {"code": deliverable.code, "title": deliverable.title},
                 deliverable_id=deliverable.pk)
    return deliverable


# --- Co-editors -----------------------------------------------------------------------------

@transaction.atomic
def invite_editor(project, *, email, by):
    """Invite a person to co-edit the project's reports and deliverables; the e-mail is written
    into the outbox in the same transaction, so that nothing is lost if the broker is down."""
    if not rules.has_perm("projects.invite_editor", by, project):
        raise PermissionDenied
    email = email.strip().lower()
    if email == by.email.lower():
        raise ValidationError({"email": _("You cannot invite yourself.")}, code="self")
    editor, created = ProjectEditor.objects.get_or_create(
        project=project, email=email, defaults={"invited_by": by})
    if not created:
        raise ValidationError({"email": _("This person is already invited.")}, code="invited")
    known = User.objects.filter(email__iexact=email).first()
    with translation.override(known.language if known else "fr"):
        context = {"project": project, "invited_by": by,
                   "url": settings.SITE_URL.rstrip("/") + reverse(
                       "projects:accept_invitation", args=[editor.token])}
        subject = render_to_string("emails/project_invitation_subject.txt", context).strip()
        body = render_to_string("emails/project_invitation.txt", context)
    queue_email(key=f"project-invitation:{editor.pk}", recipient=email, subject=subject,
                body=body)
    audit.record(by, "project.editor.invited", project,
                 gettext_noop("invited %(email)s to co-edit"), {"email": email})
    return editor


@transaction.atomic
def accept_invitation(token, *, user):
    editor = ProjectEditor.objects.select_for_update().filter(token=token).first()
    if editor is None or editor.email != user.email.lower():
        raise PermissionDenied(_("This invitation was sent to another e-mail address."))
    if editor.accepted_at is None:
        editor.user, editor.accepted_at = user, timezone.now()
        editor.save(update_fields=["user", "accepted_at"])
        audit.record(user, "project.editor.joined", editor.project,
                     gettext_noop("accepted to co-edit the project"))
    return editor
