"""Pages of calls and applications; every write goes through calls.services."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from . import selectors


def call_list(request):
    page = Paginator(selectors.published_calls(), 20).get_page(request.GET.get("page"))
    return render(request, "calls/call_list.html", {"page": page})


def call_detail(request, code):
    call = get_object_or_404(selectors.published_calls(), code=code)
    return render(request, "calls/call_detail.html", {"call": call})


@login_required
def my_applications(request):
    page = Paginator(selectors.applications_of(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "calls/my_applications.html", {"page": page})
