"""Forms of project reports: the coordinator's report with its budget lines, the pilots'
review, and a new report to schedule."""
from django import forms
from django.utils.translation import gettext_lazy as _

from projects.follow_up.forms import PdfField, PdfLimits
from projects.reports.models import ProjectReport, ProjectReportKind

REPORT_LIMITS = PdfLimits(max_pages=60, max_size_mb=20)


class ReportForm(forms.ModelForm):
    """The report's fields, then for each partner team its budget allocated and spent in the
    report's year (`allocated_<partner id>`, `spent_<partner id>`)."""

    scientific_report = PdfField(label=_("Scientific report (PDF)"), required=False,
                                 limits=REPORT_LIMITS)

    class Meta:
        model = ProjectReport
        fields = ["public_summary_fr", "public_summary_en", "publications_count",
                  "patents_count", "fixed_term_staff_count"]
        widgets = {"public_summary_fr": forms.Textarea(attrs={"rows": 5, "lang": "fr"}),
                   "public_summary_en": forms.Textarea(attrs={"rows": 5, "lang": "en"})}

    def __init__(self, *args, partners, year, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = list(partners)
        for name in ("publications_count", "patents_count", "fixed_term_staff_count"):
            self.fields[name].min_value = 0
            self.fields[name].widget.attrs["min"] = 0
        for partner in self.partners:
            line = lines.get(partner.pk)
            for key, label in (("allocated", _("%(unit)s: allocated in %(year)s (€)")),
                               ("spent", _("%(unit)s: spent in %(year)s (€)"))):
                self.fields[f"{key}_{partner.pk}"] = forms.IntegerField(
                    label=label % {"unit": partner.laboratory, "year": year}, required=False,
                    min_value=0, initial=getattr(line, f"{key}_eur", None),
                    widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}))

    @property
    def budget_rows(self):
        """(partner, allocated field, spent field) for the template's table."""
        return [(p, self[f"allocated_{p.pk}"], self[f"spent_{p.pk}"]) for p in self.partners]

    def budget(self):
        data = self.cleaned_data
        return {p.pk: (data.get(f"allocated_{p.pk}"), data.get(f"spent_{p.pk}"))
                for p in self.partners
                if data.get(f"allocated_{p.pk}") is not None
                or data.get(f"spent_{p.pk}") is not None}


class ReviewForm(forms.Form):
    comments = forms.CharField(label=_("Comments to the coordinator"), required=False,
                               widget=forms.Textarea(attrs={"rows": 5}),
                               help_text=_("Required to send the report back."))


class ScheduleReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectReportKind.choices)
    year = forms.IntegerField(label=_("Year covered"), min_value=2023, max_value=2035,
                              required=False)
    title = forms.CharField(label=_("Title"), max_length=255)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
