"""Real PDF files for upload tests, built with pypdf."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter


def pdf_bytes(pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(pages=1, name="letter.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(pages), content_type="application/pdf")


def fake_pdf_upload(name="letter.pdf"):
    """A file named .pdf whose content is not a PDF."""
    return SimpleUploadedFile(name, b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
