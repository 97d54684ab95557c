"""Forms of the applicant journey: the application, its partners, documents and invitations."""
from django import forms
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from calls.applications.models import AccessLevel, Application, PartnerRole
from pepr.core.models import Organisation
from pepr.core.unit_field import ResearchUnitField
from pepr.core.validators import validate_rnsr


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["title", "acronym", "axis", "summary_fr", "summary_en", "keywords",
                  "requested_budget_eur"]
        widgets = {"summary_fr": forms.Textarea(attrs={"rows": 6}),
                   "summary_en": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, stage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = stage.call.axes.order_by("number")
        limit = stage.summary_max_chars
        for name in ("summary_fr", "summary_en"):
            field = self.fields[name]
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs.update({"data-max-chars": limit})
            field.help_text = _("At most %(limit)d characters.") % {"limit": limit}
        if not stage.asks_budget:
            del self.fields["requested_budget_eur"]
        else:
            # The field refuses what the constraint application_budget_positive would: the
            # database's refusal names the constraint, not the field. (min_value set after the
            # field is built adds no validator.)
            budget = self.fields["requested_budget_eur"]
            budget.validators.append(MinValueValidator(
                0, message=_("The requested budget cannot be negative.")))
            budget.widget.attrs["min"] = 0


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False,
                                          queryset=Organisation.objects.all())
    unit = ResearchUnitField(help_text=_(
        "Its RNSR identifier, its code (e.g. U1234, UMR 9876) or words of its name and city. "
        "Leave empty for a team without a listed unit (a company, a hospital department), and "
        "type its name under Laboratory."))
    laboratory = forms.CharField(label=_("Laboratory"), max_length=255, required=False,
                                 help_text=_("Its name as the application shows it; the "
                                             "unit's name when left empty."))
    rnsr = forms.CharField(label=_("RNSR unit id"), max_length=10, required=False,
                           validators=[validate_rnsr],
                           help_text=_("Nine digits and a letter, e.g. 200918488S."))
    lead_name = forms.CharField(label=_("Lead name"), max_length=255)
    lead_email = forms.EmailField(label=_("Lead e-mail"))
    # With this initial value a blank extra row counts as unchanged and is skipped.
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices,
                             initial=PartnerRole.PARTNER)

    def clean_rnsr(self):
        return self.cleaned_data["rnsr"].strip().upper()

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        if unit is not None:
            data["laboratory"] = (data.get("laboratory") or "").strip() or unit.name
            data["rnsr"] = data.get("rnsr") or unit.rnsr
        elif "unit" not in self.errors and not (data.get("laboratory") or "").strip() and (
                data.get("lead_name") or data.get("lead_email")):
            self.add_error("laboratory", _("Pick the team's research unit above, or type the "
                                           "name of its laboratory here."))
        return data


PartnerFormSet = forms.formset_factory(PartnerForm, extra=1, can_delete=True, max_num=30,
                                       validate_max=True)


def partner_initial(application):
    return [
        {"organisation": p.organisation_id, "unit": p.unit, "laboratory": p.laboratory,
         "rnsr": p.rnsr, "lead_name": p.lead_name, "lead_email": p.lead_email, "role": p.role}
        for p in application.partners.select_related("unit")
    ]


def kept_partners(formset):
    """Cleaned rows of a valid formset, without the blank extra rows and the deleted ones."""
    kept = []
    for form in formset.forms:
        data = dict(form.cleaned_data or {})
        if data and not data.pop("DELETE", False):
            kept.append(data)
    return kept


class DocumentsForm(forms.Form):
    """One PDF field per document the stage asks for."""

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = {f"document_{r.pk}": r for r in requirements}
        for name, requirement in self.requirements.items():
            self.fields[name] = forms.FileField(
                label=requirement.title, required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
                help_text=_("PDF, at most %(pages)d pages and %(size)d MB.")
                % {"pages": requirement.max_pages, "size": requirement.max_size_mb},
            )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person to invite"))
    access = forms.ChoiceField(label=_("Access"), choices=AccessLevel.choices)


class StartForm(forms.Form):
    grown_from = forms.ModelMultipleChoiceField(
        label=_("Selected letters of intent this project grows from"), required=False,
        queryset=Application.objects.none(), widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, letters=None, **kwargs):
        super().__init__(*args, **kwargs)
        if letters is None:
            del self.fields["grown_from"]
        else:
            self.fields["grown_from"].queryset = letters
            self.fields["grown_from"].required = True
