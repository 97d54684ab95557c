"""Values every page shows: contacts, accessibility status, and the viewer's main roles."""
from django.conf import settings


def site(request):
    return {
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        # RGAA: the site has not been audited, so it must declare itself non-conforming.
        "ACCESSIBILITY_STATUS": "non_conforme",
    }
