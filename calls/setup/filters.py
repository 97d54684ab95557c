"""The filters of every list of a call's rows, `?call=<id>&stage=<id>`, as django-filter
FilterSets: the API documents them in its OpenAPI schema and the exports validate them the same
way. A value that is not a positive whole number is refused with a message, never ignored."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from calls.setup.models import Stage

ID_EXPECTED = _("A positive whole number (an id) is expected.")


class IdFilter(django_filters.NumberFilter):
    """The id of a row: a positive whole number."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("error_messages", {"invalid": ID_EXPECTED, "min_value": ID_EXPECTED})
        super().__init__(*args, **kwargs)


class CallStageFilter(django_filters.FilterSet):
    """The rows of one call, or of one stage. `stage_path` is the path from a row to its stage:
    "stage" for applications and criteria; subclasses for rows further away set their own. The
    help texts describe the API's parameters and stay in English, as the serializers' do."""

    stage_path = "stage"

    call = IdFilter(label=_("Call"), method="of_call", help_text="Only this call (its id).")
    stage = IdFilter(label=_("Stage"), method="of_stage", help_text="Only this stage (its id).")

    def __init__(self, data=None, queryset=None, **kwargs):
        # Bound to a query alone (no model, no rows), it validates the query, and the caller
        # filters its rows afterwards with `filter_queryset`: the exports validate before they
        # stream. An empty queryset stands in for the rows django-filter asks for.
        if queryset is None and self._meta.model is None:
            queryset = Stage.objects.none()
        super().__init__(data, queryset, **kwargs)

    # The `value: int` hints give the parameters their integer type in the OpenAPI schema.
    def of_call(self, queryset, name, value: int):
        return queryset.filter(**{f"{self.stage_path}__call_id": value})

    def of_stage(self, queryset, name, value: int):
        return queryset.filter(**{f"{self.stage_path}_id": value})

    @property
    def narrowed(self):
        """True when a valid call or stage was given."""
        cleaned = getattr(self.form, "cleaned_data", {})
        return any(cleaned.get(name) is not None for name in ("call", "stage"))

    def as_query(self):
        """The valid call and stage as URL parameters, for links that keep them."""
        cleaned = getattr(self.form, "cleaned_data", {})
        return {name: cleaned[name] for name in ("call", "stage")
                if cleaned.get(name) is not None}
