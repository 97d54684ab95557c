"""Reads of calls and applications used by pages, dashboards and exports."""
from django.db.models import Max, Min, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from .models import (Application, ApplicationDocument, Call, Decision, LetterStatus, Partner,
                     Review, ReviewStatus, Stage, StatusChange)


def _with_stages(queryset):
    return queryset.prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("number")), "axes"
    )


def open_calls(moment=None):
    """Published calls that have a stage open now."""
    moment = moment or timezone.now()
    return _with_stages(
        Call.objects.published().filter(stages__in=Stage.objects.open_at(moment)).distinct()
        .order_by("-published_at")
    )


def published_calls():
    return _with_stages(
        Call.objects.published()
        .annotate(first_opening=Min("stages__opens_at"), last_closing=Max("stages__closes_at"))
        .order_by("-last_closing")
    )


def _announced_outcome():
    return Subquery(
        Decision.objects.filter(application=OuterRef("pk"), letter__status=LetterStatus.SENT)
        .order_by("-decided_at").values("outcome")[:1]
    )


def applications_of(user):
    """Applications the user coordinates or was invited to (and accepted), newest first, with
    the outcome announced to them (`announced_outcome`)."""
    return (
        Application.objects.annotate(announced_outcome=_announced_outcome()).filter(
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


def calls_for_management():
    """Every call, draft or published, for the pilots' pages; newest first."""
    return _with_stages(Call.objects.all()).order_by("-created_at", "-pk")


def comments_for_applicant(application):
    """The submitted reviews' comments meant for the applicant, without reviewer names."""
    return list(
        Review.objects.filter(assignment__application=application, status=ReviewStatus.SUBMITTED)
        .exclude(comment_for_applicant="").order_by("submitted_at")
        .values_list("comment_for_applicant", flat=True)
    )
