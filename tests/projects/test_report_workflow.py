"""A project report from draft to accepted: the coordinator writes and submits, a pilot sends it
back with comments, the coordinator resubmits, a pilot accepts; every version is frozen and the
history says who did what."""
import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects.follow_up import selectors
from pepr.core.research_units import ResearchUnit
from projects.models import ProjectPartner, ProjectReport, ReportVersion
from projects.reports import services
from tests.factories import UserFactory
from tests.pdfs import pdf_upload
from tests.projects.factories import annual_report, running_project


def complete(report, by):
    partners = list(report.project.partners.all())
    services.save_draft(
        report, by=by,
        values={"public_summary_fr": "Résumé public.", "public_summary_en": "Public summary.",
                "publications_count": 4, "patents_count": 1, "fixed_term_staff_count": 3},
        budget={p.pk: (500_000, 420_000) for p in partners},
        scientific_report=pdf_upload(pages=3, name="rapport.pdf"),
        inspected=type("Inspected", (), {"pages": 3})())


@pytest.fixture
def project(applicant):
    return running_project(applicant)


def test_an_incomplete_report_is_refused_with_what_is_missing(project, applicant):
    report = annual_report(project)
    with pytest.raises(ValidationError) as refused:
        services.submit(report, by=applicant)
    fields = refused.value.message_dict
    assert {"public_summary_fr", "scientific_report", "budget"} <= set(fields)
    assert ProjectReport.objects.get(pk=report.pk).status == "draft"


def test_submit_send_back_resubmit_accept(project, applicant, pilot):
    report = annual_report(project)
    complete(report, applicant)
    services.submit(report, by=applicant)
    with pytest.raises(ValidationError):  # a submitted report is not edited
        services.save_draft(report, by=applicant, values={"patents_count": 9})
    with pytest.raises(ValidationError) as no_comments:
        services.review(report, by=pilot, action="send_back")
    assert "comments" in no_comments.value.message_dict
    services.review(report, by=pilot, action="send_back", comments="Détaillez le WP1.")
    report.refresh_from_db()
    assert (report.status, report.review_comments) == ("returned", "Détaillez le WP1.")
    services.save_draft(report, by=applicant, values={"patents_count": 2})
    services.submit(report, by=applicant)
    services.review(report, by=pilot, action="accept")
    report.refresh_from_db()
    assert (report.status, report.version) == ("accepted", 2)
    versions = ReportVersion.objects.filter(report=report).order_by("number")
    assert [v.content["patents_count"] for v in versions] == [1, 2]
    assert versions[0].content["budget_lines"][0]["spent_eur"] == 420_000
    history = [event.summary for event in selectors.history(project)]
    assert any("accepted the report" in line for line in history)
    assert any("submitted again" in line for line in history)
    budget = selectors.budget_totals(project)
    assert (budget["allocated"], budget["spent"]) == (4_000_000, 840_000)


def test_only_the_team_submits_and_only_an_unconflicted_pilot_reviews(project, applicant,
                                                                       pilot, anr_officer):
    report = annual_report(project)
    complete(report, applicant)
    with pytest.raises(PermissionDenied):
        services.submit(report, by=pilot)
    services.submit(report, by=applicant)
    with pytest.raises(PermissionDenied):
        services.review(report, by=anr_officer, action="accept")
    # The same name in another organisation is another unit: no conflict of interest.
    team = project.partners.get(laboratory="U1234 Immunothérapie")
    pilot.laboratory = "  u1234   immunothérapie "
    pilot.save(update_fields=["laboratory"])
    assert rules.has_perm("projects.review_report", pilot,
                          ProjectReport.objects.get(pk=report.pk))
    # A pilot of one of the partner units has one.
    unit = ResearchUnit.objects.create(rnsr="200918488S", code="U1234",
                                       name="Immunothérapie")
    ProjectPartner.objects.filter(pk=team.pk).update(unit=unit)
    pilot.unit = unit
    pilot.save(update_fields=["unit"])
    with pytest.raises(PermissionDenied):
        services.review(report, by=pilot, action="accept")


def test_a_final_report_has_at_most_five_pages(project, applicant):
    report = services.schedule(project, kind="final", title="Rapport final", year=None,
                               due_at=annual_report(project).due_at, by=None)
    complete(report, applicant)
    ProjectReport.objects.filter(pk=report.pk).update(scientific_report_pages=6)
    with pytest.raises(ValidationError) as refused:
        services.submit(ProjectReport.objects.get(pk=report.pk), by=applicant)
    assert "5" in " ".join(refused.value.message_dict["scientific_report"])


def test_unsubmitted_report_content_is_hidden_from_the_programme(client, project, applicant,
                                                                  pilot):
    report = annual_report(project)
    client.force_login(pilot)
    assert client.get(reverse("projects:report", args=[report.pk])).status_code == 403
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(reverse("projects:report", args=[report.pk])).status_code == 404
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 404
