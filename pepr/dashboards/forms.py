"""The filters of the dashboards: GET forms whose values stay in the URL, so that a filtered
dashboard can be bookmarked and shared."""
from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from calls.setup.models import Call, Stage
from governance.models import Committee
from pepr.core.models import Axis
from projects.models import ProjectOrigin


class CallChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, call):
        return f"{call.code} – {call.title}"


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, stage):
        closes = formats.date_format(timezone.localtime(stage.closes_at),
                                     "SHORT_DATETIME_FORMAT")
        return _("%(number)s. %(kind)s (closes %(closes)s)") % {
            "number": stage.number, "kind": stage.get_kind_display(), "closes": closes}


def _date_field(label):
    return forms.DateField(label=label, required=False, widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"))


class AxisFilterForm(forms.Form):
    axis = forms.ModelChoiceField(queryset=Axis.objects.none(), required=False, label=_("Axis"),
                                  empty_label=_("All axes"),
                                  widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, data=None, *, programme, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["axis"].queryset = Axis.objects.filter(programme=programme).order_by("number")

    def value(self, name):
        """The cleaned value of a field, or None when it is empty or invalid: an invalid filter
        is shown as an error on the form and otherwise ignored."""
        return getattr(self, "cleaned_data", {}).get(name)


class ProjectDashboardForm(AxisFilterForm):
    """Axis and origin of the projects counted."""

    origin = forms.ChoiceField(
        choices=[("", _("All origins")), *ProjectOrigin.choices], required=False,
        label=_("Origin"), widget=forms.Select(attrs={"class": "form-select"}))


class CallDashboardForm(AxisFilterForm):
    """Call, stage (of that call), axis, committee (for the vote outcomes) and a range of
    submission days. A committee member's committee choices are only their own committees, and
    one of them is always chosen."""

    call = CallChoiceField(queryset=Call.objects.none(), label=_("Call"), empty_label=None,
                           widget=forms.Select(attrs={"class": "form-select"}))
    stage = StageChoiceField(
        queryset=Stage.objects.none(), required=False, label=_("Stage"),
        empty_label=_("All stages"), widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": _("This stage is not a stage of the chosen call: "
                                            "every stage is counted.")})
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.none(), required=False, label=_("Committee (votes)"),
        empty_label=_("All committees"), widget=forms.Select(attrs={"class": "form-select"}))
    submitted_from = _date_field(_("Submitted from"))
    submitted_to = _date_field(_("Submitted until"))

    field_order = ["call", "stage", "axis", "committee", "submitted_from", "submitted_to"]

    def __init__(self, data=None, *, programme, calls, call, committees, committee_required,
                 **kwargs):
        super().__init__(data, programme=programme, **kwargs)
        self.fields["call"].queryset = calls
        self.fields["stage"].queryset = Stage.objects.filter(call=call).order_by("number")
        self.fields["committee"].queryset = committees
        if committee_required:
            self.fields["committee"].required = True
            self.fields["committee"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("The last day comes before the first one."))
        return cleaned
