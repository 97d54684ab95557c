"""Every write on calls and their stages. Applications have their own part,
calls.applications."""
from itertools import pairwise

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.setup import defaults
from calls.setup.models import Call, CallKind, Criterion, DocumentRequirement, Stage
from pepr.core.paris import paris
from pepr.core.selectors import current_programme


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


# --- Pilots' call management: the rules every change of a call and its stages must keep. ---

STAGE_COUNTS = {CallKind.AMI: (2, 2), CallKind.AAP: (1, 2)}
FIXED_ONCE_PUBLISHED = {"kind", "code"}
FIXED_ONCE_OPEN = {"number", "kind", "opens_at", "requires_selected_letters"}


def stage_count_error(kind, count):
    low, high = STAGE_COUNTS.get(kind, (0, count))  # an unknown kind is the call form's error
    if low <= count <= high:
        return None
    if kind == CallKind.AMI:
        return _("An AMI has exactly two stages: letters of intent, then full proposals.")
    return _("An AAP has one or two stages.")


def stage_plan_errors(kind, stages):
    """What is wrong with a call's stages taken together; [] when they may be saved or published."""
    errors = [error for error in [stage_count_error(kind, len(stages))] if error]
    ordered = sorted(stages, key=lambda stage: stage.number)
    numbers = [stage.number for stage in ordered]
    if len(set(numbers)) != len(numbers):
        errors.append(_("Two stages cannot have the same number."))
    if ordered and ordered[0].requires_selected_letters:
        errors.append(_("The first stage cannot be reserved to teams selected at a previous "
                        "stage."))
    for previous, stage in pairwise(ordered):
        # The next stage's applicants are chosen among the previous stage's, once it has closed.
        if stage.opens_at < previous.closes_at:
            errors.append(_("Stage %(number)s cannot open before stage %(previous)s closes.")
                          % {"number": stage.number, "previous": previous.number})
    return errors


def stage_change_errors(stage, values, moment=None):
    """Why these new values of a stage are refused, by field (NON_FIELD_ERRORS for the whole stage).

    Only a published call is constrained: applicants rely on a window once it has opened, and
    nothing changes after a deadline (DOMAIN.md)."""
    if not stage.call.is_published:
        return {}
    moment = moment or timezone.now()
    if stage.pk is None:
        if values.get("opens_at") and values["opens_at"] < moment:
            return {"opens_at": _("The call is published: a stage cannot open in the past.")}
        return {}
    changed = {name for name, value in values.items() if getattr(stage, name) != value}
    if not changed:
        return {}
    if stage.closes_at <= moment:
        return {NON_FIELD_ERRORS: _("Stage %(number)s closed on %(date)s (Paris time): it can no "
                                    "longer be changed.")
                % {"number": stage.number, "date": paris(stage.closes_at)}}
    errors = {}
    if stage.opens_at <= moment:
        for name in sorted(changed & FIXED_ONCE_OPEN):
            errors[name] = _("Stage %(number)s has been open since %(date)s (Paris time): this can "
                             "no longer change.") % {"number": stage.number,
                                                     "date": paris(stage.opens_at)}
        if "closes_at" in changed and values["closes_at"] < stage.closes_at:
            errors["closes_at"] = _("Applicants are already working on this stage: its deadline "
                                    "can be extended, not brought forward.")
    elif "opens_at" in changed and values["opens_at"] < moment:
        errors["opens_at"] = _("The call is published: a stage cannot open in the past.")
    return errors


@transaction.atomic
def update_call(call, *, axes=None, **fields):
    call = Call.objects.select_for_update().get(pk=call.pk)
    changed = [name for name, value in fields.items() if getattr(call, name) != value]
    if call.is_published and FIXED_ONCE_PUBLISHED & set(changed):
        raise ValidationError(_("The call is published: its kind and code can no longer change."))
    for name in changed:
        setattr(call, name, fields[name])
    if changed:
        call.save(update_fields=changed)
    if axes is not None:
        call.axes.set(axes)
    return call


def _locked_stage(stage):
    return Stage.objects.select_for_update().select_related("call").get(pk=stage.pk)


@transaction.atomic
def update_stage(stage, *, moment=None, **fields):
    # Under the row lock that submissions take, so a deadline cannot move under a submission.
    stage = _locked_stage(stage)
    errors = stage_change_errors(stage, fields, moment)
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in fields.items() if getattr(stage, name) != value]
    for name in changed:
        setattr(stage, name, fields[name])
    if changed:
        stage.save(update_fields=changed)
    return stage


def stage_removal_error(stage, moment=None):
    """Why a stage cannot be removed, or None."""
    if stage.call.is_published and stage.opens_at <= (moment or timezone.now()):
        return _("Stage %(number)s has opened: it can no longer be removed.") % {
            "number": stage.number}
    if stage.applications.exists():
        return _("Stage %(number)s has applications: it can no longer be removed.") % {
            "number": stage.number}
    return None


@transaction.atomic
def remove_stage(stage, *, moment=None):
    stage = _locked_stage(stage)
    error = stage_removal_error(stage, moment)
    if error:
        raise ValidationError(error)
    stage.delete()


@transaction.atomic
def save_call(call=None, *, fields, axes, stages=(), removed_stages=(), by=None, programme=None):
    """Create (call=None) or update a call and its stages at once.

    `stages` holds (stage or None for a new one, values). A result that breaks the rules of its
    kind raises ValidationError and rolls everything back, so no half-saved call remains."""
    if call is None:
        call = create_call(programme=programme or current_programme(), created_by=by, axes=axes,
                           **fields)
    else:
        call = update_call(call, axes=axes, **fields)
    for stage in removed_stages:
        remove_stage(stage)
    for stage, values in stages:
        if stage is None:
            errors = stage_change_errors(Stage(call=call), values)
            if errors:
                raise ValidationError(errors)
            add_stage(call, **values)
        else:
            update_stage(stage, **values)
    problems = stage_plan_errors(call.kind, list(call.stages.all()))
    if problems:
        raise ValidationError(problems)
    return call


def publication_problems(call):
    """Why the call cannot be published yet; [] when it can."""
    stages = list(call.stages.all())
    if not stages:
        return [_("Add at least one stage before publishing.")]
    return stage_plan_errors(call.kind, stages)


@transaction.atomic
def publish_if_ready(call, *, by=None):
    # The check and the write under the call's row lock, which save_call also takes: an edit
    # cannot slip a broken plan between them.
    call = Call.objects.select_for_update().get(pk=call.pk)
    problems = publication_problems(call)
    if problems:
        raise ValidationError(problems)
    return publish_call(call, by=by)


def documents_locked(stage, moment=None):
    """Once a stage of a published call has opened, applicants may have uploaded files against
    what it asks: the requested documents no longer change."""
    return stage.call.is_published and stage.opens_at <= (moment or timezone.now())


@transaction.atomic
def save_document_requirements(stage, *, rows, removed=()):
    """`rows` holds (requirement or None for a new one, values); new ones are appended."""
    stage = _locked_stage(stage)
    if documents_locked(stage):
        raise ValidationError(_("Stage %(number)s has opened: the documents it asks for can no "
                                "longer change.") % {"number": stage.number})
    stage.document_requirements.filter(pk__in=[item.pk for item in removed]).delete()
    position = stage.document_requirements.aggregate(last=Max("position"))["last"] or 0
    for requirement, values in rows:
        if requirement is None:
            position += 1
            DocumentRequirement.objects.create(stage=stage, position=position, **values)
            continue
        requirement = stage.document_requirements.get(pk=requirement.pk)
        changed = [name for name, value in values.items() if getattr(requirement, name) != value]
        for name in changed:
            setattr(requirement, name, values[name])
        if changed:
            requirement.save(update_fields=changed)
    if not stage.document_requirements.exists():
        raise ValidationError(_("A stage asks for at least one document."))
    return stage
