"""Every write of decisions: stage outcomes, final validation, letters to applicants, and the
hand-over of a funded application to project follow-up."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pepr import audit
from pepr.outbox import queue_email

from .models import (Application, ApplicationStatus, Decision, DecisionLetter, LetterStatus,
                     Review, ReviewStatus)
from .workflow import FINAL_OUTCOMES, STAGE_OUTCOMES, change_status

S = ApplicationStatus
OPPOSITE = {S.SELECTED: S.NOT_SELECTED, S.RECOMMENDED: S.NOT_RECOMMENDED, S.FUNDED: S.NOT_FUNDED}


def _check_authority(application, outcome, by):
    from pepr.rules import is_directeur, is_pilot

    from .evaluation import is_conflicted

    if is_conflicted(application, by):
        raise PermissionDenied(_("You have a conflict of interest with this application."))
    if outcome in FINAL_OUTCOMES:
        if not (is_directeur(by) or by.is_superuser):
            raise PermissionDenied(_("Only the Comité Directeur validates the final decision."))
    elif outcome in STAGE_OUTCOMES[application.stage.kind]:
        if not (is_pilot(by) or by.is_superuser):
            raise PermissionDenied(_("Only the pilots record the committee's decision."))
    else:
        raise ValidationError(_("This outcome does not apply to this stage."), code="outcome")


@transaction.atomic
def decide(application, outcome, *, by, rationale="", agenda_item=None):
    application = Application.objects.select_for_update().select_related("stage").get(
        pk=application.pk)
    _check_authority(application, outcome, by)
    change_status(application, outcome, by=by)
    decision = Decision.objects.create(
        application=application, outcome=outcome, rationale=rationale, agenda_item=agenda_item,
        decided_by=by, decided_at=timezone.now())
    audit.record(by, "decision.recorded", decision, _("decided “%(outcome)s” for %(ref)s")
                 % {"outcome": decision.get_outcome_display(), "ref": application.reference},
                 application_id=application.pk, rationale=rationale,
                 agenda_item=agenda_item.pk if agenda_item else None)
    return decision


def decide_from_ballot(item, *, by):
    """The closed ballot's result becomes the decision: the motion if adopted, its opposite if
    rejected; without quorum nothing is decided."""
    from governance.models import BallotResult, BallotStatus

    if item.ballot_status != BallotStatus.CLOSED:
        raise ValidationError(_("Close the ballot before recording its decision."), code="open")
    if item.result == BallotResult.NO_QUORUM:
        raise ValidationError(_("The quorum was not reached: vote again in another session."),
                              code="no_quorum")
    outcome = item.motion if item.result == BallotResult.ADOPTED else OPPOSITE[item.motion]
    return decide(item.application, outcome, by=by, agenda_item=item,
                  rationale=_("Vote of %(session)s: %(for)d for, %(against)d against, "
                              "%(abstain)d abstentions.")
                  % {"session": item.session, "for": item.votes_for,
                     "against": item.votes_against, "abstain": item.abstentions})


def _render_letter(decision):
    application = decision.application
    coordinator = application.coordinator
    reviews = []
    if application.stage.share_comments_with_applicants:
        reviews = [r.comment_for_applicant for r in Review.objects.filter(
            assignment__application=application, status=ReviewStatus.SUBMITTED)
            .exclude(comment_for_applicant="").order_by("submitted_at")]
    with translation.override(coordinator.language):
        context = {"decision": decision, "application": application, "user": coordinator,
                   "comments": reviews}
        subject = render_to_string("emails/decision_subject.txt", context).strip()
        body = render_to_string("emails/decision.txt", context)
    return subject, body


@transaction.atomic
def draft_letters(stage, *, by):
    """A draft letter for each decision of the stage that has none yet, in the coordinator's
    language, for a pilot to review before sending."""
    decisions = (Decision.objects.filter(application__stage=stage, letter__isnull=True)
                 .select_related("application__coordinator", "application__stage__call"))
    letters = []
    for decision in decisions:
        subject, body = _render_letter(decision)
        coordinator = decision.application.coordinator
        letters.append(DecisionLetter.objects.create(
            decision=decision, recipient=coordinator.email, language=coordinator.language,
            subject=subject, body=body))
    if letters:
        audit.record(by, "letters.drafted", stage, _("drafted %(count)d decision letters")
                     % {"count": len(letters)})
    return letters


@transaction.atomic
def edit_letter(letter, *, subject, body, by):
    letter = DecisionLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != LetterStatus.DRAFT:
        raise ValidationError(_("This letter was already sent."), code="sent")
    letter.subject, letter.body, letter.edited_by = subject, body, by
    letter.save(update_fields=["subject", "body", "edited_by"])
    return letter


def send_letter(letter_id):
    """Queue one letter in the outbox (once, by its key) and mark it sent."""
    with transaction.atomic():
        letter = DecisionLetter.objects.select_for_update().get(pk=letter_id)
        if letter.status == LetterStatus.SENT:
            return letter
        queue_email(key=f"decision-letter:{letter.pk}", recipient=letter.recipient,
                    subject=letter.subject, body=letter.body)
        letter.status, letter.sent_at = LetterStatus.SENT, timezone.now()
        letter.save(update_fields=["status", "sent_at"])
    return letter


def request_sending(stage, *, by):
    """Send every draft letter of the stage, in the background."""
    from .tasks import send_decision_letters

    from .evaluation_selectors import conflicted_with

    # A pilot does not send the letter of a file they have a conflict of interest with.
    ids = list(DecisionLetter.objects.filter(decision__application__stage=stage,
                                             status=LetterStatus.DRAFT)
               .exclude(decision__application__in=Application.objects.filter(
                   conflicted_with(by)))
               .values_list("pk", flat=True))
    if ids:
        audit.record(by, "letters.sent", stage, _("sent %(count)d decision letters")
                     % {"count": len(ids)}, letters=ids)
        transaction.on_commit(lambda: send_decision_letters.delay(ids))
    return len(ids)


def announced_decision(application):
    """The decision the applicant may see: the latest one whose letter was sent."""
    return (Decision.objects.filter(application=application, letter__status=LetterStatus.SENT)
            .order_by("-decided_at").first())
