"""Reads of calls used by the public pages and the pilots' call pages."""
from django.db.models import Max, Min, Prefetch
from django.utils import timezone

from calls.setup.models import Call, Stage


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


def calls_for_management():
    """Every call, draft or published, for the pilots' pages; newest first."""
    return _with_stages(Call.objects.all()).order_by("-created_at", "-pk")
