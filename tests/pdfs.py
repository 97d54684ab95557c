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


def upload_of(data, name="letter.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _written(writer):
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _one_page_writer():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def open_action_javascript_pdf_bytes(script="app.alert('Bonjour');"):
    """A PDF whose /OpenAction runs JavaScript when it is opened."""
    from pypdf.actions import JavaScript

    writer = _one_page_writer()
    writer.add_open_action(JavaScript(script))
    return _written(writer)


def embedded_file_pdf_bytes(filename="macro.xlsm", data=b"PK\x03\x04 not really a workbook"):
    """A PDF carrying an attached file (the catalog's /EmbeddedFiles name tree)."""
    writer = _one_page_writer()
    writer.add_attachment(filename, data)
    return _written(writer)


def pdf_bytes_with(catalog=None, page=None):
    """A one-page PDF whose catalog and page get the given entries: {"/Name": pdf object} or a
    callable of the writer returning it (to add indirect objects)."""
    from pypdf.generic import NameObject

    writer = _one_page_writer()
    for target, entries in ((writer.root_object, catalog), (writer.pages[0], page)):
        for key, value in (entries or {}).items():
            target[NameObject(key)] = value(writer) if callable(value) else value
    return _written(writer)


def hidden_javascript_pdf_bytes():
    """A PDF whose catalog, with an /OpenAction running JavaScript, sits in a compressed object
    stream behind a cross-reference stream: none of its names appears in the file's bytes."""
    import zlib

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /S /J#61vaScript /J#53 (app.alert\\('hidden'\\);) >>",
    ]
    header, body = b"", b""
    for number, text in enumerate(objects, start=1):
        header += b"%d %d " % (number, len(body))
        body += text + b"\n"
    packed = zlib.compress(header + body)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    stream_at = out.tell()
    out.write(b"5 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\n"
              b"stream\n" % (len(header), len(packed)) + packed + b"\nendstream\nendobj\n")
    xref_at = out.tell()
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    rows += [b"\x02" + (5).to_bytes(4, "big") + index.to_bytes(2, "big") for index in range(4)]
    rows += [b"\x01" + offset.to_bytes(4, "big") + b"\x00\x00" for offset in (stream_at, xref_at)]
    table = b"".join(rows)
    out.write(b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
              % len(table) + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


def pdf_text(data):
    """The text of every page of a PDF (bytes), its French no-break spaces read as plain spaces
    and its table cells' line breaks undone, to look for phrases."""
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())
