"""Pilots manage calls in the portal: create, edit, preview and publish."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


@login_required
def call_list(request):
    if not request.user.has_perm("calls.manage_calls"):
        raise PermissionDenied
    return render(request, "calls/manage/call_list.html", {})
