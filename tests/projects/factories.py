"""A running project with two partner teams, a work package, deliverables and a report due."""
from datetime import date, timedelta

from django.utils import timezone

from pepr.core.models import Axis
from projects.models import (Deliverable, DeliverableKind, Project, ProjectOrigin,
                             ProjectPartner, ProjectStatus, WorkPackage)
from projects.reports import services as report_services
from tests.factories import OrganisationFactory


def running_project(coordinator, *, acronym="CARTHERA", units=("U1234 Immunothérapie",
                                                                "UMR 9876 Bioprocédés")):
    """A project of origin AAP needs an application; a priority slot stands in for any origin."""
    project = Project.objects.get(origin=ProjectOrigin.PRIORITY, axis__number=1, position=1)
    Project.objects.filter(pk=project.pk).update(
        acronym=acronym, title_fr="Thérapies CAR-T", title_en="CAR-T therapies",
        coordinator=coordinator, budget_eur=4_000_000, start_date=date(2024, 1, 1),
        duration_months=48, status=ProjectStatus.RUNNING)
    project.refresh_from_db()
    for position, unit in enumerate(units, start=1):
        ProjectPartner.objects.create(project=project, position=position, laboratory=unit,
                                      organisation=OrganisationFactory(),
                                      lead_name=f"Lead {position}",
                                      lead_email=f"lead{position}@example.org",
                                      budget_eur=2_000_000)
    work_package = WorkPackage.objects.create(project=project, number=1,
                                              title_fr="Production", title_en="Production")
    today = timezone.localdate()
    Deliverable.objects.create(project=project, work_package=work_package, code="D1.1",
                               title="Lot clinique", due_date=today - timedelta(days=30))
    Deliverable.objects.create(project=project, work_package=work_package, code="M1",
                               kind=DeliverableKind.MILESTONE, title="Premier patient",
                               due_date=today + timedelta(days=60))
    return project


def annual_report(project, *, year=2025, days=20):
    return report_services.schedule(
        project, kind="annual", title=f"Rapport annuel {year}", year=year,
        due_at=timezone.now() + timedelta(days=days), by=None)


def axis(number):
    return Axis.objects.get(number=number)
