"""The error page of a request that failed: a translated 503 while the database is unreachable.

Django answers an uncaught exception with a 500, whichever middleware or view raised it (a session
loaded for the language, a query in a view). A database that cannot be reached, during a restart or
a failover, is an outage that ends by itself: a 503 with Retry-After says so to the browser and the
load balancer. The page reads nothing from the database (no user, no menu, no context processor)
and takes its language from the language cookie or the browser, the saved preference being out of
reach.
"""
import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER = 30  # seconds: about what a PostgreSQL restart takes
PLAIN = ("Service momentanément indisponible, veuillez réessayer dans quelques minutes.\n"
         "Service temporarily unavailable, please try again in a few minutes.\n")


def _database_unreachable(error):
    # The driver's error may arrive wrapped by a library that caught and raised again.
    for _depth in range(5):
        if error is None:
            return False
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        error = error.__cause__ or error.__context__
    return False


def _language(request):
    # Cookie, then Accept-Language, then French (LANGUAGE_CODE): the user's profile is unreadable.
    language = translation.get_language_from_request(request)
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def database_unavailable(request):
    language = _language(request)
    try:
        with translation.override(language):
            body, content_type = render_to_string("503.html"), "text/html; charset=utf-8"
    except Exception:  # e.g. no static files manifest: the page must still answer, plainly
        logger.exception("The 503 page could not be rendered")
        body, content_type = PLAIN, "text/plain; charset=utf-8"
    response = HttpResponse(body, status=503, content_type=content_type)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Content-Language"] = language
    add_never_cache_headers(response)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def server_error(request, *args, **kwargs):
    """handler500 (pepr/urls.py): the 503 above for an unreachable database, else Django's 500."""
    if _database_unreachable(sys.exc_info()[1]):
        return database_unavailable(request)
    return defaults.server_error(request, *args, **kwargs)
