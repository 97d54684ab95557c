"""Forms of project follow-up: evidence of a deliverable, co-editor invitations."""
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.applications.documents import inspect_pdf


@dataclass(frozen=True)
class PdfLimits:
    """The limits `inspect_pdf` checks an uploaded PDF against."""

    max_pages: int
    max_size_mb: int

    @property
    def max_size_bytes(self):
        return self.max_size_mb * 1024 * 1024


EVIDENCE_LIMITS = PdfLimits(max_pages=200, max_size_mb=20)


class PdfField(forms.FileField):
    """A PDF checked by its content (calls.applications.documents); `cleaned_data` keeps the
    file, and the field's `inspected` what was learnt of it."""

    def __init__(self, *args, limits, **kwargs):
        self.limits = limits
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "application/pdf"}))
        kwargs.setdefault("help_text", _("PDF, at most %(pages)d pages and %(size)d MB.") % {
            "pages": limits.max_pages, "size": limits.max_size_mb})
        super().__init__(*args, **kwargs)
        self.inspected = None

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded and hasattr(uploaded, "chunks"):
            self.inspected = inspect_pdf(uploaded, self.limits)
        return uploaded


class DeliverForm(forms.Form):
    evidence = PdfField(label=_("Evidence (PDF)"), required=False, limits=EVIDENCE_LIMITS)


class InviteEditorForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person to invite"))
