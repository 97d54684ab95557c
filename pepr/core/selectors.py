"""Reads of the core used by pages: the programme and who holds which role."""
from pepr.core.models import Programme


def current_programme():
    """The programme with its axes; None before `load_reference_data` ran."""
    return Programme.objects.prefetch_related("axes").order_by("id").first()


def committee_codes_of(user):
    """Codes of the committees the user sits on, cached on the user for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_committee_codes", None)
    if cached is None:
        cached = frozenset(
            # Through the reverse relation of governance's memberships: the core knows the
            # committees' codes, not the governance app.
            user.committee_memberships.values_list("committee__code", flat=True)
        )
        user._committee_codes = cached
    return cached
