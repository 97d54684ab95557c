"""Writes of the audit trail: one append-only row per decision-relevant act.

An event keeps its message untranslated, so that every reader sees it in their own language
(AuditEvent.summary_text): callers pass the msgid marked with gettext_noop and its parameters,

    audit.record(by, "ballot.opened", item, gettext_noop("opened the ballot on %(ref)s"),
                 {"ref": item.application.reference}, application_id=item.application_id)

and `summary` keeps the English rendering, for the admin's search. A parameter is one of:
- a plain value (a reference, a name, a title, a count): shown as it is;
- choice(Enum, value), e.g. {"choice": "calls.applications.models.ApplicationStatus",
  "value": "selected"}: shown with the enum's label in the reader's language;
- number(value): a decimal, shown with the reader's decimal separator;
- localized(function): text translated as it is built (a committee's name, which the database
  holds in each language; the reason of a detected conflict): `function()` runs at writing, once
  per language of settings.LANGUAGES, and the reader gets theirs. A lazy translation passed as a
  plain value is stored the same way.
"""
from enum import Enum

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.functional import Promise

from pepr.core.audit_text import render
from pepr.core.models import AuditEvent


def record(actor, action, target, message, params=None, *, application_id=None, **data):
    params = {name: _stored(value) for name, value in (params or {}).items()}
    with translation.override("en"):
        summary = render(message, params)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action, target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk, application_id=application_id, summary=summary[:500],
        message=str(message), params=params, data=data,
    )


def choice(choices, value):
    return {"choice": f"{choices.__module__}.{choices.__qualname__}",
            "value": value.value if isinstance(value, Enum) else value}


def number(value):
    return None if value is None else {"number": str(value)}


def localized(function):
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(function())
    return {"localized": texts}


def _stored(value):
    if isinstance(value, Promise):
        return localized(lambda: value)
    if value is None or isinstance(value, (str, int, float, bool, dict)):
        return value
    return str(value)
