"""A form field that finds a research unit from what a person types (its RNSR identifier, its
code such as "U1234" or "UMR 9876", or words of its name and city), without JavaScript: the
server resolves the text, and says which units match when it is ambiguous. Empty means the
unit is not listed: the name typed in the laboratory field is kept for staff to link."""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pepr.core.research_units import ResearchUnit

RNSR_IN_LABEL = re.compile(r"\[(\d{9}[A-Za-z])\]\s*$")
SHOWN = 5


def _squeezed(text):
    return re.sub(r"\s+", "", text or "").lower()


def find_unit(text):
    """The one unit `text` names, or a ValidationError that says what to type."""
    text = (text or "").strip()
    label = RNSR_IN_LABEL.search(text)
    rnsr = (label.group(1) if label else text).upper()
    exact = ResearchUnit.objects.filter(rnsr=rnsr).first()
    if exact:
        return exact
    by_code = [unit for unit in ResearchUnit.objects.filter(code__iexact=text)]
    by_code = by_code or [unit for unit in ResearchUnit.objects.filter(
        code__icontains=text.split()[0] if text.split() else text)
        if _squeezed(unit.code) == _squeezed(text)]
    if len(by_code) == 1:
        return by_code[0]
    candidates = list(ResearchUnit.objects.matching(text).order_by("code", "name")[:SHOWN + 1])
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ValidationError(
            _("No research unit matches “%(text)s”. Type its RNSR identifier or its code "
              "(e.g. U1234), or leave this field empty and type its name under Laboratory if "
              "it is not listed.") % {"text": text}, code="no_unit")
    shown = "; ".join(unit.label for unit in candidates[:SHOWN])
    raise ValidationError(
        ngettext("Several units match “%(text)s”, for example: %(units)s. Type the RNSR "
                 "identifier (in brackets) of yours.",
                 "Several units match “%(text)s”, for example: %(units)s. Type the RNSR "
                 "identifier (in brackets) of yours.", len(candidates))
        % {"text": text, "units": shown}, code="ambiguous_unit")


class ResearchUnitField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Research unit"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 320)
        kwargs.setdefault("help_text", _(
            "Its RNSR identifier, its code (e.g. U1234, UMR 9876) or words of its name and city. "
            "Leave empty if your unit is not listed, and type its name under Laboratory."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, ResearchUnit):
            return value.label
        if isinstance(value, int):
            unit = ResearchUnit.objects.filter(pk=value).first()
            return unit.label if unit else ""
        return value

    def has_changed(self, initial, data):
        return (self.prepare_value(initial) or "") != (data or "").strip()

    def clean(self, value):
        text = super().clean(value)
        return find_unit(text) if text else None
