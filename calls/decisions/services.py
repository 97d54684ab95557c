"""Every write of decisions: stage outcomes, final validation, letters to applicants, and the
hand-over of a funded application to project follow-up."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calls.applications.models import Application, ApplicationStatus
from calls.applications.workflow import (
    FINAL_OUTCOMES,
    OUTCOME_ACTIONS,
    STAGE_OUTCOMES,
    announce,
    perform,
)
from calls.decisions import workflow as letter_workflow
from calls.decisions.models import Decision, DecisionLetter, LetterStatus
from calls.evaluation.conflicts import conflicted_with, is_conflicted
from calls.evaluation.selectors import comments_for_applicant
from pepr.core import audit
from pepr.core.outbox import queue_email, queue_emails
from pepr.core.rules import is_board_member, is_pilot


def _check_authority(application, outcome, by):
    if is_conflicted(application, by):
        raise PermissionDenied(_("You have a conflict of interest with this application."))
    if outcome in FINAL_OUTCOMES:
        if not (is_board_member(by) or by.is_superuser):
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
    perform(application, OUTCOME_ACTIONS[outcome], by=by)
    decision = Decision.objects.create(
        application=application, outcome=outcome, rationale=rationale, agenda_item=agenda_item,
        decided_by=by, decided_at=timezone.now())
    audit.record(by, "decision.recorded", decision,
                 gettext_noop("decided “%(outcome)s” for %(ref)s"),
                 {"outcome": audit.choice(ApplicationStatus, decision.outcome),
                  "ref": application.reference},
                 application_id=application.pk, rationale=rationale,
                 agenda_item=agenda_item.pk if agenda_item else None)
    return decision


def _render_letter(decision):
    application = decision.application
    coordinator = application.coordinator
    reviews = []
    if application.stage.share_comments_with_applicants:
        reviews = comments_for_applicant(application)
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
        audit.record(by, "letters.drafted", stage,
                     gettext_noop("drafted %(count)d decision letters"), {"count": len(letters)})
    return letters


@transaction.atomic
def edit_letter(letter, *, subject, body, by):
    letter = DecisionLetter.objects.select_for_update().get(pk=letter.pk)
    letter_workflow.perform(letter, "edit")
    letter.subject, letter.body, letter.edited_by = subject, body, by
    letter.save(update_fields=["subject", "body", "edited_by"])
    return letter


def _letter_email(letter):
    return {"key": f"decision-letter:{letter.pk}", "recipient": letter.recipient,
            "subject": letter.subject, "body": letter.body}


def send_letter(letter_id):
    """Queue one letter in the outbox (once, by its key), mark it sent and announce its outcome
    to the applicant side, in one transaction; a letter already sent is left alone."""
    with transaction.atomic():
        letter = (DecisionLetter.objects.select_for_update().select_related("decision")
                  .get(pk=letter_id))
        if not letter_workflow.allows("send", letter):
            return letter
        queue_email(**_letter_email(letter))
        letter.save(update_fields=letter_workflow.perform(letter, "send"))
        application = Application.objects.select_for_update().get(
            pk=letter.decision.application_id)
        announce(application, letter.decision.outcome)
    return letter


@transaction.atomic
def request_sending(stage, *, by):
    """Send every draft letter of the stage: in this transaction each one is queued in the
    outbox, marked sent and its outcome announced, so that none is lost while the broker is
    down; the e-mails leave in the background. In bulk: a stage may have thousands."""
    # A pilot does not send the letter of a file they have a conflict of interest with.
    letters = list(DecisionLetter.objects.select_for_update(of=("self",))
                   .select_related("decision")
                   .filter(decision__application__stage=stage, status=LetterStatus.DRAFT)
                   .exclude(decision__application__in=Application.objects.filter(
                       conflicted_with(by)))
                   .order_by("pk"))
    if not letters:
        return 0
    queue_emails([_letter_email(letter) for letter in letters])
    for letter in letters:
        letter_workflow.perform(letter, "send")
    DecisionLetter.objects.bulk_update(letters, ["status", "sent_at"], batch_size=500)
    applications = {application.pk: application for application in Application.objects
                    .select_for_update().filter(pk__in=[letter.decision.application_id
                                                        for letter in letters]).order_by("pk")}
    for letter in letters:
        announce(applications[letter.decision.application_id], letter.decision.outcome)
    audit.record(by, "letters.sent", stage, gettext_noop("sent %(count)d decision letters"),
                 {"count": len(letters)}, letters=[letter.pk for letter in letters])
    return len(letters)
