"""Forms of the programme app: the extra sign-up fields, the profile and the language switch."""
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pepr.core.models import Organisation, User
from pepr.core.services import affiliation_locked, update_profile


class SignupProfileForm(forms.Form):
    """Fields django-allauth adds to its sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), required=False,
        help_text=_("Leave empty if your organisation is not listed; you can add it later."),
    )
    laboratory = forms.CharField(label=_("Laboratory"), max_length=255, required=False)

    def signup(self, request, user):
        update_profile(user, changed_fields=["organisation", "laboratory"],
                       **self.cleaned_data)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "organisation", "laboratory", "orcid",
                  "optional_reminders"]
        widgets = {"orcid": forms.TextInput(attrs={"placeholder": "0000-0002-1825-0097"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and affiliation_locked(self.instance):
            # Organisation and laboratory decide conflicts of interest: someone who evaluates
            # or sits on a committee cannot change them alone.
            for name in ("organisation", "laboratory"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Used to detect conflicts of interest: ask the programme team to change it.")

    def clean_orcid(self):
        return self.cleaned_data["orcid"].strip().upper()


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
