"""Forms of decisions: the outcome a pilot or the Comité Directeur records, and a letter's text."""
from django import forms
from django.utils.translation import gettext_lazy as _

from calls.applications.models import ApplicationStatus
from calls.applications.workflow import FINAL_OUTCOMES, outcomes_open_to

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def outcomes_for(application, user):
    """(outcomes the application may take now, those of them this user may decide): the pilots
    record a stage's outcome, the Comité Directeur the final one."""
    applicable = outcomes_open_to(application)
    allowed = [outcome for outcome in applicable if user.has_perm(
        "calls.validate_funding" if outcome in FINAL_OUTCOMES else "calls.manage_evaluation")]
    return applicable, allowed


class DecisionForm(forms.Form):
    """Accepts every outcome that applies to the application so that the service, which holds
    the authority rules, answers a forged choice; only the user's own outcomes are offered."""

    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    rationale = forms.CharField(label=_("Rationale"), required=False, widget=TEXTAREA)

    def __init__(self, *args, applicable, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o, ApplicationStatus(o).label) for o in applicable]
        self.fields["outcome"].widget.choices = [(o, ApplicationStatus(o).label) for o in allowed]


class LetterForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 16}))
