"""The evaluation part of the demo programme: declarations, assignments, reviews, decisions and
an open committee ballot, built in bulk so that 6,500 applications take seconds."""
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from calls.applications.models import Application, ApplicationStatus, StatusChange
from calls.decisions.models import Decision
from calls.evaluation.conflicts import same_unlisted_unit
from calls.evaluation.models import (
    Assignment,
    Declaration,
    Review,
    ReviewerRole,
    ReviewStatus,
    Score,
)
from calls.setup.models import StageKind
from governance import services as voting
from governance.models import Committee
from pepr.core.models import CommitteeCode

BATCH = 1000
LETTERS = {"A": 3, "B": 2, "C": 1}
S = ApplicationStatus


def build(stages, accounts, experts, rng):
    """`stages` are the demo stages: [AMI letters (closed), AMI full (open), AAP 2025 (open),
    AAP 2023 (closed)]."""
    letters_stage, _full, _open_aap, closed_aap = stages
    pool = [accounts["reviewer"], accounts["ccs"], *experts]
    now = timezone.now()
    for stage in (letters_stage, closed_aap):
        _evaluate_stage(stage, pool, accounts, rng, now)
    _open_ballot(closed_aap, accounts, now)


def _evaluate_stage(stage, pool, accounts, rng, now):
    applications = list(Application.objects.filter(
        stage=stage, status__in=[S.SUBMITTED, S.SELECTED, S.NOT_SELECTED])
        .select_related("coordinator").prefetch_related("partners").order_by("pk"))
    Declaration.objects.bulk_create(
        [Declaration(call_id=stage.call_id, reviewer=r, signed_at=stage.closes_at)
         for r in pool if r != accounts["reviewer"]], ignore_conflicts=True)
    assignments, index = [], _ReviewerIndex(pool)
    for application in applications:
        conflicted = index.conflicted(application)
        candidates = [r for r in pool if r.pk not in conflicted]
        for reviewer in rng.sample(candidates, min(stage.reviews_per_application,
                                                   len(candidates))):
            assignments.append(Assignment(
                application=application, reviewer=reviewer, assigned_by=accounts["pilot"],
                role=ReviewerRole.RAPPORTEUR if reviewer == accounts["ccs"]
                else ReviewerRole.EXTERNAL))
    assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    criteria = list(stage.criteria.all())
    reviews, means = [], {}
    for assignment in assignments:
        # The demo reviewer's own files are left to do, so the demo shows the whole journey.
        submitted = assignment.reviewer != accounts["reviewer"]
        values = [rng.choice("AAB" if assignment.application.pk % 3 else "BCC") for _ in criteria]
        mean = Decimal(sum(LETTERS[v] for v in values)) / len(values)
        review = Review(assignment=assignment,
                        status=ReviewStatus.SUBMITTED if submitted else ReviewStatus.DRAFT,
                        recommendation="support" if mean >= 2 else "reject",
                        comment_for_applicant="Commentaire de démonstration pour le porteur.",
                        mean_points=mean.quantize(Decimal("0.01")) if submitted else None,
                        submitted_at=stage.closes_at if submitted else None)
        review.values = values
        reviews.append(review)
        if submitted:
            means.setdefault(assignment.application_id, []).append(mean)
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    Score.objects.bulk_create(
        (Score(review=review, criterion=criterion, value=value, points=LETTERS[value])
         for review in reviews if review.status == ReviewStatus.SUBMITTED
         for criterion, value in zip(criteria, review.values)), batch_size=BATCH)
    _decide(stage, applications, means, accounts, now)


def _words(text):
    return " ".join((text or "").lower().split())


class _ReviewerIndex:
    """The unit rule of calls.evaluation.conflicts on rows already loaded (the demo calls have
    no "same organisation" rule and no declared conflict): no reviewer is assigned a file of
    their own unit, or of a team led by them or coordinated by them."""

    def __init__(self, pool):
        self.by_unit, self.by_name, self.by_email = {}, {}, {}
        for reviewer in pool:
            if reviewer.unit_id:
                self.by_unit.setdefault(reviewer.unit_id, set()).add(reviewer.pk)
            self.by_name.setdefault((reviewer.organisation_id, _words(reviewer.laboratory)),
                                    []).append(reviewer)
            self.by_email[reviewer.email.lower()] = reviewer.pk

    def conflicted(self, application):
        coordinator = application.coordinator
        teams = [(p.laboratory, p.unit_id, p.organisation_id) for p in application.partners.all()]
        teams.append((coordinator.laboratory, coordinator.unit_id, coordinator.organisation_id))
        found = {application.coordinator_id}
        found.update(self.by_email.get(p.lead_email.lower()) for p in application.partners.all())
        for laboratory, unit_id, organisation_id in teams:
            found |= self.by_unit.get(unit_id, set())
            found.update(r.pk for r in self.by_name.get((organisation_id, _words(laboratory)), [])
                         if same_unlisted_unit(r, laboratory, unit_id, organisation_id))
        return found


def _decide(stage, applications, means, accounts, now):
    """Decision rows for the outcomes the demo set, and for the best AAP proposals."""
    pilot, board_member = accounts["pilot"], accounts["directeur"]
    decisions, changes, updates = [], [], []
    ranked = sorted(applications, key=lambda a: -float(sum(means.get(a.pk, [0]))
                                                        / max(len(means.get(a.pk, [])), 1)))
    for rank, application in enumerate(ranked):
        if stage.kind == StageKind.LETTER_OF_INTENT:
            outcomes = [application.status] if application.status != S.SUBMITTED else []
        elif rank >= len(ranked) - max(1, len(ranked) // 10):
            outcomes = []  # left for the committee's open ballot
        elif rank < max(1, len(ranked) // 10):
            outcomes = [S.RECOMMENDED, S.FUNDED]
        else:
            outcomes = [S.NOT_RECOMMENDED]
        previous = S.SUBMITTED
        for outcome in outcomes:
            by = board_member if outcome == S.FUNDED else pilot
            decisions.append(Decision(application=application, outcome=outcome, decided_by=by,
                                      decided_at=stage.closes_at, rationale="Démonstration"))
            changes.append(StatusChange(application=application, from_status=previous,
                                        to_status=outcome, actor=by, at=stage.closes_at))
            previous = outcome
        if outcomes and application.status != outcomes[-1]:
            application.status = outcomes[-1]
            updates.append(application)
    Decision.objects.bulk_create(decisions, batch_size=BATCH)
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    Application.objects.bulk_update(updates, ["status"], batch_size=BATCH)


def _open_ballot(stage, accounts, now):
    """A CCS session with an open ballot for the demo CCS member, on undecided proposals."""
    undecided = list(Application.objects.filter(stage=stage, status=S.SUBMITTED)
                     .order_by("pk")[:3])
    if not undecided:
        return
    ccs = Committee.objects.get(code=CommitteeCode.CCS)
    session = voting.create_session(committee=ccs, title="Avis du CCS (démo)", held_at=now,
                                    by=accounts["pilot"], stage=stage)
    voting.set_attendance(session, present_ids=[accounts["ccs"].pk], by=accounts["pilot"])
    for item in voting.add_to_agenda(session, undecided, motion=S.RECOMMENDED,
                                     by=accounts["pilot"]):
        voting.open_ballot(item, by=accounts["pilot"],
                           closes_at=now + timedelta(days=7))
