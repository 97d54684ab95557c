"""Writes of the audit trail: one append-only row per decision-relevant act."""
from django.contrib.contenttypes.models import ContentType

from pepr.core.models import AuditEvent


def record(actor, action, target, summary, *, application_id=None, **data):
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action, target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk, application_id=application_id, summary=summary[:500], data=data,
    )
