"""PDF rendering with WeasyPrint, in the recipient's language, without fetching any remote file."""
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation


def _local_only_fetcher():
    """Only our own files may be read while rendering; anything remote is refused, so that a
    template or applicant text can never make the worker fetch a URL."""
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("file://"):
                raise ValueError(f"Remote resource refused while rendering a PDF: {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("file",))


def render_pdf(template, context, *, language):
    from weasyprint import CSS, HTML

    with translation.override(language):
        html = render_to_string(template, {**context, "LANGUAGE_CODE": language})
    stylesheet = finders.find("css/pdf.css")
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_local_only_fetcher()).write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None
    )
