"""Helpers every app's views share: the role gate of a page and the text of a refused action."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def requires_any(*perms):
    """Anonymous visitors are sent to sign in; a signed-in user holding none of `perms` gets 403
    before any object is looked up, so a pk in the URL reveals nothing."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not any(request.user.has_perm(perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def error_message(error):
    """What to tell the user when a service refused: its ValidationError or PermissionDenied."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You are not allowed to do this.")
