"""Forms of committee sessions: a new session, its attendance, its agenda, ballots and votes."""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from calls.applications.models import Application, ApplicationStatus
from calls.applications.workflow import motion_fits
from calls.setup.forms import ParisDateTimeField
from calls.setup.models import Stage, StageKind
from governance import selectors
from governance.models import Committee, VoteChoice

S = ApplicationStatus
MOTION_CHOICES = [(S.SELECTED, S.SELECTED.label), (S.RECOMMENDED, S.RECOMMENDED.label),
                  (S.FUNDED, S.FUNDED.label)]


def _person(user):
    return user.get_full_name() or user.email


class SessionForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    title = forms.CharField(label=_("Title"), max_length=255)
    held_at = ParisDateTimeField(label=_("Date and time (Paris time)"))
    stage = forms.ModelChoiceField(
        label=_("Stage of a call"), required=False, queryset=Stage.objects.none(),
        help_text=_("Optional: the stage whose submitted applications this session examines."))
    quorum_percent = forms.IntegerField(
        label=_("Quorum (%)"), min_value=0, max_value=100, initial=50,
        help_text=_("Share of the eligible members present who must vote for a ballot to count."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.order_by("programme", "id")
        self.fields["stage"].queryset = (Stage.objects.select_related("call")
                                         .order_by("-opens_at", "number"))


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Members present"), required=False, coerce=int,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.choices = [(a.member_id, _person(a.member)) for a in attendances]
        field.initial = [a.member_id for a in attendances if a.present]


class AgendaForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label=_("Submitted applications of the stage"), required=False,
        queryset=Application.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."))
    references = forms.CharField(
        label=_("Or references"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Application references, separated by spaces, commas or new lines."))
    motion = forms.ChoiceField(label=_("Motion"), choices=MOTION_CHOICES,
                               help_text=_("The outcome the committee votes on."))

    def __init__(self, *args, session, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        # Without the files `user` has a conflict of interest with: the choices name them.
        candidates = selectors.agenda_candidates(session, user).select_related("stage")
        field = self.fields["applications"]
        field.queryset = candidates
        field.label_from_instance = lambda a: " – ".join(
            part for part in (a.reference, a.acronym, a.title) if part)
        if session.stage_id is None:
            del self.fields["applications"]
        elif session.stage.kind == StageKind.FULL_PROPOSAL:
            self.fields["motion"].initial = S.RECOMMENDED
        else:
            self.fields["motion"].initial = S.SELECTED

    def clean(self):
        data = super().clean()
        chosen = list(data.get("applications") or [])
        references = [r for r in re.split(r"[\s,;]+", data.get("references") or "") if r]
        if references:
            found = selectors.applications_by_reference(references)
            unknown = [r for r in references if r not in found]
            if unknown:
                self.add_error("references", _("Unknown references: %(refs)s.")
                               % {"refs": ", ".join(unknown)})
                return data
            elsewhere = [r for r, a in found.items()
                         if self.session.stage_id and a.stage_id != self.session.stage_id]
            if elsewhere:
                self.add_error("references", _("Not in the stage of this session: %(refs)s.")
                               % {"refs": ", ".join(sorted(elsewhere))})
                return data
            known = {a.pk for a in chosen}
            chosen += [found[r] for r in dict.fromkeys(references) if found[r].pk not in known]
        if not chosen:
            raise ValidationError(_("Choose at least one application."), code="empty")
        motion = data.get("motion")
        if motion:
            unfit = [a.reference for a in chosen if not motion_fits(a, motion)]
            if unfit:
                raise ValidationError(
                    _("The motion “%(motion)s” does not apply to %(refs)s (its stage or status)."),
                    code="motion", params={"motion": S(motion).label, "refs": ", ".join(unfit)})
        data["chosen"] = chosen
        return data


class OpenBallotForm(forms.Form):
    closes_at = ParisDateTimeField(
        label=_("Closes at (Paris time, optional)"), required=False,
        help_text=_("Leave empty to close the ballot by hand."))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=VoteChoice.choices,
                               widget=forms.RadioSelect)
