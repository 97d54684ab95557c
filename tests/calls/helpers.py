"""Helpers to bring an application to a given state through the services."""
from calls.applications import services as submission
from tests.pdfs import pdf_upload

COMPLETE = {
    "title": "Vecteurs AAV ciblés", "acronym": "AAVCIB", "summary_fr": "Résumé.",
    "summary_en": "Summary.", "keywords": "AAV, ciblage", "requested_budget_eur": 500_000,
}


def complete(application, user):
    from pepr.core.models import Axis

    data = {**COMPLETE, "axis": Axis.objects.get(number=2)}
    submission.save_draft(application, by=user, data=data, partners=[{
        "organisation": None, "laboratory": "Lab A", "rnsr": "", "lead_name": "Ada",
        "lead_email": "ada@example.org", "role": "coordinator"}])
    for requirement in application.stage.document_requirements.all():
        submission.upload_document(application, requirement, pdf_upload(2), by=user)
    application.refresh_from_db()
    return application
