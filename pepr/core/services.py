"""Every write of the core: the programme's reference data, profiles and language preferences."""
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_noop

from pepr.core import audit, reference_data
from pepr.core.models import Axis, Organisation, Programme, Role, User


@transaction.atomic
def load_programme():
    """Create or update the programme, its four axes, the organisations and the role groups.
    Safe to run again: it never duplicates. The committees, work packages and priority-project
    slots are loaded by their parts (see pepr.reference)."""
    programme, _ = Programme.objects.update_or_create(
        code=reference_data.PROGRAMME["code"], defaults=reference_data.PROGRAMME
    )
    for axis_data in reference_data.AXES:
        Axis.objects.update_or_create(
            programme=programme, number=axis_data["number"], defaults=axis_data
        )
    for organisation in reference_data.ORGANISATIONS:
        Organisation.objects.get_or_create(name=organisation["name"], defaults=organisation)
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    return programme


def affiliation_locked(user):
    """True once the user evaluates or sits on a committee: from then on their organisation and
    laboratory, which decide conflicts of interest, are changed by staff only."""
    # Through the reverse relations of governance and evaluation: the core imports no feature.
    return (user.committee_memberships.exists() or user.has_role(Role.REVIEWER)
            or user.assignments.exists() or user.declarations.exists())


def update_profile(user: User, *, changed_fields, **values):
    """Save the profile fields a user edited; the caller validated them (ProfileForm). A change
    of affiliation is audited, since conflicts of interest are detected from it."""
    # From the database: a validated ModelForm has already copied the new values onto `user`.
    stored = User.objects.filter(pk=user.pk).values("organisation", "unit",
                                                     "laboratory").first() or {}
    before = {"organisation": str(stored.get("organisation") or ""),
              "unit": str(stored.get("unit") or ""),
              "laboratory": stored.get("laboratory") or ""}
    for name in changed_fields:
        setattr(user, name, values[name])
    if changed_fields:
        user.save(update_fields=list(changed_fields))
    after = {"organisation": str(user.organisation_id or ""), "unit": str(user.unit_id or ""),
             "laboratory": user.laboratory or ""}
    if stored and before != after:
        audit.record(user, "profile.affiliation", user, gettext_noop("changed their affiliation"),
                     before=before, after=after)
    return user


def set_language(user: User, language: str):
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def grant_role(user: User, role: Role):
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.__dict__.pop("_role_names", None)
