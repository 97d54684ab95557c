"""What a cell of an import file may hold, and the message a person reads when it does not.
Cells come as text from a CSV file, or typed (numbers, dates) from a YAML one."""
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

THOUSANDS = re.compile(r"[\s\u00a0\u202f_]")


class _Absent:
    """A key a YAML entry leaves out (unlike an empty value): that field is left as it is."""

    def __str__(self):
        return ""

    def __repr__(self):
        return "ABSENT"


ABSENT = _Absent()


class CellError(ValueError):
    """One cell's value is wrong; the message says what was expected and what was found."""


def found(value):
    return str(value).strip()


def is_blank(value):
    return value is None or value is ABSENT or (isinstance(value, str) and not value.strip())


def text(value, *, max_length, required=False):
    if is_blank(value):
        if required:
            raise CellError(_("this column is required."))
        return ""
    if isinstance(value, (list, dict)):
        raise CellError(_("expected text, found a list or a mapping."))
    value = " ".join(str(value).split())
    if len(value) > max_length:
        raise CellError(_("at most %(max)s characters, found %(count)s.")
                        % {"max": max_length, "count": len(value)})
    return value


def whole_number(value, *, low, high, message):
    """An integer from `low` to `high`; `message` says what the column expects."""
    if is_blank(value):
        raise CellError(_("this column is required."))
    number = _integer(value)
    if number is None or not low <= number <= high:
        raise CellError(message % {"value": found(value)})
    return number


def optional_whole_number(value, *, low, high, message):
    return None if is_blank(value) else whole_number(value, low=low, high=high, message=message)


def euros(value):
    """Whole euros, spaces allowed between thousands (“4 000 000”); empty when unknown."""
    if is_blank(value):
        return None
    number = _integer(THOUSANDS.sub("", value) if isinstance(value, str) else value)
    if number is None or number < 0:
        raise CellError(_("expected an amount in whole euros, such as 4000000, found “%(value)s”"
                          ".") % {"value": found(value)})
    return number


def _integer(value):
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def iso_date(value):
    """A date written YYYY-MM-DD; empty when unknown."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        # fromisoformat also takes 20240115 and 2024-W03: the file's format is YYYY-MM-DD only.
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", found(value)):
            return date.fromisoformat(found(value))
    except ValueError:
        pass
    raise CellError(_("expected a date written YYYY-MM-DD, such as 2024-01-15, found “%(value)s”"
                      ".") % {"value": found(value)})


def email(value, *, required=False):
    if is_blank(value):
        if required:
            raise CellError(_("this column is required."))
        return ""
    address = found(value)
    try:
        validate_email(address)
    except ValidationError:
        raise CellError(_("expected an e-mail address, found “%(value)s”.")
                        % {"value": address}) from None
    return address
