"""PDF rendering with WeasyPrint, in the recipient's language, without fetching any remote file."""
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation


def _local_only(url):
    # Only our own static files may be read while rendering; anything remote is refused.
    from weasyprint import default_url_fetcher

    if url.startswith("file://"):
        return default_url_fetcher(url)
    raise ValueError(f"Remote resource refused while rendering a PDF: {url}")


def render_pdf(template, context, *, language):
    from weasyprint import CSS, HTML

    with translation.override(language):
        html = render_to_string(template, {**context, "LANGUAGE_CODE": language})
    stylesheet = finders.find("css/pdf.css")
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_local_only).write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None
    )
