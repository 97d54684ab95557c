"""Conflicts of interest: the rule for one file and one person (`is_conflicted`, the authority),
and its SQL twin (`conflicted_with`) that lists use to leave files out before paging. Change both
together: tests/calls/test_conflicts.py checks that they agree.

ANR's rule: a conflict is a declared one, or being the coordinator, a partner team's lead or
invited, or a member of the same research unit as a team of the application (the unit of the
reference data; a unit not listed is compared by name within the same organisation). "Same
organisation" is a rule a call may add (Call.conflict_same_organisation, off by default)."""
from django.db.models import Exists, Func, OuterRef, Q, Value
from django.db.models.functions import Lower, Trim
from django.utils.translation import gettext as _

from calls.applications.models import Application, Invitation, Partner
from calls.evaluation.models import Conflict
from pepr.core.models import User


def norm(text):
    return " ".join((text or "").lower().split())


def same_unlisted_unit(person, team_laboratory, team_unit_id, team_organisation_id):
    """A unit that is not in the reference data is compared by its name, within one
    organisation only: an "Immunologie" team in Lyon is not one in Strasbourg."""
    if person.unit_id and team_unit_id:
        return False  # both listed: compared by unit, not by name
    return bool(person.organisation_id and person.organisation_id == team_organisation_id
                and norm(person.laboratory) and norm(person.laboratory) == norm(team_laboratory))


def detected_conflict(application, person, *, partners=None, invited_emails=None):
    """The reason `person` may not evaluate `application`, or None (ANR's rule: the unit).
    `partners` and `invited_emails` may be passed when already loaded (bulk suggestion)."""
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
    coordinator = application.coordinator
    teams = [(p.laboratory, p.unit_id, p.organisation_id) for p in partners] + [
        (coordinator.laboratory, coordinator.unit_id, coordinator.organisation_id)]
    if person.unit_id and any(unit_id == person.unit_id for _lab, unit_id, _org in teams):
        return _("belongs to the same research unit as a team of the application")
    if any(same_unlisted_unit(person, *team) for team in teams):
        return _("belongs to the same research unit as a team of the application")
    if (application.stage.call.conflict_same_organisation and person.organisation_id
            and any(org == person.organisation_id for _lab, _unit, org in teams)):
        return _("belongs to the same organisation as a team (a rule of this call)")
    return None


def is_conflicted(application, person):
    if Conflict.objects.filter(application=application, person=person).exists():
        return True
    return detected_conflict(application, person) is not None


def normalized(expression):
    """SQL twin of _norm: lower case, whitespace collapsed and trimmed."""
    return Lower(Trim(Func(expression, Value(r"\s+"), Value(" "), Value("g"),
                           function="regexp_replace")))


def _unlisted_unit_condition(user, own):
    """SQL twin of same_unlisted_unit, on the coordinator and the partner teams."""
    laboratory = norm(user.laboratory)
    if not (laboratory and user.organisation_id):
        return None
    unlisted = Q() if user.unit_id is None else Q(unit__isnull=True)
    coordinator = User.objects.filter(unlisted, pk=OuterRef("coordinator_id"),
                                      organisation_id=user.organisation_id)
    partners = Partner.objects.filter(unlisted, application=own,
                                      organisation_id=user.organisation_id)
    return (Q(Exists(coordinator.annotate(lab=normalized("laboratory")).filter(lab=laboratory)))
            | Q(Exists(partners.annotate(lab=normalized("laboratory")).filter(lab=laboratory))))


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
    unlisted = _unlisted_unit_condition(user, own)
    if unlisted is not None:
        condition |= unlisted
    if user.unit_id:
        condition |= Q(coordinator__unit_id=user.unit_id) | Q(Exists(
            Partner.objects.filter(application=own, unit_id=user.unit_id)))
    if user.organisation_id:
        condition |= Q(stage__call__conflict_same_organisation=True) & (
            Q(coordinator__organisation_id=user.organisation_id) | Q(Exists(
                Partner.objects.filter(application=own, organisation_id=user.organisation_id))))
    return condition


def not_conflicted(user):
    """A filter on rows with an `application` foreign key: leaves out the applications `user` is
    conflicted with, tested row by row (NOT EXISTS) so that a page reads only its own rows."""
    return ~Exists(
        Application.objects.filter(conflicted_with(user), pk=OuterRef("application_id")))
