"""Every write on an application: start, save a draft, upload, submit, reopen, withdraw, invite.

Every state change goes through calls.applications.workflow.perform, under the application's row lock.
"""
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calls.applications import checklist, receipts
from calls.applications.documents import inspect_pdf
from calls.applications.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Invitation,
    Partner,
    PartnerRole,
    StatusChange,
    SubmittedVersion,
)
from calls.applications.workflow import allows, perform
from calls.setup.models import Stage, StageKind
from pepr.core import audit

S = ApplicationStatus
DRAFT_FIELDS = ["title", "acronym", "axis", "summary_fr", "summary_en", "keywords",
                "requested_budget_eur"]


class DeadlinePassed(ValidationError):
    pass


def _ensure_open(stage, moment):
    if moment < stage.opens_at:
        raise DeadlinePassed(_("This stage is not open yet."), code="not_open")
    if moment >= stage.closes_at:
        raise DeadlinePassed(
            _("The deadline has passed: this stage closed on %(date)s (Paris time). "
              "Your draft is kept but can no longer be submitted or changed.")
            % {"date": timezone.localtime(stage.closes_at).strftime("%d/%m/%Y %H:%M")},
            code="deadline_passed",
        )


def _locked(application):
    return Application.objects.select_for_update().select_related("stage__call").get(
        pk=application.pk
    )


def selected_letters_of(user, stage):
    """Letters of intent of the same call, selected at the previous stage, that `user` coordinates."""
    return Application.objects.filter(
        stage__call_id=stage.call_id, stage__number__lt=stage.number,
        stage__kind=StageKind.LETTER_OF_INTENT, status=S.SELECTED, coordinator=user,
    )


@transaction.atomic
def start_application(stage, *, by, grown_from=()):
    stage = Stage.objects.select_for_update().select_related("call").get(pk=stage.pk)
    _ensure_open(stage, timezone.now())
    if stage.requires_selected_letters:
        allowed = set(selected_letters_of(by, stage).values_list("pk", flat=True))
        if not grown_from or not {letter.pk for letter in grown_from} <= allowed:
            raise PermissionDenied(
                _("Only teams whose letter of intent was selected can start a full project.")
            )
    stage.last_reference_number += 1
    stage.save(update_fields=["last_reference_number"])
    application = Application.objects.create(
        stage=stage, coordinator=by, axis=stage.call.axes.order_by("number").first()
        if stage.call.axes.count() == 1 else None,
        reference=f"{stage.call.code.upper()}-{stage.number}-{stage.last_reference_number:05d}",
    )
    if grown_from:
        application.grown_from.set(grown_from)
    # The coordinator's own team comes first, prefilled from the profile.
    Partner.objects.create(
        application=application, position=0, organisation=by.organisation,
        laboratory=by.laboratory or "-", lead_name=by.get_full_name() or by.email,
        lead_email=by.email, role=PartnerRole.COORDINATOR,
    )
    StatusChange.objects.create(application=application, from_status="", to_status=S.DRAFT,
                                actor=by)
    return application


def _ensure_editable(application):
    if not allows("save", application):
        raise ValidationError(
            _("Only a draft can be changed. Reopen the application first (before the deadline)."),
            code="not_draft",
        )
    _ensure_open(application.stage, timezone.now())


@transaction.atomic
def save_draft(application, *, by, data, partners):
    """Save the fields of the form and replace the partner list by `partners` (cleaned dicts)."""
    application = _locked(application)
    _ensure_editable(application)
    for field in DRAFT_FIELDS:
        if field in data:
            setattr(application, field, data[field])
    application.save(update_fields=[*DRAFT_FIELDS, "updated_at"])
    if partners is not None:
        application.partners.all().delete()
        Partner.objects.bulk_create(
            Partner(application=application, position=position, **partner)
            for position, partner in enumerate(partners)
        )
    return application


@transaction.atomic
def upload_document(application, requirement, uploaded, *, by):
    """Replace the document of `requirement`; a refused file leaves the previous one in place."""
    inspected = inspect_pdf(uploaded, requirement)
    application = _locked(application)
    _ensure_editable(application)
    if requirement.stage_id != application.stage_id:
        raise PermissionDenied
    previous = application.documents.filter(requirement=requirement).first()
    document = previous or ApplicationDocument(application=application, requirement=requirement)
    old_file = previous.file.name if previous else None
    document.original_name = uploaded.name[:255]
    document.pages, document.size_bytes, document.sha256 = (
        inspected.pages, inspected.size, inspected.sha256)
    document.uploaded_by = by
    document.file.save(uploaded.name, uploaded, save=False)
    document.save()
    if old_file and not _file_is_in_a_version(application, old_file):
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return document


def _file_is_in_a_version(application, name):
    # Submitted versions keep pointing at their files: those are never deleted.
    return any(
        doc.get("file") == name
        for version in application.submitted_versions.all()
        for doc in version.content.get("documents", [])
    )


def _snapshot(application):
    return {
        **{field: getattr(application, field) for field in DRAFT_FIELDS if field != "axis"},
        "axis": application.axis.number if application.axis else None,
        "partners": [
            {"organisation": str(p.organisation) if p.organisation else "",
             "laboratory": p.laboratory, "unit": p.unit.label if p.unit_id else "",
             "rnsr": p.rnsr, "lead_name": p.lead_name, "lead_email": p.lead_email,
             "role": p.role}
            for p in application.partners.select_related("organisation", "unit")
        ],
        "documents": [
            {"requirement": d.requirement_id, "file": d.file.name, "name": d.original_name,
             "pages": d.pages, "sha256": d.sha256}
            for d in application.documents.all()
        ],
        "grown_from": list(application.grown_from.values_list("reference", flat=True)),
    }


@transaction.atomic
def submit(application, *, by):
    """Submit under the row lock: the deadline is checked after the lock is held, so a request
    that waited on a concurrent submit cannot slip in after closing; a double click submits once.
    Returns (application, submitted_now)."""
    application = _locked(application)
    if application.status == S.SUBMITTED:
        return application, False
    now = timezone.now()
    _ensure_open(application.stage, now)
    missing = checklist.missing(application)
    if missing:
        raise ValidationError(
            _("The application is incomplete: %(missing)s.") % {"missing": ", ".join(missing)},
            code="incomplete",
        )
    application.version += 1
    application.submitted_at = now
    application.save(update_fields=["version", "submitted_at", "updated_at"])
    version = SubmittedVersion.objects.create(application=application,
                                              number=application.version, submitted_at=now,
                                              submitted_by=by, content=_snapshot(application))
    perform(application, "submit", by=by, version=application.version)
    # In this transaction: the receipt exists if and only if the submission does, broker or not.
    receipts.queue_submission_receipt(version)
    return application, True


@transaction.atomic
def reopen(application, *, by):
    """Back to draft before the deadline; the submitted version stays on record."""
    application = _locked(application)
    _ensure_open(application.stage, timezone.now())
    if not allows("reopen", application):
        raise ValidationError(_("Only a submitted application can be reopened."),
                              code="not_submitted")
    perform(application, "reopen", by=by)
    return application


@transaction.atomic
def withdraw(application, *, by):
    application = _locked(application)
    perform(application, "withdraw", by=by)
    return application


ON_BEHALF_ACTIONS = {"reopen": reopen, "withdraw": withdraw}
ON_BEHALF_MESSAGES = {
    "reopen": gettext_noop("reopened %(reference)s on behalf of its coordinator: %(reason)s"),
    "withdraw": gettext_noop("withdrew %(reference)s on behalf of its coordinator: %(reason)s"),
}


@transaction.atomic
def act_on_behalf(application, action, *, by, reason):
    """An administrator reopens or withdraws an application for its team (who asked for it),
    explicitly and with a reason on the audit trail: no account gets these moves otherwise."""
    if action not in ON_BEHALF_ACTIONS:
        raise ValueError(action)
    if not rules.has_perm("calls.act_on_behalf", by, application):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you act for the team (who asked, when).")},
                              code="no_reason")
    application = ON_BEHALF_ACTIONS[action](application, by=by)
    audit.record(by, f"application.{action}_on_behalf", application, ON_BEHALF_MESSAGES[action],
                 {"reference": application.reference, "reason": reason[:300]},
                 application_id=application.pk)
    return application


@transaction.atomic
def invite(application, *, email, access, by):

    email = email.strip().lower()
    if email == by.email.lower():
        raise ValidationError(_("You cannot invite yourself."), code="self")
    invitation, created = Invitation.objects.update_or_create(
        application=application, email=email, defaults={"access": access, "invited_by": by},
    )
    if created:
        receipts.queue_invitation(invitation)
    return invitation


@transaction.atomic
def accept_invitation(token, *, user):
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or invitation.email != user.email.lower():
        raise PermissionDenied(_("This invitation was sent to another e-mail address."))
    if invitation.accepted_at is None:
        invitation.user, invitation.accepted_at = user, timezone.now()
        invitation.save(update_fields=["user", "accepted_at"])
    return invitation


@transaction.atomic
def revoke_invitation(invitation, *, by):
    invitation.delete()


