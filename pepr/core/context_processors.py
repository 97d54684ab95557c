"""Values every page shows: contacts, accessibility status, and which menus the viewer gets."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.functional import SimpleLazyObject

from pepr.core.rules import is_ccs_member, is_committee_member, is_reviewer


def _menus(user):
    """Which role menus to show; two small EXISTS queries at most, only when a page asks."""
    if not user.is_authenticated:
        return {}
    committee = is_committee_member(user)
    dashboards = user.has_perm("pepr.view_dashboard")
    return {
        # Reviewers are external experts and CCS rapporteurs (calls.evaluation.matching.reviewer_pool).
        "reviews": is_ccs_member(user) or is_reviewer(user)
        or user.assignments.exists(),
        "committees": committee,
        "evaluation": user.has_perm("calls.manage_evaluation"),
        "dashboards": dashboards,
        "manage_calls": user.has_perm("calls.manage_calls"),
        # Who reads every project (projects.rules): committee members, pilots and ANR.
        "projects": committee or dashboards,
        # One query, through the reverse relations: the core does not import the projects app.
        "my_projects": get_user_model().objects.filter(pk=user.pk).filter(
            Q(coordinated_projects__isnull=False)
            | Q(project_editorships__accepted_at__isnull=False)).exists(),
    }


def site(request):
    user = getattr(request, "user", None)
    return {
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        # RGAA: the site has not been audited, so it must declare itself non-conforming.
        "ACCESSIBILITY_STATUS": "non_conforme",
        "menus": SimpleLazyObject(lambda: _menus(user)) if user is not None else {},
    }
