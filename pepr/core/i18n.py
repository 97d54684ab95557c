"""Bilingual model fields: a `<name>_fr` and a `<name>_en` column, read in the active language."""
from django.utils.translation import get_language


def localized(obj, field):
    """Return `obj.<field>_<lang>` for the active language, falling back to French, the first language."""
    language = (get_language() or "fr")[:2]
    value = getattr(obj, f"{field}_{language}", "") if language in ("fr", "en") else ""
    return value or getattr(obj, f"{field}_fr", "")


class Localized:
    """Descriptor: `title = Localized("title")` reads `title_fr` or `title_en` by the active language."""

    def __init__(self, field):
        self.field = field

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return localized(obj, self.field)
