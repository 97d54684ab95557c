"""Every write of the programme app: reference data, profiles and language preferences."""
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from governance.models import Committee, WorkPackage
from projects.models import PriorityProject

from pepr.core import reference_data
from pepr.core.models import Axis, Organisation, Programme, Role, User


@transaction.atomic
def load_reference_data():
    """Create or update the programme, its axes, committees, work packages and the twelve
    priority-project slots. Safe to run again: it never duplicates and never touches what staff
    entered in a slot (acronym, title, coordinator, budget)."""
    programme, _ = Programme.objects.update_or_create(
        code=reference_data.PROGRAMME["code"], defaults=reference_data.PROGRAMME
    )
    for axis_data in reference_data.AXES:
        axis, _ = Axis.objects.update_or_create(
            programme=programme, number=axis_data["number"], defaults=axis_data
        )
        for position in range(1, reference_data.PRIORITY_PROJECTS_PER_AXIS + 1):
            PriorityProject.objects.get_or_create(axis=axis, position=position)
    for committee in reference_data.COMMITTEES:
        Committee.objects.update_or_create(
            programme=programme, code=committee["code"], defaults=committee
        )
    for work_package in reference_data.WORK_PACKAGES:
        WorkPackage.objects.update_or_create(
            programme=programme, number=work_package["number"], defaults=work_package
        )
    for organisation in reference_data.ORGANISATIONS:
        Organisation.objects.get_or_create(name=organisation["name"], defaults=organisation)
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    return programme


def affiliation_locked(user):
    """True once the user evaluates or sits on a committee: from then on their organisation and
    laboratory, which decide conflicts of interest, are changed by staff only."""
    from calls.evaluation.models import Assignment, Declaration

    return (user.committee_memberships.exists() or user.has_role(Role.REVIEWER)
            or Assignment.objects.filter(reviewer=user).exists()
            or Declaration.objects.filter(reviewer=user).exists())


def update_profile(user: User, *, changed_fields, **values):
    """Save the profile fields a user edited; the caller validated them (ProfileForm). A change
    of affiliation is audited, since conflicts of interest are detected from it."""
    from pepr.core import audit

    # From the database: a validated ModelForm has already copied the new values onto `user`.
    stored = User.objects.filter(pk=user.pk).values("organisation", "laboratory").first() or {}
    before = {"organisation": str(stored.get("organisation") or ""),
              "laboratory": stored.get("laboratory") or ""}
    for name in changed_fields:
        setattr(user, name, values[name])
    if changed_fields:
        user.save(update_fields=list(changed_fields))
    after = {"organisation": str(user.organisation_id or ""),
             "laboratory": user.laboratory or ""}
    if stored and before != after:
        audit.record(user, "profile.affiliation", user, _("changed their affiliation"),
                     before=before, after=after)
    return user


def set_language(user: User, language: str):
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def grant_role(user: User, role: Role):
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.__dict__.pop("_role_names", None)
