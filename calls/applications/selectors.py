"""Reads of applications used by the applicant's pages."""
from django.db.models import Prefetch, Q

from calls.applications.models import Application, ApplicationDocument, Partner, StatusChange


def applications_of(user):
    """Applications the user coordinates or was invited to (and accepted), newest first; each
    carries the status its team may read (`announced_status`, see workflow.status_for_applicant)."""
    return (
        Application.objects.filter(
            Q(coordinator=user) | Q(invitations__user=user, invitations__accepted_at__isnull=False)
        )
        .distinct()
        .select_related("stage__call")
        .order_by("-updated_at", "-id")
    )


def application_detail(pk):
    """One application with everything its page shows, in a fixed number of queries."""
    return (
        Application.objects.select_related("stage__call", "coordinator", "axis")
        .prefetch_related(
            Prefetch("partners", queryset=Partner.objects.select_related("organisation")),
            Prefetch("documents", queryset=ApplicationDocument.objects.select_related(
                "requirement")),
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("actor")),
            "submitted_versions", "invitations", "grown_from", "stage__document_requirements",
        )
        .filter(pk=pk)
        .first()
    )
