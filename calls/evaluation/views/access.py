"""Lookups shared by the pilots' pages of evaluation, decisions and projects: a stage, and a file
the viewer has no conflict of interest with. Either answers 404, so that a pk reveals nothing."""
from django.http import Http404
from django.shortcuts import get_object_or_404

from calls.evaluation.conflicts import is_conflicted
from calls.setup.models import Stage


def stage_or_404(stage_pk):
    return get_object_or_404(Stage.objects.select_related("call"), pk=stage_pk)


def unconflicted_or_404(application, user):
    if application is None or is_conflicted(application, user):
        raise Http404
    return application
