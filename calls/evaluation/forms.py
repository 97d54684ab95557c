"""Forms of the evaluation pages: the review, a declared conflict, assignments, decisions and
letters. They only read and check input; every write goes through calls.evaluation and
calls.decisions."""
from django import forms
from django.utils.translation import gettext_lazy as _

from calls.evaluation.models import Recommendation, ReviewerRole
from calls.evaluation.services import SCALE_VALUES
from calls.setup.models import ReviewScale

TEXTAREA = forms.Textarea(attrs={"rows": 4})
SCALE_HELP = {
    ReviewScale.LETTERS: _("A: excellent, B: good, C: insufficient."),
    ReviewScale.POINTS: _("From 5 (excellent) to 0 (insufficient)."),
}


class ReviewForm(forms.Form):
    """A score and a comment per criterion of the stage, then the overall opinion. Every field
    may stay empty in a draft: the service says what a submission still lacks."""

    recommendation = forms.ChoiceField(
        label=_("Overall recommendation"), required=False,
        choices=[("", _("– not chosen yet –")), *Recommendation.choices])
    comment_for_committee = forms.CharField(
        label=_("Comments for the committee"), required=False, widget=TEXTAREA,
        help_text=_("Read by the pilots and the committee, never by the applicants."))
    comment_for_applicant = forms.CharField(
        label=_("Comments for the applicant"), required=False, widget=TEXTAREA,
        help_text=_("May be sent to the applicants with the decision, without your name."))

    def __init__(self, *args, criteria, scale, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        choices = [("", _("– no score yet –"))] + [(v, v) for v in SCALE_VALUES[scale]]
        scores = {s.criterion_id: s for s in review.scores.all()} if review else {}
        criterion_fields = {}
        for criterion in self.criteria:
            score = scores.get(criterion.pk)
            criterion_fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=_("Score"),
                choices=choices, required=False, help_text=SCALE_HELP[scale],
                initial=score.value if score else "")
            criterion_fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False, widget=TEXTAREA, initial=score.comment if score else "")
        # Criteria first, in their order, then the overall opinion. The template puts each
        # criterion's pair in a fieldset whose legend names the criterion.
        self.fields = {**criterion_fields, **self.fields}
        if review:
            for name in ("recommendation", "comment_for_committee", "comment_for_applicant"):
                self.fields[name].initial = getattr(review, name)

    def criterion_rows(self):
        """(criterion, score field, comment field) for the template's fieldsets."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def service_values(self):
        data = self.cleaned_data
        return {
            "scores": {c.pk: (data[f"score_{c.pk}"], data[f"comment_{c.pk}"])
                       for c in self.criteria},
            "recommendation": data["recommendation"],
            "comment_for_committee": data["comment_for_committee"],
            "comment_for_applicant": data["comment_for_applicant"],
        }


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Your link with the applicants"), max_length=255, widget=TEXTAREA,
        help_text=_("For example: same laboratory, recent joint publication, former student."))


class AssignForm(forms.Form):
    """Checks a row's "assign one reviewer" form of the assignments page; the page writes the
    row forms itself, with the pool's options rendered once. Whether the reviewer belongs to
    the pool is the view's check."""

    reviewer = forms.IntegerField(label=_("Reviewer"), min_value=1)
    role = forms.ChoiceField(label=_("Role"), choices=ReviewerRole.choices,
                             initial=ReviewerRole.EXTERNAL)


def pool_choices(pool):
    return [(person.pk, f"{person} ({person.organisation or '–'})") for person in pool]


class PairsField(forms.Field):
    """Checked "application-reviewer" values, read as (application id, reviewer id) pairs."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        pairs = []
        for item in value or []:
            application_id, _sep, reviewer_id = str(item).partition("-")
            if not (application_id.isdigit() and reviewer_id.isdigit()):
                raise forms.ValidationError(_("The form was altered: reload the page."))
            pairs.append((int(application_id), int(reviewer_id)))
        return pairs


class SuggestionForm(forms.Form):
    """The checkboxes of the suggestion table, rendered by the table itself."""

    pair = PairsField(required=False)
    role = forms.ChoiceField(label=_("Role of the assigned reviewers"),
                             choices=ReviewerRole.choices, initial=ReviewerRole.EXTERNAL,
                             widget=forms.Select(attrs={"class": "form-select"}))


