"""Forms of decisions: the outcome a pilot or the Comité Directeur records, and a letter's text."""
from django import forms
from django.utils.translation import gettext_lazy as _

from calls.applications.models import ApplicationStatus
from calls.applications.workflow import FINAL_OUTCOMES, STAGE_OUTCOMES

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def outcomes_for(application, user):
    """(outcomes the application may take now, those of them this user may decide)."""
    if application.status == ApplicationStatus.SUBMITTED:
        applicable = STAGE_OUTCOMES[application.stage.kind]
        allowed = applicable if user.has_perm("calls.manage_evaluation") else ()
    elif application.status == ApplicationStatus.RECOMMENDED:
        applicable = FINAL_OUTCOMES
        allowed = applicable if user.has_perm("calls.validate_funding") else ()
    else:
        applicable = allowed = ()
    return list(applicable), list(allowed)


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
