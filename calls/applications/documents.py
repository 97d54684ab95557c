"""Checks an uploaded PDF by its content: a real PDF, readable, within the page and size limits,
with nothing a viewer would run or open by itself (JavaScript, automatic actions, attached files)."""
import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# Actions that run code or other programs, wherever they hang (a link, a field, a bookmark).
SCRIPT_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"}
# A file reaches past this many objects only when built to exhaust the check.
MAX_OBJECTS = 250_000


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
        _refuse_active_content(reader)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
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


def _refuse_active_content(reader):
    """Walk every object reachable from the trailer (the catalog, its name trees, the pages and
    their /AA, annotations and their /A, form fields, bookmarks), resolved by pypdf wherever it is
    stored: a byte scan misses a name written #-escaped or inside a compressed object stream."""
    seen, stack = set(), [reader.trailer]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            if len(seen) > MAX_OBJECTS:
                raise ValidationError(_("This PDF is too complex to be checked; export it again "
                                        "and retry."), code="too_complex")
            node = node.get_object()
        if isinstance(node, DictionaryObject):  # streams too: their dictionary, not their data
            _judge(node)
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)


def _judge(node):
    kind = _value(node, "/Type")
    if ("/EmbeddedFiles" in node or "/EF" in node or kind == "/EmbeddedFile"
            or _value(node, "/Subtype") == "/FileAttachment"):
        raise ValidationError(
            _("This PDF contains attached files, which the portal does not accept. Remove them, "
              "or save the document again as a plain PDF (for instance with “Print to PDF”), "
              "and upload it again."), code="embedded_files")
    automatic = [_value(node, "/OpenAction")] if "/OpenAction" in node else []
    if "/AA" in node:  # additional actions: run on opening a page, focusing a field…
        triggers = _value(node, "/AA")
        automatic += list(triggers.values()) if isinstance(triggers, DictionaryObject) else [None]
    if ("/JS" in node or "/JavaScript" in node or "/XFA" in node
            or _value(node, "/S") in SCRIPT_ACTIONS
            or not all(_only_moves(action) for action in automatic)):
        raise ValidationError(
            _("This PDF contains JavaScript or actions that run by themselves, which the portal "
              "does not accept. Save the document again as a plain PDF (for instance with “Print "
              "to PDF”) and upload it again."), code="active_content")


def _only_moves(action, chained=False, depth=0):
    """Whether an action run without a click only goes to a place of the document, with the
    actions it chains (/Next). Word and LaTeX write such an /OpenAction (“open at page 1”)."""
    action = action.get_object() if action is not None else None
    if isinstance(action, ArrayObject) and not chained:
        return True  # a destination
    if not isinstance(action, DictionaryObject) or depth > 32 or _value(action, "/S") != "/GoTo":
        return False
    following = _value(action, "/Next")
    if following is None:
        return True
    chain = following if isinstance(following, ArrayObject) else [following]
    return all(_only_moves(step, chained=True, depth=depth + 1) for step in chain)


def _value(node, key):
    # DictionaryObject.get leaves an indirect reference unresolved: a name may hide behind one.
    value = node.get(key)
    return None if value is None else value.get_object()
