"""Builds a clearly labelled demo programme of any size, for `make run` and the benchmarks.

Everything created here carries `is_demo=True` (or a demo e-mail domain), so that it can be told
apart from real data on every page and removed in one go.
"""
import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from calls.applications.models import (
    Application,
    ApplicationStatus,
    Partner,
    PartnerRole,
    StatusChange,
    SubmittedVersion,
)
from calls.decisions.models import Decision
from calls.evaluation.models import Assignment
from calls.setup import services as call_services
from calls.setup.models import Call, CallKind, Stage, StageKind
from governance.models import Committee, CommitteeMembership, MembershipRole, Session, Vote
from pepr.core import services
from pepr.core.models import Axis, CommitteeCode, Organisation, OrganisationKind, Role, User
from pepr.demo import evaluation as demo_evaluation
from pepr.demo import projects as demo_projects
from pepr.demo import units as demo_units
from pepr.reference import load_reference_data

DEMO_DOMAIN = "demo.pepr-bbti.fr"
DEMO_PASSWORD = "demo-pepr-bbti"
BATCH = 1000

# One account per role, printed by `make run`.
DEMO_ACCOUNTS = [
    ("applicant", "Camille", "Martin", None, None),
    ("reviewer", "Jonas", "Weber", Role.REVIEWER, None),
    ("ccs", "Ingrid", "Larsen", None, CommitteeCode.CCS),
    ("csi", "Hélène", "Moreau", None, CommitteeCode.CSI),
    ("pilot", "Paul", "Durand", None, CommitteeCode.STEERING),
    ("directeur", "Claire", "Bernard", None, CommitteeCode.BOARD),
    ("anr", "Sophie", "Lefebvre", Role.ANR_OFFICER, None),
    ("admin", "Alex", "Admin", None, None),
]

ORGANISATIONS = [
    ("Université de démonstration de Lyon", "UDL", OrganisationKind.UNIVERSITY, "Lyon"),
    ("CHU de démonstration de Nantes", "CHUDN", OrganisationKind.HOSPITAL, "Nantes"),
    ("Institut de démonstration Pasteur-Sud", "IDPS", OrganisationKind.RESEARCH, "Montpellier"),
    ("École d'ingénieurs de démonstration", "EID", OrganisationKind.SCHOOL, "Compiègne"),
    ("Université de démonstration de Strasbourg", "UDS", OrganisationKind.UNIVERSITY, "Strasbourg"),
    ("CHU de démonstration de Lille", "CHUDL", OrganisationKind.HOSPITAL, "Lille"),
    ("Biotech de démonstration SAS", "BDS", OrganisationKind.COMPANY, "Évry"),
    ("Université de démonstration de Bordeaux", "UDB", OrganisationKind.UNIVERSITY, "Bordeaux"),
    ("Centre de démonstration en bioproduction", "CDB", OrganisationKind.RESEARCH, "Toulouse"),
    ("Université de démonstration Paris-Cité", "UDPC", OrganisationKind.UNIVERSITY, "Paris"),
]
TOPICS = ["CAR-T", "AAV", "CRISPR", "iPSC", "exosomes", "bioréacteur", "ARNm", "anticorps",
          "contrôle qualité", "lentivirus", "cellules B", "Gram+", "hydrogel", "organoïdes"]


@dataclass
class DemoSummary:
    accounts: list
    applications: int
    reviewers: int


def demo_exists():
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exists()


@transaction.atomic
def remove_demo():
    demo_users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    # Open or pending demo ballots only (the demo never closes one): closed ballots are final.
    Vote.objects.filter(voter__in=demo_users).delete()
    Session.objects.filter(created_by__in=demo_users).delete()
    # Projects first: they keep their application and their coordinator (both protected).
    demo_projects.remove()
    Decision.objects.filter(application__is_demo=True).delete()
    Assignment.objects.filter(application__is_demo=True).delete()
    Application.objects.filter(is_demo=True).delete()
    Call.objects.filter(is_demo=True).delete()
    User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()
    demo_units.remove()
    Organisation.objects.filter(is_demo=True).delete()


@transaction.atomic
def seed(*, applications=60, reviewers=12, seed_value=2024):
    """Replace any previous demo data by a new demo programme of the given size."""
    rng = random.Random(seed_value)
    programme = load_reference_data()
    remove_demo()
    password = make_password(DEMO_PASSWORD)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=name, acronym=acronym, kind=kind, city=city, is_demo=True)
        for name, acronym, kind, city in ORGANISATIONS
    )
    units = demo_units.build(organisations)
    accounts = _demo_accounts(programme, password, units)
    reviewer_users = _reviewers(reviewers, password, units, rng)
    stages = _calls(programme, accounts["pilot"])
    count = _applications(applications, stages, units, password, accounts, rng)
    demo_evaluation.build(stages, accounts, reviewer_users, rng)
    demo_projects.build(accounts, units, rng, password=password, domain=DEMO_DOMAIN,
                        applications=count)
    _verify_emails()
    return DemoSummary(
        accounts=[(key, f"{key}@{DEMO_DOMAIN}") for key, *_rest in DEMO_ACCOUNTS],
        applications=count, reviewers=len(reviewer_users) + 1,
    )


def _demo_accounts(programme, password, units):
    committees = {c.code: c for c in Committee.objects.filter(programme=programme)}
    accounts = {}
    for key, first, last, role, committee_code in DEMO_ACCOUNTS:
        # Programme staff work in head offices that no team uses (demo.units.ACCOUNT_UNITS):
        # the unit rule leaves them every file but those of a team of their own unit.
        team = units.team_of(demo_units.ACCOUNT_UNITS[key])
        user = User.objects.create(
            email=f"{key}@{DEMO_DOMAIN}", first_name=first, last_name=f"{last} (démo)",
            password=password, organisation=team.organisation, unit=team.unit,
            laboratory=team.laboratory, is_demo=True,
            is_staff=key == "admin", is_superuser=key == "admin",
        )
        if role:
            services.grant_role(user, role)
        if committee_code:
            CommitteeMembership.objects.create(
                committee=committees[committee_code], user=user,
                role=MembershipRole.CO_PILOT if key == "pilot" else MembershipRole.MEMBER,
            )
        accounts[key] = user
    return accounts


def _verify_emails():
    """Every demo account signs in: allauth refuses an unverified e-mail (ACCOUNT_EMAIL_VERIFICATION
    is mandatory), so each gets its address verified, in bulk, whichever part created it (the
    named accounts, experts, numbered applicants, project coordinators)."""
    from allauth.account.models import EmailAddress

    users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exclude(
        emailaddress__isnull=False).values_list("pk", "email")
    EmailAddress.objects.bulk_create(
        (EmailAddress(user_id=pk, email=email, verified=True, primary=True) for pk, email in users),
        batch_size=BATCH)


def _reviewers(count, password, units, rng):
    teams = [units.pick(rng, groups=("inserm", "cea", "other")) for _n in range(1, count)]
    users = User.objects.bulk_create(
        User(email=f"expert{n:05d}@{DEMO_DOMAIN}", first_name="Expert", last_name=f"{n} (démo)",
             password=password, organisation=team.organisation, unit=team.unit,
             laboratory=team.laboratory, is_demo=True, language=rng.choice(["fr", "en"]))
        for n, team in enumerate(teams, 1)
    )
    group = Group.objects.get(name=Role.REVIEWER)
    group.user_set.add(*users)
    return users


def _calls(programme, pilot):
    """Calls in every state: an AMI whose letters closed and whose full stage is open, an open
    AAP, an upcoming AAP, a closed one and an unpublished draft."""
    now = timezone.now().replace(second=0, microsecond=0)
    axes = list(Axis.objects.filter(programme=programme))
    day = timedelta(days=1)

    def make(code, kind, title_fr, title_en, published, windows, envelope):
        call = call_services.create_call(
            programme=programme, kind=kind, code=code, title_fr=title_fr, title_en=title_en,
            summary_fr=f"{title_fr} – données de démonstration.",
            summary_en=f"{title_en} – demo data.", axes=axes, created_by=pilot,
            budget_envelope_eur=envelope, is_demo=True,
        )
        stages = [
            call_services.add_stage(call, kind=kind_, opens_at=opens, closes_at=closes,
                                    requires_selected_letters=index > 0 and kind == CallKind.AMI)
            for index, (kind_, opens, closes) in enumerate(windows)
        ]
        if published:
            call_services.publish_call(call, by=pilot, at=now - 40 * day)
        return stages

    paris_17h = now.replace(hour=16, minute=0)  # 17:00 in Paris in winter
    ami = make("demo-ami-2024", CallKind.AMI, "AMI de démonstration 2024",
               "Demo AMI 2024", True,
               [(StageKind.LETTER_OF_INTENT, now - 90 * day, paris_17h - 30 * day),
                (StageKind.FULL_PROPOSAL, now - 10 * day, paris_17h + 30 * day)], 8_000_000)
    aap = make("demo-aap-2025", CallKind.AAP, "AAP de démonstration 2025",
               "Demo AAP 2025", True,
               [(StageKind.FULL_PROPOSAL, now - 20 * day, paris_17h + 14 * day)], 12_000_000)
    make("demo-aap-2026", CallKind.AAP, "AAP de démonstration 2026 (à venir)",
         "Demo AAP 2026 (upcoming)", True,
         [(StageKind.LETTER_OF_INTENT, now + 30 * day, paris_17h + 75 * day),
          (StageKind.FULL_PROPOSAL, now + 120 * day, paris_17h + 180 * day)], 10_000_000)
    closed = make("demo-aap-2023", CallKind.AAP, "AAP de démonstration 2023 (clos)",
                  "Demo AAP 2023 (closed)", True,
                  [(StageKind.FULL_PROPOSAL, now - 400 * day, paris_17h - 330 * day)], 6_000_000)
    make("demo-aap-draft", CallKind.AAP, "AAP de démonstration (brouillon)",
         "Demo AAP (draft)", False,
         [(StageKind.FULL_PROPOSAL, now + 60 * day, paris_17h + 100 * day)], None)
    return [ami[0], ami[1], aap[0], closed[0]]


def _applications(total, stages, units, password, accounts, rng):
    """Applications spread over the stages, with partners, versions and a timeline, in bulk."""
    if not total:
        return 0
    teams = [units.pick(rng) for _n in range(1, max(2, total // 3))]
    applicants = [accounts["applicant"]] + User.objects.bulk_create(
        User(email=f"applicant{n:05d}@{DEMO_DOMAIN}", first_name="Candidat",
             last_name=f"{n} (démo)", password=password, organisation=team.organisation,
             unit=team.unit, laboratory=team.laboratory, is_demo=True)
        for n, team in enumerate(teams, 1)
    )
    rows, counters = _application_rows(total, stages, applicants, rng)
    created = Application.objects.bulk_create(rows, batch_size=BATCH)
    for stage in stages:
        Stage.objects.filter(pk=stage.pk).update(last_reference_number=counters[stage.pk])
    _partners_and_timeline(created, units, rng)
    return len(created)


def _application_rows(total, stages, applicants, rng):
    """The unsaved applications, and how many each stage got (its last reference number)."""
    axes = list(Axis.objects.all())
    now = timezone.now()
    weights = [0.45, 0.15, 0.3, 0.1]
    rows, counters = [], {stage.pk: 0 for stage in stages}
    for n in range(total):
        # The demo applicant's first application is a selected AMI letter, so that the demo can
        # show a full project growing from it.
        stage = stages[0] if n == 0 else rng.choices(stages, weights)[0]
        counters[stage.pk] += 1
        status = _demo_status(stage, n, now, rng)
        topic = rng.sample(TOPICS, 3)
        submitted = status != ApplicationStatus.DRAFT
        rows.append(Application(
            stage=stage, reference=_reference(stage, counters[stage.pk]),
            coordinator=applicants[n % len(applicants)], status=status,
            title=f"Démonstration : {topic[0]} et {topic[1]} pour la bioproduction",
            acronym=f"DEMO{n:05d}", axis=rng.choice(axes),
            summary_fr=f"Résumé de démonstration sur {', '.join(topic)}.",
            summary_en=f"Demo summary on {', '.join(topic)}.", keywords=", ".join(topic),
            requested_budget_eur=rng.randrange(300, 1500) * 1000 if stage.asks_budget else None,
            version=1 if submitted else 0,
            submitted_at=stage.opens_at + (stage.closes_at - stage.opens_at) * rng.random()
            if submitted else None,
            is_demo=True,
        ))
    return rows, counters


def _demo_status(stage, n, now, rng):
    """The status of the demo's `n`th application: mostly submitted, some drafts and
    withdrawals; on a closed AMI letter stage, selected or not."""
    closed = stage.closes_at <= now
    status = rng.choices(
        [ApplicationStatus.SUBMITTED, ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN],
        [0.8, 0.05, 0.15] if closed else [0.5, 0.45, 0.05],
    )[0] if n else ApplicationStatus.SUBMITTED
    judged = closed and stage.kind == StageKind.LETTER_OF_INTENT
    if judged and status == ApplicationStatus.SUBMITTED:
        # The AMI's letters were judged: about a third selected, invited to the full stage.
        status = ApplicationStatus.SELECTED if rng.random() < 0.35 or n == 0 \
            else ApplicationStatus.NOT_SELECTED
    return status


def _partners_and_timeline(created, units, rng):
    """The partner teams of the applications (the first one the coordinator's, the others of
    other units, mostly Inserm and CEA), and for the submitted ones their first version and the
    timeline row of their submission."""
    Partner.objects.bulk_create(
        (Partner(application=application, position=position, organisation=team.organisation,
                 unit=team.unit, laboratory=team.laboratory,
                 rnsr=team.unit.rnsr if team.unit else "",
                 lead_name=f"Responsable {position} (démo)",
                 lead_email=f"lead{application.pk}-{position}@{DEMO_DOMAIN}",
                 role=PartnerRole.COORDINATOR if position == 0 else PartnerRole.PARTNER)
         for application in created
         for position, team in enumerate(units.pick_distinct(
             rng, rng.randint(1, 4), first=_team_of(application.coordinator)))),
        batch_size=BATCH,
    )
    submitted = [a for a in created if a.version]
    SubmittedVersion.objects.bulk_create(
        (SubmittedVersion(application=a, number=1, submitted_at=a.submitted_at,
                          submitted_by=a.coordinator,
                          content={"title": a.title, "acronym": a.acronym,
                                   "summary_fr": a.summary_fr, "summary_en": a.summary_en})
         for a in submitted),
        batch_size=BATCH,
    )
    StatusChange.objects.bulk_create(
        (StatusChange(application=a, from_status=ApplicationStatus.DRAFT,
                      to_status=ApplicationStatus.SUBMITTED, actor=a.coordinator,
                      at=a.submitted_at, version=1)
         for a in submitted),
        batch_size=BATCH,
    )


def _team_of(user):
    return demo_units.Team(user.unit, user.organisation, user.laboratory)


def _reference(stage, number):
    return f"{stage.call.code.upper()}-{stage.number}-{number:05d}"
