"""Deadlines are legal times in Paris, whatever the viewer's time zone: the zone, and a moment
written in it."""
from zoneinfo import ZoneInfo

from django.utils import formats, timezone

PARIS = ZoneInfo("Europe/Paris")


def paris(value):
    """`value` (an aware datetime) in Paris time, in the active language's format."""
    if not value:
        return ""
    return formats.date_format(timezone.localtime(value, PARIS), "DATETIME_FORMAT")
