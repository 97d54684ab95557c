"""Audit messages in the reader's language: an event keeps its message untranslated (the msgid)
and its parameters, and each page renders it in the active language (see pepr.core.audit for
how a parameter is written). No query: a page of fifty events renders from their rows alone."""
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Choices
from django.utils import formats, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext


def render(message, params):
    """`message` translated into the active language, its parameters filled in."""
    values = {name: _value(param) for name, param in (params or {}).items()}
    # A translation that lost or misspelt a placeholder falls back to the English text rather
    # than breaking the page that lists the event.
    for text in (gettext(message), message):
        try:
            return text % values if values else text
        except (KeyError, TypeError, ValueError):
            continue
    return message


def _value(param):
    if not isinstance(param, dict):
        return param
    if "choice" in param:
        return _label(param["choice"], param.get("value"))
    if "number" in param:
        return _number(param["number"])
    if "localized" in param:
        return _in_language(param["localized"])
    return str(param)


def _label(path, value):
    """The label of an enum value in the active language; the bare value when the enum moved
    or lost that value since the event was written."""
    try:
        choices = import_string(path)
        if isinstance(choices, type) and issubclass(choices, Choices):
            return str(choices(value).label)
    except (ImportError, ValueError):
        pass
    return value


def _number(text):
    try:
        return formats.localize(Decimal(text))
    except (InvalidOperation, TypeError):
        return text


def _in_language(texts):
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")
