"""Validators of identifiers a researcher gives us (ORCID iD, RNSR unit id, SIRET)."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 check character, as ORCID specifies it."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def validate_orcid(value: str) -> None:
    if not ORCID_RE.match(value or ""):
        raise ValidationError(
            _("Enter an ORCID iD in the form 0000-0002-1825-0097."), code="orcid_format"
        )
    digits = value.replace("-", "")
    if orcid_checksum(digits[:-1]) != digits[-1]:
        raise ValidationError(
            _("This ORCID iD is not valid: its last character does not match its checksum."),
            code="orcid_checksum",
        )


RNSR_RE = re.compile(r"^\d{9}[A-Z]$")


def validate_rnsr(value: str) -> None:
    """RNSR unit ids are nine digits (year + number) and a check letter, e.g. 200918488S."""
    if not RNSR_RE.match((value or "").upper()):
        raise ValidationError(
            _("Enter an RNSR unit identifier: nine digits and a capital letter, e.g. 200918488S."),
            code="rnsr_format",
        )


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits whose Luhn sum is a multiple of ten."""
    digits = (value or "").replace(" ", "")
    if not (digits.isdigit() and len(digits) == 14):
        raise ValidationError(_("Enter a SIRET number of 14 digits."), code="siret_format")
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char) * (2 if index % 2 else 1)
        total += number - 9 if number > 9 else number
    if total % 10:
        raise ValidationError(_("This SIRET number is not valid."), code="siret_checksum")
