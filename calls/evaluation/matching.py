"""Assignment matching: the reviewer pool of a stage, and suggested (file, reviewer) pairs."""
from collections import defaultdict

from django.db.models import Count, Q

from calls.applications.models import Application, ApplicationStatus
from calls.evaluation.conflicts import detected_conflict
from calls.evaluation.models import Assignment, Conflict, ExpertProfile
from pepr.core.models import CommitteeCode, Role, User


def suggest(stage, reviewers, *, applications=None, limit=None):
    """Proposed (application, reviewer) pairs for the stage's submitted applications that lack
    reviews: best axis and keyword match first, the least loaded reviewer on ties, never a
    conflicted one. `applications` narrows the candidates (e.g. those the pilot may see) and
    `limit` keeps the first ones by reference, selected in SQL. Runs in a fixed number of
    queries whatever the number of applications."""
    if applications is None:
        applications = Application.objects.filter(stage=stage)
    candidates = (
        applications.filter(stage=stage, status=ApplicationStatus.SUBMITTED)
        .annotate(assigned=Count("assignments"))
        .filter(assigned__lt=stage.reviews_per_application)
        .select_related("coordinator", "stage__call").prefetch_related("partners", "invitations")
        .order_by("reference")
    )
    applications = list(candidates[:limit] if limit else candidates)
    reviewers = list(reviewers)
    profiles = {p.user_id: p for p in ExpertProfile.objects.filter(user__in=reviewers)
                .prefetch_related("axes")}
    load = defaultdict(int)
    for reviewer_id, count in (Assignment.objects.filter(application__stage__call=stage.call_id)
                               .values_list("reviewer").annotate(n=Count("id"))):
        load[reviewer_id] = count
    taken = set(Assignment.objects.filter(application__stage=stage)
                .values_list("application_id", "reviewer_id"))
    declared = set(Conflict.objects.filter(application__stage=stage)
                   .values_list("application_id", "person_id"))
    proposals = []
    for application in applications:
        missing = stage.reviews_per_application - application.assigned
        if missing <= 0:
            continue
        partners = list(application.partners.all())
        invited = {i.email.lower() for i in application.invitations.all()}
        keywords = {k.strip().lower() for k in application.keywords.split(",") if k.strip()}
        candidates = []
        for reviewer in reviewers:
            key = (application.pk, reviewer.pk)
            profile = profiles.get(reviewer.pk)
            max_load = profile.max_load if profile else 10
            if key in taken or key in declared or load[reviewer.pk] >= max_load:
                continue
            if detected_conflict(application, reviewer, partners=partners,
                                 invited_emails=invited):
                continue
            match = 0
            if profile:
                match = 2 * any(a.pk == application.axis_id for a in profile.axes.all())
                match += len(keywords & profile.keyword_set())
            candidates.append((-match, load[reviewer.pk], reviewer.pk, reviewer))
        for _m, _l, _pk, reviewer in sorted(candidates)[:missing]:
            proposals.append((application, reviewer))
            load[reviewer.pk] += 1
    return proposals


def conflicted_reviewers(applications, reviewers):
    """{application id: ids of the `reviewers` with a conflict of interest on it}, declared or
    detected, so that a picker leaves them out. The applications come with their coordinator,
    stage and call, partners and invitations loaded (calls.evaluation.selectors.assignment_rows);
    one query for the declared conflicts."""
    ids = [application.pk for application in applications]
    conflicted = defaultdict(set)
    for application_id, person_id in Conflict.objects.filter(
            application_id__in=ids).values_list("application_id", "person_id"):
        conflicted[application_id].add(person_id)
    for application in applications:
        partners = list(application.partners.all())
        invited = {i.email.lower() for i in application.invitations.all()}
        for reviewer in reviewers:
            if detected_conflict(application, reviewer, partners=partners,
                                 invited_emails=invited):
                conflicted[application.pk].add(reviewer.pk)
    return conflicted


def reviewer_pool():
    """Everyone who may be asked to review: external experts and CCS members."""
    # Rapporteurs come from the CCS; the pilots and the Comité Directeur decide, they don't review.
    return User.objects.filter(
        Q(groups__name=Role.REVIEWER) | Q(committee_memberships__committee__code=CommitteeCode.CCS),
        is_active=True,
    ).distinct().select_related("organisation").order_by("last_name", "first_name")
