"""The followed projects of the demo programme: the twelve priority projects with their partner
teams, work packages, milestones and deliverables, the funded demo applications handed over to
follow-up, and the governance project's actions. Built in bulk where no service is needed, so
that the 6,500-application demo stays fast; what a demo user acts on goes through the services."""
import math
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from calls.applications.models import Application, ApplicationStatus, Partner, PartnerRole
from pepr.core.models import AuditEvent, User
from pepr.core.paris import PARIS
from pepr.demo import project_reports
from pepr.demo.units import Team
from projects.follow_up import services as follow_up
from projects.models import (
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    GovernanceAction,
    Project,
    ProjectEditor,
    ProjectOrigin,
    ProjectPartner,
    ProjectReport,
    ProjectStatus,
    WorkPackage,
    paris_today,
)

BATCH = 1000
# Governance actions have no demo flag: their title carries the demo label instead.
DEMO_MARK = "(démo)"
# About 2,000 milestones and deliverables at 6,500 applications, in proportion below.
DELIVERABLES_PER_APPLICATION = 2000 / 6500
# The content a slot had before the demo filled it (load_priority_slots creates it empty).
EMPTY_SLOT = {"acronym": "", "title_fr": "", "title_en": "", "coordinator": None,
              "budget_eur": None, "start_date": None, "duration_months": None,
              "anr_reference": "", "status": ProjectStatus.PREPARING, "is_demo": False,
              "created_by": None}

# (axis, position): acronym, French title, English title, budget, start, months. The budgets
# add up to the priority projects' 48.8 M€ (61 % of the programme).
PRIORITY = {
    (1, 1): ("DEMO-CELLAUTO", "Production automatisée et à moindre coût de thérapies cellulaires",
             "Automated lower-cost production of cell therapies", 4_600_000, (2023, 1), 60),
    (1, 2): ("DEMO-IPSCSOURCE", "Nouvelles sources cellulaires dérivées d'iPSC",
             "New cell sources derived from iPSCs", 4_000_000, (2023, 4), 48),
    (1, 3): ("DEMO-TISSUGEN", "Émergence des thérapies tissulaires",
             "Emerging tissue therapies", 3_800_000, (2023, 9), 54),
    (2, 1): ("DEMO-VECTAAV", "Vecteurs AAV ciblant un type cellulaire",
             "Cell-targeted AAV vectors", 4_400_000, (2023, 1), 60),
    (2, 2): ("DEMO-EDITGEN", "Édition du génome in vivo", "In vivo genome editing",
             4_200_000, (2023, 6), 48),
    (2, 3): ("DEMO-QCVECT", "Contrôle qualité non destructif des vecteurs",
             "Non-disruptive quality control of vectors", 3_600_000, (2024, 1), 48),
    (3, 1): ("DEMO-BCELLENG", "Lymphocytes B ingéniérés en oncologie",
             "Engineered B cells in oncology", 4_300_000, (2023, 3), 60),
    (3, 2): ("DEMO-ANTIDEV", "Développabilité des formats d'anticorps",
             "Developability of antibody formats", 3_900_000, (2023, 10), 48),
    (3, 3): ("DEMO-ARNMPROT", "ARNm pour protéines thérapeutiques et antigènes vaccinaux",
             "mRNA delivery of therapeutic proteins and vaccine antigens", 4_100_000,
             (2024, 1), 54),
    (4, 1): ("DEMO-VEPROD", "Production de vésicules extracellulaires à haut rendement",
             "High-yield production of extracellular vesicles", 4_200_000, (2023, 2), 60),
    (4, 2): ("DEMO-VEHYBRID", "Vésicules hybrides pour la délivrance d'ARN",
             "Hybrid vesicles for RNA delivery", 3_800_000, (2023, 11), 48),
    (4, 3): ("DEMO-VEGRAM", "Vésicules de bactéries à Gram positif",
             "Vesicles from Gram-positive bacteria", 3_900_000, (2024, 4), 52),
}
COORDINATORS = [("Anne", "Lambert"), ("Marc", "Roussel"), ("Élise", "Fontaine"),
                ("Thomas", "Girard"), ("Nadia", "Benali"), ("Julien", "Perrin"),
                ("Léa", "Chevalier"), ("Karim", "Haddad"), ("Isabelle", "Noël"),
                ("Olivier", "Marchand"), ("Manon", "Blanc"), ("Hugo", "Lemaire")]
WORK_PACKAGES = [("Coordination et gestion du projet", "Project coordination and management"),
                 ("Développement des procédés", "Process development"),
                 ("Caractérisation et contrôle qualité", "Characterisation and quality control"),
                 ("Validation préclinique", "Preclinical validation"),
                 ("Transfert et valorisation", "Transfer and exploitation")]
ITEM_TITLES = ["Protocole standardisé", "Rapport de caractérisation", "Lot pilote produit",
               "Jeu de données partagé", "Prototype de procédé", "Étude de faisabilité",
               "Plan de gestion des données", "Analyse comparative des méthodes"]
# Governance work packages: their budget (4 M€ in all) and the kind and title of their actions.
GOVERNANCE = {
    1: (1_200_000, [("event", "Séminaire annuel du programme"), ("mission", "Comités de pilotage"),
                    ("event", "Assemblée générale des partenaires")]),
    2: (900_000, [("event", "Journée de rencontre avec les industriels"),
                  ("mission", "Accompagnement au dépôt de brevets"),
                  ("event", "Atelier de transfert technologique")]),
    3: (800_000, [("training", "École d'été en bioproduction"),
                  ("training", "Formation aux bonnes pratiques de fabrication"),
                  ("training", "Webinaires des doctorants")]),
    4: (600_000, [("mission", "Congrès international de thérapie cellulaire"),
                  ("mission", "Rencontres avec les partenaires européens"),
                  ("event", "Atelier franco-allemand sur les vecteurs")]),
    5: (500_000, [("communication", "Site web et lettre d'information"),
                  ("communication", "Vidéos de vulgarisation"),
                  ("communication", "Stand au salon européen des biotechnologies")]),
}


def add_months(day, months):
    months += day.month - 1
    return date(day.year + months // 12, months % 12 + 1, min(day.day, 28))


def at_noon(day):
    return datetime.combine(day, time(12), tzinfo=PARIS)


def split(total, parts, rng):
    """`total` shared in `parts` uneven amounts (rounded to 1,000 €) that add up to it."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    shares = [int(round(total * w / sum(weights), -3)) for w in weights[:-1]]
    return [*shares, total - sum(shares)]


def build(accounts, units, rng, *, password, domain, applications):
    """Every project of the demo; `units` are the demo's (pepr.demo.units.DemoUnits);
    `applications` is the demo's size, which the number of deliverables follows."""
    evidence = project_reports.demo_evidence()
    priority = _priority_projects(accounts, units, rng, password, domain)
    count = _deliverables(priority, accounts, evidence, rng, per_work_package=(4, 6))
    funded = _funded_projects(accounts, rng)
    wanted = round(applications * DELIVERABLES_PER_APPLICATION) - count
    if funded:
        per_project = max(2, min(60, math.ceil(wanted / len(funded))))
        _deliverables(funded, accounts, evidence, rng, per_project=per_project)
    project_reports.build(priority, accounts, rng)
    _deliver_for_review(priority, accounts)
    _governance_actions(rng)


def _priority_projects(accounts, units, rng, password, domain):
    """The empty slots get a demo project each; the demo applicant coordinates the first, the
    others are coordinated from Inserm units."""
    slots = list(Project.objects.select_related("axis").filter(
        origin=ProjectOrigin.PRIORITY, acronym="").order_by("axis__number", "position"))
    inserm = units.groups["inserm"]
    coordinators = [accounts["applicant"], *User.objects.bulk_create(
        User(email=f"coordination{n:02d}@{domain}", first_name=first, last_name=f"{last} (démo)",
             password=password, organisation=team.organisation, unit=team.unit,
             laboratory=team.laboratory, is_demo=True)
        for n, ((first, last), team) in enumerate(zip(
            COORDINATORS[1:len(slots)], inserm[1:] + inserm), 1))]
    for number, (slot, coordinator) in enumerate(zip(slots, coordinators), 1):
        acronym, title_fr, title_en, budget, (year, month), months = PRIORITY[
            (slot.axis.number, slot.position)]
        slot.acronym, slot.title_fr = acronym, f"{title_fr} (démonstration)"
        slot.title_en, slot.budget_eur = f"{title_en} (demo)", budget
        slot.start_date, slot.duration_months = date(year, month, 1), months
        slot.anr_reference = f"ANR-{year % 100}-PEBB-{number:04d}"
        slot.coordinator, slot.created_by = coordinator, accounts["pilot"]
        slot.status, slot.is_demo = ProjectStatus.RUNNING, True
    Project.objects.bulk_update(slots, [*EMPTY_SLOT])
    ProjectPartner.objects.bulk_create(
        partner for slot in slots for partner in _priority_partners(slot, units, rng, domain))
    _work_packages(slots, rng, counts=(3, 5))
    return slots


def _priority_partners(project, units, rng, domain):
    """3 to 6 partner teams, mostly Inserm units and CEA institutes, and one or two CNRS,
    university, hospital or company teams; the coordinator leads the first, their own unit."""
    coordinator = project.coordinator
    count = rng.randint(3, 6)
    others = rng.randint(1, max(1, count // 3))
    first = Team(coordinator.unit, coordinator.organisation, coordinator.laboratory)
    teams = units.pick_distinct(rng, count - others, first=first, groups=("inserm", "cea"))
    teams += units.pick_distinct(rng, others, groups=("other", "unlisted"))
    for position, (team, budget) in enumerate(zip(teams, split(project.budget_eur, count, rng))):
        lead = (coordinator.get_full_name(), coordinator.email) if position == 0 else (
            f"Responsable {position} (démo)", f"{project.acronym.lower()}-{position}@{domain}")
        yield ProjectPartner(
            project=project, position=position, laboratory=team.laboratory,
            organisation=team.organisation, unit=team.unit,
            rnsr=team.unit.rnsr if team.unit else "", lead_name=lead[0], lead_email=lead[1],
            budget_eur=budget,
            role=PartnerRole.COORDINATOR if position == 0 else PartnerRole.PARTNER)


def _work_packages(projects, rng, *, counts):
    WorkPackage.objects.bulk_create(
        (WorkPackage(project=project, number=number, title_fr=title_fr, title_en=title_en,
                     lead=project.coordinator if number == 1 else None, budget_eur=budget)
         for project in projects
         for number, ((title_fr, title_en), budget) in enumerate(zip(
             WORK_PACKAGES, split(project.budget_eur or 0, rng.randint(*counts), rng)), 1)),
        batch_size=BATCH)


def _deliverables(projects, accounts, evidence, rng, *, per_work_package=None, per_project=None):
    """Milestones and deliverables spread over each project's duration: those already due are
    mostly accepted or delivered, some late."""
    today = paris_today()
    packages = {}
    for package in WorkPackage.objects.filter(project__in=projects).order_by("number"):
        packages.setdefault(package.project_id, []).append(package)
    rows = []
    for project in projects:
        items = _items(project, packages[project.pk], rng, per_work_package, per_project)
        due = [item for item in items if item.due_date < today]
        for item in due:
            item.status = rng.choices([DeliverableStatus.ACCEPTED, DeliverableStatus.DELIVERED,
                                       DeliverableStatus.PLANNED], [0.65, 0.15, 0.2])[0]
        # Every project shows each state: the last item due is late, the one before delivered.
        for item, status in zip(due[::-1], [DeliverableStatus.PLANNED,
                                            DeliverableStatus.DELIVERED]):
            item.status = status
        for item in due:
            _fill_delivery(item, project, accounts["pilot"], evidence)
        rows += items
    Deliverable.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _items(project, packages, rng, per_work_package, per_project):
    """The unsaved milestones and deliverables of one project, ordered by due date."""
    counts = ([rng.randint(*per_work_package) for _ in packages] if per_work_package
              else [per_project // len(packages) + (n < per_project % len(packages))
                    for n in range(len(packages))])
    items, milestones = [], 0
    for package, count in zip(packages, counts):
        for n in range(1, count + 1):
            milestone = n == count  # each work package ends on a milestone
            milestones += milestone
            month = round(project.duration_months * n / (count + 1)) + rng.randint(-2, 2)
            items.append(Deliverable(
                project=project, work_package=package, due_date=add_months(
                    project.start_date, max(1, month)),
                kind=DeliverableKind.MILESTONE if milestone else DeliverableKind.DELIVERABLE,
                code=f"M{milestones}" if milestone else f"D{package.number}.{n}",
                title=f"{rng.choice(ITEM_TITLES)} – {package.title_fr.lower()}"[:255]))
    return sorted(items, key=lambda item: (item.due_date, item.code))


def _fill_delivery(item, project, pilot, evidence):
    if item.status == DeliverableStatus.PLANNED:
        return
    item.evidence, item.evidence_name = evidence.name, "preuve-demonstration.pdf"
    item.evidence_pages, item.evidence_sha256 = evidence.pages, evidence.sha256
    item.delivered_at = at_noon(item.due_date - timedelta(days=3))
    item.delivered_by = project.coordinator
    if item.status == DeliverableStatus.ACCEPTED:
        item.accepted_by = pilot
        item.accepted_at = min(item.delivered_at + timedelta(days=14), timezone.now())


def _funded_projects(accounts, rng):
    """The funded demo applications handed over to follow-up by the demo pilot, running since
    a few months after their decision."""
    pilot = accounts["pilot"]
    funded = (Application.objects.filter(is_demo=True, status=ApplicationStatus.FUNDED)
              .select_related("stage__call", "axis", "coordinator").order_by("pk"))
    projects = [follow_up.create_from_application(application, by=pilot)
                for application in funded]
    for number, project in enumerate(projects, 101):
        start = add_months(project.application.stage.closes_at.date().replace(day=1), 3)
        project.start_date, project.duration_months = start, rng.choice([24, 36, 48])
        project.anr_reference = f"ANR-{start.year % 100}-PEBB-{number:04d}"
        project.status = ProjectStatus.RUNNING
    Project.objects.bulk_update(projects, ["start_date", "duration_months", "anr_reference",
                                           "status"])
    partners = list(ProjectPartner.objects.filter(project__in=projects).order_by("pk"))
    budgets = {project.pk: project.budget_eur or 0 for project in projects}
    unit_of = _units_of_application_partners(projects)
    teams = {}
    for partner in partners:
        teams.setdefault(partner.project_id, []).append(partner)
        partner.unit_id = partner.unit_id or unit_of.get((partner.project_id, partner.position))
    for project_id, team in teams.items():
        for partner, budget in zip(team, split(budgets[project_id], len(team), rng)):
            partner.budget_eur = budget
    ProjectPartner.objects.bulk_update(partners, ["budget_eur", "unit"], batch_size=BATCH)
    _work_packages(projects, rng, counts=(2, 3))
    return projects


def _units_of_application_partners(projects):
    """{(project, position): unit} of the application teams the projects carried over, for a
    follow-up service that copies the team's name and RNSR id but not its unit."""
    project_of = {project.application_id: project.pk for project in projects}
    return {(project_of[application_id], position): unit_id
            for application_id, position, unit_id in Partner.objects.filter(
                application_id__in=project_of, unit__isnull=False).values_list(
                    "application_id", "position", "unit_id")}


def _deliver_for_review(priority, accounts):
    """The demo applicant delivers one item of their project through the service, so that the
    demo pilot finds it, with its history, waiting to be accepted."""
    mine = [p for p in priority if p.coordinator_id == accounts["applicant"].pk]
    planned = Deliverable.objects.filter(project__in=mine, kind=DeliverableKind.DELIVERABLE,
                                         status=DeliverableStatus.PLANNED)
    # Ahead of its due date if one is left, so that the project keeps its late items.
    item = (planned.filter(due_date__gte=paris_today()).order_by("due_date", "pk").first()
            or planned.order_by("due_date", "pk").first())
    if item is not None:
        upload, inspected = project_reports.demo_pdf(f"{item.code}.pdf")
        follow_up.deliver(item, by=accounts["applicant"], evidence=upload, inspected=inspected)


def _governance_actions(rng):
    """Actions in the governance project's five work packages; a budget a programme officer
    already entered is kept."""
    today = paris_today()
    packages = {p.number: p for p in WorkPackage.objects.filter(
        project__origin=ProjectOrigin.GOVERNANCE)}
    actions = []
    for number, (budget, planned) in GOVERNANCE.items():
        package = packages.get(number)
        if package is None:
            continue
        if package.budget_eur is None:
            package.budget_eur = budget
            package.save(update_fields=["budget_eur"])
        for n, ((kind, title), amount) in enumerate(zip(
                planned, split(int(round(package.budget_eur * 0.7, -3)), len(planned), rng))):
            held_on = add_months(date(2023, 6, 15), 11 * n + 2 * number)
            spent = int(round(amount * rng.uniform(0.8, 1.0), -2)) if held_on < today else 0
            actions.append(GovernanceAction(
                work_package=package, kind=kind, title=f"{title} {DEMO_MARK}",
                held_on=held_on, budget_eur=amount, spent_eur=spent))
    GovernanceAction.objects.bulk_create(actions)


def remove():
    """Every demo project goes, except the priority slots themselves, which are emptied again;
    their demo history goes with them, so that staff import into a clean slot."""
    demo = Project.objects.filter(is_demo=True)
    ids = list(demo.values_list("pk", flat=True))
    files = {*ProjectReport.objects.filter(project__in=ids).exclude(scientific_report="")
             .values_list("scientific_report", flat=True),
             *Deliverable.objects.filter(project__in=ids).exclude(evidence="")
             .values_list("evidence", flat=True)}
    AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(Project),
                              target_id__in=ids).delete()
    for model in (ProjectReport, Deliverable, WorkPackage, ProjectPartner, ProjectEditor):
        model.objects.filter(project__in=ids).delete()
    demo.exclude(origin=ProjectOrigin.PRIORITY).delete()
    demo.update(**EMPTY_SLOT)
    GovernanceAction.objects.filter(title__endswith=DEMO_MARK).delete()
    # The files go once the rows are surely gone; a rolled-back seed keeps them.
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])

