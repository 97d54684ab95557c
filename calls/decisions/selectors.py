"""Reads of decisions: what the applicant side sees of an outcome, the file being decided, and
the letters of a stage."""
from django.db.models import Prefetch

from calls.applications.models import Application
from calls.applications.rules import is_applicant_side
from calls.applications.workflow import DECIDED, DECISION_ORDER, status_for_applicant
from calls.decisions.models import Decision, DecisionLetter, LetterStatus
from calls.evaluation.conflicts import conflicted_with
from calls.evaluation.selectors import comments_for_applicant


def decision_page_application(pk):
    return (Application.objects.filter(pk=pk)
            .select_related("stage__call", "coordinator", "axis", "project")
            .prefetch_related(Prefetch("decisions", queryset=Decision.objects.select_related(
                "decided_by").order_by("decided_at"))).first())


def stage_letters(stage, user):
    return (
        DecisionLetter.objects.filter(decision__application__stage=stage)
        .exclude(decision__application__in=Application.objects.filter(
            stage=stage).filter(conflicted_with(user)).values("pk"))
        .select_related("decision__application")
        .order_by("decision__application__reference", "pk")
    )


def decisions_without_letter(stage):
    return Decision.objects.filter(application__stage=stage, letter__isnull=True).count()


def draft_count(stage):
    return DecisionLetter.objects.filter(decision__application__stage=stage,
                                         status=LetterStatus.DRAFT).count()


def letter_for(pk):
    return (DecisionLetter.objects.filter(pk=pk)
            .select_related("decision__application__stage__call").first())


def announced_decision(application):
    """The decision the applicant side may see: the one whose letter announced the status it
    reads; None until a letter is sent."""
    if not application.announced_status:
        return None
    return application.decisions.filter(outcome=application.announced_status).first()


def announced_outcomes(application):
    """The outcomes the applicant side may read: every decided state up to the announced one."""
    if not application.announced_status:
        return frozenset()
    last = DECISION_ORDER.index(application.announced_status)
    return frozenset(DECISION_ORDER[: last + 1])


def applicant_timeline(application):
    """The status changes the applicant side may read: decisions only once announced, and never
    who decided."""
    announced = announced_outcomes(application)
    return [
        {"at": change.at, "status": change.get_to_status_display(), "version": change.version,
         "actor": None if change.to_status in DECIDED else change.actor}
        for change in application.status_changes.all()
        if change.to_status not in DECIDED or change.to_status in announced
    ]


def status_context(application, user):
    """The status, timeline and decision a page about `application` shows to `user`: for its
    team (coordinator, co-editors, invited partners), only what the letters announced; for the
    programme's staff and evaluators, the recorded state. Every page an applicant or partner
    sees takes these three from here."""
    if not is_applicant_side(user, application):
        return {
            "status_label": application.get_status_display(),
            "timeline": [
                {"at": change.at, "status": change.get_to_status_display(),
                 "version": change.version, "actor": change.actor}
                for change in application.status_changes.all()],
            "announced_decision": None, "comments_for_applicant": [],
            "applicant_side": False,
        }
    decision = announced_decision(application)
    comments = []
    if decision and application.stage.share_comments_with_applicants:
        comments = comments_for_applicant(application)
    return {
        "status_label": status_for_applicant(application).label,
        "timeline": applicant_timeline(application),
        "announced_decision": decision, "comments_for_applicant": comments,
        "applicant_side": True,
    }
