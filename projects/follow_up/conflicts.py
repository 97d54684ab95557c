"""Conflicts of interest on a project, by ANR's rule: the coordinator, a co-editor, a partner
team's lead, or a member of the same research unit as a partner team does not review the
project's reports. The rule for one project (`is_conflicted`, the authority) and its SQL twin
(`conflicted_with`) that lists use; change both together."""
from django.db.models import Exists, Func, OuterRef, Q, Value
from django.db.models.functions import Lower, Trim

from projects.follow_up.models import ProjectEditor, ProjectPartner


def _norm(text):
    return " ".join((text or "").lower().split())


def is_conflicted(project, person):
    if person.pk is not None and person.pk == project.coordinator_id:
        return True
    email = (person.email or "").lower()
    editors = getattr(project, "_prefetched_objects_cache", {}).get("editors")
    if email and (any(e.email.lower() == email for e in editors) if editors is not None
                  else project.editors.filter(email__iexact=email).exists()):
        return True
    unit = _norm(person.laboratory)
    for partner in project.partners.all():
        if (email and partner.lead_email.lower() == email) or (
                unit and _norm(partner.laboratory) == unit):
            return True
    return False


def _normalized(expression):
    """SQL twin of _norm: lower case, whitespace collapsed and trimmed."""
    return Lower(Trim(Func(expression, Value(r"\s+"), Value(" "), Value("g"),
                           function="regexp_replace")))


def conflicted_with(user):
    """A filter on Project: the projects `user` has a conflict of interest with."""
    own = OuterRef("pk")
    condition = Q(coordinator_id=user.pk) | Q(Exists(
        ProjectEditor.objects.filter(project=own, email__iexact=user.email))) | Q(Exists(
            ProjectPartner.objects.filter(project=own, lead_email__iexact=user.email)))
    unit = _norm(user.laboratory)
    if unit:
        condition |= Q(Exists(ProjectPartner.objects.filter(project=own)
                              .annotate(unit=_normalized("laboratory")).filter(unit=unit)))
    return condition
