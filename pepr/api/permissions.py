"""Who may read the API: the programme staff who read the dashboards (pepr.view_dashboard)."""
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class ReadsDashboards(BasePermission):
    """Pilots, ANR officers and superusers; without credentials DRF answers 401, with the
    credentials of anyone else 403."""

    message = _("Only programme staff (pilots, ANR officers) read this API.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("pepr.view_dashboard"))
