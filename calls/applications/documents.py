"""Checks an uploaded PDF by its content: a real PDF, readable, within the page and size limits."""
import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pypdf import PdfReader
from pypdf.errors import PdfReadError


@dataclass
class InspectedPdf:
    pages: int
    size: int
    sha256: str


def inspect_pdf(uploaded, requirement):
    """Return what we learnt of the file, or raise a ValidationError the applicant can act on."""
    if uploaded.size > requirement.max_size_bytes:
        raise ValidationError(
            _("This file weighs %(size)s; the limit is %(limit)s MB.")
            % {"size": filesizeformat(uploaded.size), "limit": requirement.max_size_mb},
            code="too_large",
        )
    uploaded.seek(0)
    head = uploaded.read(1024)
    # A PDF may start with a few bytes of junk, but its header must appear in the first kilobyte.
    if b"%PDF-" not in head:
        raise ValidationError(_("This file is not a PDF document."), code="not_pdf")
    uploaded.seek(0)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    try:
        reader = PdfReader(uploaded)
        if reader.is_encrypted:
            raise ValidationError(
                _("This PDF is protected by a password; upload it without protection."),
                code="encrypted",
            )
        pages = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(
            _("This PDF is damaged or cannot be read; export it again and retry."), code="broken"
        ) from error
    finally:
        uploaded.seek(0)
    if pages > requirement.max_pages:
        raise ValidationError(
            ngettext("This PDF has %(pages)d page; the limit is %(limit)d.",
                     "This PDF has %(pages)d pages; the limit is %(limit)d.", pages)
            % {"pages": pages, "limit": requirement.max_pages},
            code="too_many_pages",
        )
    return InspectedPdf(pages=pages, size=uploaded.size, sha256=digest.hexdigest())
