"""Middleware of the portal: the health probes answered before anything else is loaded, and the
language of each response (French first, as a French public service must)."""
from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from pepr.core import views

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """A signed-in user's saved preference wins, then the language cookie, then French.

    Django's LocaleMiddleware would follow the browser's Accept-Language; the programme wants
    French by default and English only on request, so the header is deliberately ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
        if language not in SUPPORTED:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class ProbeMiddleware:
    """Answers /healthz and /readyz before the session middleware and everything after it.

    The probes are asked every few seconds by the load balancer and the container healthchecks:
    /healthz must say only that the process answers (no database, session, user or cache), and
    /readyz checks the services itself. Answered further down, a probe sent with a session cookie
    loaded the session and the user (UserLanguageMiddleware) and failed with the database."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.probes = {"/healthz": views.healthz, "/readyz": views.readyz}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        return probe(request) if probe else self.get_response(request)
