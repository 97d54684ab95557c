"""Every write on calls and their stages. Applications have their own module, calls.submission."""
from django.db import transaction
from django.utils import timezone

from . import defaults
from .models import Call, Criterion, DocumentRequirement, Stage


@transaction.atomic
def create_call(*, programme, kind, code, title_fr, title_en, axes=(), created_by=None,
                **fields):
    call = Call.objects.create(programme=programme, kind=kind, code=code, title_fr=title_fr,
                               title_en=title_en, created_by=created_by, **fields)
    if axes:
        call.axes.set(axes)
    return call


@transaction.atomic
def add_stage(call, *, kind, opens_at, closes_at, number=None, **options):
    """A stage with ANR's default criteria and requested documents, which staff may then edit."""
    number = number or call.stages.count() + 1
    stage = Stage.objects.create(call=call, number=number, kind=kind, opens_at=opens_at,
                                 closes_at=closes_at, **{**defaults.STAGE[kind], **options})
    Criterion.objects.bulk_create(
        Criterion(stage=stage, position=position, **criterion)
        for position, criterion in enumerate(
            defaults.CRITERIA[: defaults.CRITERIA_COUNT[kind]], start=1
        )
    )
    DocumentRequirement.objects.bulk_create(
        DocumentRequirement(stage=stage, position=position, **document)
        for position, document in enumerate(defaults.DOCUMENTS[kind], start=1)
    )
    return stage


def publish_call(call, *, by=None, at=None):
    if call.published_at is None:
        call.published_at = at or timezone.now()
        call.save(update_fields=["published_at"])
    return call
