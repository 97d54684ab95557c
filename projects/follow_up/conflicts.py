"""Conflicts of interest on a project, by ANR's rule: the coordinator, a co-editor, a partner
team's lead, or a member of the same research unit as a partner team (the unit of the reference
data; a unit not listed is compared by name within one organisation, as for applications) does
not review the project's reports. The rule for one project (`is_conflicted`, the authority)
and its SQL twin (`conflicted_with`) that lists use; change both together."""
from django.db.models import Exists, OuterRef, Q

from calls.evaluation.conflicts import norm, normalized, same_unlisted_unit
from projects.follow_up.models import ProjectEditor, ProjectPartner


def is_conflicted(project, person):
    if person.pk is not None and person.pk == project.coordinator_id:
        return True
    email = (person.email or "").lower()
    editors = getattr(project, "_prefetched_objects_cache", {}).get("editors")
    if email and (any(e.email.lower() == email for e in editors) if editors is not None
                  else project.editors.filter(email__iexact=email).exists()):
        return True
    for partner in project.partners.all():
        if (email and partner.lead_email.lower() == email) or (
                person.unit_id and partner.unit_id == person.unit_id) or same_unlisted_unit(
                    person, partner.laboratory, partner.unit_id, partner.organisation_id):
            return True
    return False


def conflicted_with(user):
    """A filter on Project: the projects `user` has a conflict of interest with."""
    own = OuterRef("pk")
    condition = Q(coordinator_id=user.pk) | Q(Exists(
        ProjectEditor.objects.filter(project=own, email__iexact=user.email))) | Q(Exists(
            ProjectPartner.objects.filter(project=own, lead_email__iexact=user.email)))
    if user.unit_id:
        condition |= Q(Exists(ProjectPartner.objects.filter(project=own, unit_id=user.unit_id)))
    laboratory = norm(user.laboratory)
    if laboratory and user.organisation_id:
        unlisted = Q() if user.unit_id is None else Q(unit__isnull=True)
        condition |= Q(Exists(
            ProjectPartner.objects.filter(unlisted, project=own,
                                          organisation_id=user.organisation_id)
            .annotate(lab=normalized("laboratory")).filter(lab=laboratory)))
    return condition
