"""The annual reports of the demo's priority projects, written, submitted and reviewed through
the report services so that their versions and history are real: one accepted, one awaiting the
Comité de Pilotage (one of them sent back once and resubmitted), and on the demo applicant's
project a complete draft, ready to submit. Also the small PDFs the demo attaches."""
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from calls.applications.documents import inspect_pdf
from pepr.core.paris import PARIS
from projects.follow_up.forms import EVIDENCE_LIMITS
from projects.models import ProjectReportKind, paris_today
from projects.reports import services as reports

DEMO_LINES = ["Document de démonstration – données fictives",
              "Demo document – fictitious data"]


@dataclass
class StoredPdf:
    name: str
    pages: int
    sha256: str


def pdf_bytes(lines):
    """A one-page PDF with a few lines of text in a standard font (no font file to embed), so
    that a demo user who opens it reads that it is demo data."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica"),
                             NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    text = b"".join(b"(" + line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(")
                    .replace(b")", b"\\)") + b") Tj 0 -24 Td " for line in lines)
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 14 Tf 72 760 Td " + text + b"ET")
    page.replace_contents(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def demo_pdf(name, lines=()):
    """An upload as a form hands it to a service: the file, and what the PDF check learnt."""
    upload = ContentFile(pdf_bytes([*lines, *DEMO_LINES]), name=name)
    return upload, inspect_pdf(upload, EVIDENCE_LIMITS)


def demo_evidence():
    """One stored evidence file that every bulk-delivered demo item points to, rather than
    thousands of copies."""
    upload, inspected = demo_pdf("evidence.pdf", ["Preuve de livraison"])
    name = default_storage.save("projects/demo/evidence.pdf", upload)
    return StoredPdf(name=name, pages=inspected.pages, sha256=inspected.sha256)


def build(priority, accounts, rng):
    """Two years of annual reports per project: the year before last accepted, last year's
    submitted, except on the demo applicant's project, where it is a complete draft."""
    today = paris_today()
    pilot, applicant = accounts["pilot"], accounts["applicant"]
    for n, project in enumerate(priority):
        partners = list(project.partners.order_by("position", "pk"))
        coordinator = project.coordinator
        report = _written(project, partners, today.year - 2, pilot, rng)
        reports.submit(report, by=coordinator)
        reports.review(report, by=pilot, action="accept")
        owed = coordinator == applicant  # left for the demo applicant to submit
        report = _written(project, partners, today.year - 1, pilot, rng, owed=owed)
        if owed:
            continue
        reports.submit(report, by=coordinator)
        if n == 1:
            _sent_back_and_resubmitted(report, coordinator, pilot)


def _sent_back_and_resubmitted(report, coordinator, pilot):
    """A report with two versions: the demo shows what a send-back looks like."""
    report = reports.review(report, by=pilot, action="send_back",
                            comments="Précisez les dépenses de personnel (démonstration).")
    reports.save_draft(report, by=coordinator,
                       values={"fixed_term_staff_count": report.fixed_term_staff_count + 1})
    reports.submit(report, by=coordinator)


def _written(project, partners, year, pilot, rng, *, owed=False):
    """A report the pilot scheduled and the coordinator filled in completely."""
    coordinator = project.coordinator
    report = reports.schedule(
        project, kind=ProjectReportKind.ANNUAL, title=f"Rapport annuel {year}",
        due_at=_due(year, owed), year=year, by=pilot)
    upload, inspected = demo_pdf(f"rapport-scientifique-{year}.pdf",
                                 [f"{project.acronym} – rapport scientifique {year}"])
    values = {
        "public_summary_fr": f"En {year}, le consortium {project.acronym} a avancé sur "
                             f"« {project.title_fr} ». Résumé public de démonstration.",
        "public_summary_en": f"In {year}, the {project.acronym} consortium made progress on "
                             f"“{project.title_en}”. Demo public summary.",
        "publications_count": rng.randint(2, 12), "patents_count": rng.randint(0, 2),
        "fixed_term_staff_count": rng.randint(1, 5),
    }
    budget = {partner.pk: _allocated_and_spent(partner, project, year, rng)
              for partner in partners}
    return reports.save_draft(report, by=coordinator, values=values, budget=budget,
                              scientific_report=upload, inspected=inspected)


def _due(year, owed):
    """31 March of the next year at 17:00 in Paris; a report still owed is given a month from
    now instead when that date has passed, so that the demo's draft is due soon, not late."""
    due = datetime.combine(date(year + 1, 3, 31), time(17), tzinfo=PARIS)
    if owed and due < timezone.now():
        due = datetime.combine(paris_today() + timedelta(days=30), time(17), tzinfo=PARIS)
    return due


def _allocated_and_spent(partner, project, year, rng):
    """The partner's share of the year (its budget over the project's months, for the months
    the project ran that year) and most of it spent."""
    start = project.start_date
    months = 0 if start.year > year else 12 if start.year < year else 13 - start.month
    allocated = int(round((partner.budget_eur or 0) * months / project.duration_months, -2))
    return allocated, int(round(allocated * rng.uniform(0.55, 0.95), -2))
