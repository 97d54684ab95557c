"""Forms of the programme app: the extra sign-up fields, the profile and the language switch."""
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pepr.core.models import Organisation, User
from pepr.core.services import affiliation_locked, update_profile
from pepr.core.unit_field import ResearchUnitField


def with_unit_name(data):
    """A unit picked from the list gives its name to the laboratory field, shown everywhere."""
    if data.get("unit") is not None and not (data.get("laboratory") or "").strip():
        data["laboratory"] = data["unit"].name
    return data


class SignupProfileForm(forms.Form):
    """Fields django-allauth adds to its sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), required=False,
        help_text=_("Leave empty if your organisation is not listed; you can add it later."),
    )
    unit = ResearchUnitField()
    laboratory = forms.CharField(label=_("Laboratory"), max_length=255, required=False,
                                 help_text=_("Its name, if the unit is not listed above."))

    def signup(self, request, user):
        update_profile(user, changed_fields=["organisation", "unit", "laboratory"],
                       **with_unit_name(self.cleaned_data))


class ProfileForm(forms.ModelForm):
    unit = ResearchUnitField()

    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "organisation", "unit", "laboratory",
                  "orcid", "optional_reminders"]

        widgets = {"orcid": forms.TextInput(attrs={"placeholder": "0000-0002-1825-0097"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and affiliation_locked(self.instance):
            # Organisation and laboratory decide conflicts of interest: someone who evaluates
            # or sits on a committee cannot change them alone.
            for name in ("organisation", "unit", "laboratory"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Used to detect conflicts of interest: ask the programme team to change it.")

    def clean_orcid(self):
        return self.cleaned_data["orcid"].strip().upper()


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
