"""Moves the priority projects, the funded projects and the governance's work packages into the one
Project model, and points every project report at its project."""
from django.db import migrations


def _months_between(start, end):
    if not (start and end):
        return None
    return max((end.year - start.year) * 12 + end.month - start.month, 1)


def _priority_projects(apps, moved):
    Project = apps.get_model("projects", "Project")
    Partner = apps.get_model("projects", "ProjectPartner")
    for slot in apps.get_model("projects", "PriorityProject").objects.all():
        project = Project.objects.create(
            origin="priority", axis_id=slot.axis_id, position=slot.position,
            acronym=slot.acronym, title_fr=slot.title_fr, title_en=slot.title_en,
            coordinator_id=slot.coordinator_id, budget_eur=slot.budget_eur,
            start_date=slot.start_date, is_demo=slot.is_demo,
            duration_months=_months_between(slot.start_date, slot.end_date),
            status="running" if slot.acronym else "preparing")
        moved[("priority", slot.pk)] = project.pk
        for position, organisation in enumerate(slot.partners.order_by("name"), start=1):
            Partner.objects.create(project=project, position=position,
                                   laboratory=organisation.acronym or organisation.name,
                                   organisation=organisation)


def _funded_projects(apps, moved):
    Project = apps.get_model("projects", "Project")
    Partner = apps.get_model("projects", "ProjectPartner")
    funded = apps.get_model("projects", "FundedProject").objects.select_related(
        "application__stage__call")
    for old in funded:
        application = old.application
        project = Project.objects.create(
            origin=application.stage.call.kind, application=application, acronym=old.acronym,
            title_fr=old.title, title_en=old.title, axis_id=old.axis_id,
            coordinator_id=old.coordinator_id, budget_eur=old.budget_eur,
            created_at=old.created_at, created_by_id=old.created_by_id,
            is_demo=application.is_demo, status="running")
        moved[("funded", old.pk)] = project.pk
        seen = set()
        for partner in application.partners.order_by("position", "pk"):
            if partner.laboratory.casefold() in seen:
                continue
            seen.add(partner.laboratory.casefold())
            Partner.objects.create(
                project=project, position=partner.position, laboratory=partner.laboratory,
                rnsr=partner.rnsr, organisation_id=partner.organisation_id,
                lead_name=partner.lead_name, lead_email=partner.lead_email, role=partner.role)


def _governance(apps):
    Project = apps.get_model("projects", "Project")
    WorkPackage = apps.get_model("projects", "WorkPackage")
    programme = apps.get_model("pepr", "Programme").objects.first()
    old_packages = apps.get_model("governance", "WorkPackage").objects.all()
    if programme is None:
        return
    project = Project.objects.create(
        origin="governance", acronym=f"{programme.acronym}-GOUV",
        title_fr="Gouvernance du PEPR", title_en="Governance of the PEPR", status="running",
        duration_months=(programme.end_year - programme.start_year + 1) * 12)
    for old in old_packages:
        WorkPackage.objects.create(project=project, number=old.number, title_fr=old.title_fr,
                                   title_en=old.title_en, lead_id=old.lead_id)


def forwards(apps, schema_editor):
    moved = {}
    _priority_projects(apps, moved)
    _funded_projects(apps, moved)
    _governance(apps)
    for report in apps.get_model("projects", "ProjectReport").objects.all():
        key = (("funded", report.funded_project_id) if report.funded_project_id
               else ("priority", report.priority_project_id))
        report.project_id = moved[key]
        if report.submitted_at:
            report.status, report.version = "submitted", 1
        report.kind = "final" if "final" in report.title.casefold() else "annual"
        report.save(update_fields=["project", "status", "version", "kind"])
    # Progress PDFs were built for the former models; they are rebuilt on request.
    apps.get_model("pepr", "Report").objects.filter(kind="project").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0004_project_follow_up"),
        ("governance", "0004_closed_ballots_are_final"),
        ("pepr", "0005_report_audience"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
