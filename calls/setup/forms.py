"""Forms of the pilots' call management: the call, its stages and the documents a stage asks for."""
import copy

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.setup import services
from calls.setup.models import Call, DocumentRequirement, Stage, StageKind
from pepr.core.paris import PARIS, paris

# Tuples: the inline formset appends its foreign key to a form's Meta.fields when it is a list.
CALL_FIELDS = ("kind", "code", "title_fr", "title_en", "summary_fr", "summary_en", "text_fr",
               "text_en", "axes", "budget_envelope_eur", "conflict_same_organisation")
STAGE_FIELDS = ("number", "kind", "opens_at", "closes_at", "asks_budget",
                "reviews_per_application", "review_scale", "summary_max_chars",
                "requires_selected_letters")
REQUIREMENT_FIELDS = ("title_fr", "title_en", "max_pages", "max_size_mb", "is_required")


# The years a deadline may fall in. Outside them a date is a typing slip, and years near 1 or
# 9999 cannot even be stored once turned to UTC (PostgreSQL refuses year 0: a 500).
FIRST_YEAR, LAST_YEAR = 2000, 2100


class ParisDateTimeField(forms.DateTimeField):
    """A datetime-local input read and shown in Paris time, whatever time zone is active:
    deadlines are legal times in Paris."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local", "min": f"{FIRST_YEAR}-01-01T00:00",
               "max": f"{LAST_YEAR}-12-31T23:59"},
        format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(PARIS):
            return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        # A locked field shows the stored value: judge only what is typed.
        if value and not self.disabled and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(
                _("Enter a date between the years %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}, code="year_out_of_range")

    def prepare_value(self, value):
        with timezone.override(PARIS):
            return super().prepare_value(value)


def posted_to_disabled(form, names):
    """{name: value} posted to disabled fields that differ from the instance.

    Django ignores what is posted to a disabled field, and browsers never post disabled inputs:
    a posted value means the page was loaded before the field locked. The change must then be
    refused aloud, not dropped."""
    changes = {}
    for name in names:
        field, key = form.fields[name], form.add_prefix(name)
        if not field.disabled or key not in form.data:
            continue
        probe = copy.copy(field)
        probe.disabled = False
        try:
            value = probe.clean(field.widget.value_from_datadict(form.data, form.files, key))
        except ValidationError:
            continue
        if value != getattr(form.instance, name):
            changes[name] = value
    return changes


def _at_least(field, minimum, message=None):
    # Setting min_value after the field is built adds neither the validator nor the input's min.
    # The check constraints of calls.setup.models say the same: this refuses it on the field
    # before the database does (whose error names the constraint).
    # It replaces the field's own lower bound (0 for a positive field): one message, not two.
    field.validators = [validator for validator in field.validators
                        if not isinstance(validator, MinValueValidator)]
    field.validators.append(MinValueValidator(minimum, message=message))
    field.widget.attrs["min"] = minimum


class CallForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = CALL_FIELDS
        widgets = {"axes": forms.CheckboxSelectMultiple,
                   **{name: forms.Textarea(attrs={"rows": 3}) for name in ("summary_fr",
                                                                           "summary_en")},
                   **{name: forms.Textarea(attrs={"rows": 10}) for name in ("text_fr", "text_en")}}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axes"].queryset = programme.axes.order_by("number")
        _at_least(self.fields["budget_envelope_eur"], 0,
                  _("The budget envelope cannot be negative."))
        if self.instance.is_published:
            for name in services.FIXED_ONCE_PUBLISHED:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the call is published: references "
                                                "and the public address use it.")

    def clean(self):
        cleaned = super().clean()
        for name in posted_to_disabled(self, services.FIXED_ONCE_PUBLISHED):
            self.add_error(name, _("The call is published: this can no longer change."))
        return cleaned

    def service_values(self):
        """What the services need: the enabled fields, axes apart."""
        return {name: self.cleaned_data[name] for name in CALL_FIELDS
                if name != "axes" and not self.fields[name].disabled}


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = STAGE_FIELDS
        field_classes = {"opens_at": ParisDateTimeField, "closes_at": ParisDateTimeField}

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        # The formset only sets call_id, after __init__; the rules below read the call itself.
        self.instance.call = call
        for name in ("number", "reviews_per_application", "summary_max_chars"):
            _at_least(self.fields[name], 1)
        for name in ("opens_at", "closes_at"):
            self.fields[name].help_text = _("Paris time, in a year from %(first)d to %(last)d.") % {
                "first": FIRST_YEAR, "last": LAST_YEAR}
        self.lock_note = ""
        stage, now = self.instance, timezone.now()
        if stage.pk is None:
            return
        # References carry the stage number (CODE-2-00001): it is fixed once the stage exists.
        fixed = {"number"}
        if stage.call.is_published and stage.closes_at <= now:
            fixed = set(STAGE_FIELDS)
            self.lock_note = _("This stage closed on %(date)s (Paris time): it can no longer be "
                               "changed.") % {"date": paris(stage.closes_at)}
        elif stage.call.is_published and stage.opens_at <= now:
            fixed |= services.FIXED_ONCE_OPEN
            self.lock_note = _("This stage has been open since %(date)s (Paris time): its "
                               "deadline can be extended, not brought forward.") % {
                "date": paris(stage.opens_at)}
        for name in fixed:
            self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        self._keep_seconds(cleaned)
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The stage must close after it opens."))
        values = {name: cleaned[name] for name in STAGE_FIELDS if name in cleaned}
        values.update(self._keep_seconds(posted_to_disabled(self, STAGE_FIELDS)))
        for field, message in services.stage_change_errors(self.instance, values).items():
            self.add_error(None if field == NON_FIELD_ERRORS else field, message)
        return cleaned

    def _keep_seconds(self, values):
        # The input shows minutes: an untouched window must not count as a change of its seconds.
        for name in ("opens_at", "closes_at"):
            stored = getattr(self.instance, name)
            if stored and values.get(name) == stored.replace(second=0, microsecond=0):
                values[name] = stored
        return values

    def service_values(self):
        return {name: self.cleaned_data[name] for name in STAGE_FIELDS
                if not self.fields[name].disabled}


class BaseStageFormSet(forms.BaseInlineFormSet):
    """The stages of a call; the rules on the stages as a whole come from calls.setup.services."""

    def __init__(self, *args, call_kind=None, **kwargs):
        self.call_kind = call_kind
        super().__init__(*args, **kwargs)
        existing = len(self.get_queryset())
        # Offer the rows a call may still need (at most two stages), prefilled like ANR's calls.
        self.extra = max(0, 2 - existing)
        self.initial_extra = [_new_stage_initial(number)
                              for number in range(existing + 1, existing + 1 + self.extra)]

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "call": self.instance}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # An opened stage of a published call stays (calls.setup.services.remove_stage refuses it too).
        if "DELETE" in form.fields and form.instance.pk and form.fields["opens_at"].disabled:
            form.fields["DELETE"].disabled = True

    def kept_forms(self):
        return [form for form in self.forms if not self._should_delete_form(form)
                and (form.instance.pk or form.has_changed())]

    def clean(self):
        super().clean()
        # Read the post itself: a disabled Delete box would otherwise drop the request silently.
        problems = [services.stage_removal_error(form.instance) for form in self.initial_forms
                    if form.instance.pk and form.add_prefix("DELETE") in self.data]
        kept = self.kept_forms()
        if any(form.errors for form in kept):
            # Some stage values are missing: only the number of stages can be judged.
            problems.append(services.stage_count_error(self.call_kind, len(kept)))
        else:
            problems += services.stage_plan_errors(self.call_kind,
                                                   [form.instance for form in kept])
        problems = [problem for problem in problems if problem]
        if problems:
            raise ValidationError(problems)

    def service_changes(self):
        """(stage or None, values) for each kept stage, and the stages to remove."""
        kept = [(form.instance if form.instance.pk else None, form.service_values())
                for form in self.kept_forms()]
        removed = [form.instance for form in self.deleted_forms if form.instance.pk]
        return kept, removed


def _new_stage_initial(number):
    if number == 1:
        return {"number": 1, "kind": StageKind.LETTER_OF_INTENT}
    return {"number": number, "kind": StageKind.FULL_PROPOSAL, "asks_budget": True,
            "requires_selected_letters": True}


StageFormSet = forms.inlineformset_factory(
    Call, Stage, form=StageForm, formset=BaseStageFormSet, fields=STAGE_FIELDS, extra=0,
    can_delete=True, can_delete_extra=False, max_num=2, validate_max=True,
)


class RequirementForm(forms.ModelForm):
    class Meta:
        model = DocumentRequirement
        fields = REQUIREMENT_FIELDS

    def __init__(self, *args, locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        _at_least(self.fields["max_pages"], 1)
        _at_least(self.fields["max_size_mb"], 1)
        self.locked = locked
        for field in self.fields.values():
            field.disabled = locked


class BaseRequirementFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].disabled = form.locked

    def clean(self):
        super().clean()
        kept = [form for form in self.forms if not self._should_delete_form(form)
                and (form.instance.pk or form.has_changed())]
        if not kept:
            raise ValidationError(_("A stage asks for at least one document."))

    def service_changes(self):
        rows = [(form.instance if form.instance.pk else None,
                 {name: form.cleaned_data[name] for name in REQUIREMENT_FIELDS})
                for form in self.forms if not self._should_delete_form(form)
                and (form.instance.pk or form.has_changed())]
        removed = [form.instance for form in self.deleted_forms if form.instance.pk]
        return rows, removed


RequirementFormSet = forms.modelformset_factory(
    DocumentRequirement, form=RequirementForm, formset=BaseRequirementFormSet,
    fields=REQUIREMENT_FIELDS, extra=1, can_delete=True, can_delete_extra=False,
)
