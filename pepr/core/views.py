"""Pages of the site itself: home, legal pages, profile, language switch and health probes."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pepr.core import health, services
from pepr.core.forms import LanguageForm, ProfileForm


def privacy(request):
    return render(request, "pepr/privacy.html", {
        "controller": settings.PRIVACY_CONTROLLER, "dpo_email": settings.PRIVACY_DPO_EMAIL,
    })


def accessibility(request):
    return render(request, "pepr/accessibility.html")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(request.user, changed_fields=form.changed_data, **form.cleaned_data)
        # The confirmation is worded in the language the user just chose.
        translation.activate(request.user.language)
        messages.success(request, _("Your profile has been saved."))
        response = HttpResponseRedirect(request.path)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.language,
                            max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax")
        return response
    return render(request, "pepr/profile.html", {"form": form})


@require_POST
def set_language(request):
    """The language switcher: a plain form, so it works without JavaScript."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        services.set_language(request.user, language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                            max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax")
    return response


# Both probes are answered by pepr.core.middleware.ProbeMiddleware, before the session and the
# user are loaded: they must never read request.user or request.session.

@never_cache
def healthz(request):
    """The process answers; nothing else is asked (no database, session or cache)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """503 only while the database is down; Redis down is "degraded" with a 200 (health.py)."""
    status, report = health.readiness()
    return JsonResponse(report, status=status)
