"""Conflicts of interest: the rule for one file and one person (`is_conflicted`, the authority),
and its SQL twin (`conflicted_with`) that lists use to leave files out before paging. Change both
together: tests/calls/test_evaluation_services.py checks that they agree."""
from django.db.models import Exists, Func, OuterRef, Q, Value
from django.db.models.functions import Lower, Trim
from django.utils.translation import gettext as _

from calls.applications.models import Application, Invitation, Partner
from calls.evaluation.models import Conflict
from pepr.core.models import User


def _norm(text):
    return " ".join((text or "").lower().split())


def detected_conflict(application, person, *, partners=None, invited_emails=None):
    """The reason `person` may not evaluate `application`, or None. `partners` and
    `invited_emails` may be passed when already loaded (bulk suggestion)."""
    if person.pk == application.coordinator_id:
        return _("is the coordinator")
    partners = list(application.partners.all()) if partners is None else partners
    if invited_emails is None:
        invited_emails = {e.lower() for e in application.invitations.values_list("email", flat=True)}
    email = person.email.lower()
    if email in invited_emails:
        return _("is invited to the application")
    if any(p.lead_email.lower() == email for p in partners):
        return _("leads a partner team")
    organisations = {p.organisation_id for p in partners} | {
        application.coordinator.organisation_id}
    if person.organisation_id and person.organisation_id in organisations:
        return _("belongs to the same organisation as a consortium member")
    laboratories = {_norm(p.laboratory) for p in partners} | {
        _norm(application.coordinator.laboratory)}
    if _norm(person.laboratory) and _norm(person.laboratory) in laboratories:
        return _("belongs to the same laboratory as a consortium member")
    return None


def is_conflicted(application, person):
    if Conflict.objects.filter(application=application, person=person).exists():
        return True
    return detected_conflict(application, person) is not None


def _normalized(expression):
    """SQL twin of _norm: lower case, whitespace collapsed and trimmed."""
    return Lower(Trim(Func(expression, Value(r"\s+"), Value(" "), Value("g"),
                           function="regexp_replace")))


def conflicted_with(user):
    """A filter on Application: the files `user` has a conflict of interest with, declared or
    detected. The SQL twin of is_conflicted (which stays the authority for one
    object), so that lists can leave those files out before paging."""
    own = OuterRef("pk")
    email = user.email
    condition = (
        Q(coordinator_id=user.pk)
        | Q(Exists(Conflict.objects.filter(application=own, person_id=user.pk)))
        | Q(Exists(Invitation.objects.filter(application=own, email__iexact=email)))
        | Q(Exists(Partner.objects.filter(application=own, lead_email__iexact=email)))
    )
    if user.organisation_id:
        condition |= Q(coordinator__organisation_id=user.organisation_id) | Q(Exists(
            Partner.objects.filter(application=own, organisation_id=user.organisation_id)))
    laboratory = _norm(user.laboratory)
    if laboratory:
        condition |= Q(Exists(
            User.objects.filter(pk=OuterRef("coordinator_id"))
            .annotate(lab=_normalized("laboratory")).filter(lab=laboratory)
        )) | Q(Exists(
            Partner.objects.filter(application=own)
            .annotate(lab=_normalized("laboratory")).filter(lab=laboratory)
        ))
    return condition


def not_conflicted(user):
    """A filter on rows with an `application` foreign key: leaves out the applications `user` is
    conflicted with, tested row by row (NOT EXISTS) so that a page reads only its own rows."""
    return ~Exists(
        Application.objects.filter(conflicted_with(user), pk=OuterRef("application_id")))
