"""Every write of the evaluation: declarations, conflicts of interest, assignments and reviews.

Conflicts are both detected (same organisation or laboratory as the coordinator or a partner, a
partner or co-editor themselves) and declared; a conflicted person is never assigned, never opens
the file, sees no review of it and is recused from its vote.
"""
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calls.applications.workflow import under_evaluation
from calls.evaluation import workflow
from calls.evaluation.conflicts import detected_conflict, is_conflicted
from calls.evaluation.models import (
    Assignment,
    Conflict,
    ConflictSource,
    Declaration,
    Review,
    ReviewerRole,
    Score,
)
from calls.setup.models import ReviewScale
from pepr.core import audit

LETTER_POINTS = {"A": 3, "B": 2, "C": 1}
SCALE_VALUES = {ReviewScale.LETTERS: ["A", "B", "C"],
                ReviewScale.POINTS: ["5", "4", "3", "2", "1", "0"]}


def points_of(scale, value):
    return LETTER_POINTS[value] if scale == ReviewScale.LETTERS else int(value)


@transaction.atomic
def sign_declaration(call, *, reviewer):
    declaration, created = Declaration.objects.get_or_create(
        call=call, reviewer=reviewer, defaults={"signed_at": timezone.now()})
    if created:
        audit.record(reviewer, "declaration.signed", declaration,
                     gettext_noop("signed the confidentiality and no-conflict declaration of "
                                  "%(call)s"), {"call": audit.localized(lambda: call.title)})
    return declaration


def has_signed(call, reviewer):
    return Declaration.objects.filter(call=call, reviewer=reviewer).exists()


@transaction.atomic
def declare_conflict(application, *, person, reason):
    """A declared conflict removes the person's assignment (and draft review) on the file."""
    conflict, created = Conflict.objects.get_or_create(
        application=application, person=person,
        defaults={"source": ConflictSource.DECLARED, "reason": reason[:255]})
    removed = Assignment.objects.filter(application=application, reviewer=person).delete()[0]
    if created:
        audit.record(person, "conflict.declared", conflict,
                     gettext_noop("declared a conflict of interest on %(ref)s"),
                     {"ref": application.reference},
                     application_id=application.pk, reason=reason, assignment_removed=bool(removed))
    return conflict


def assign(application, reviewer, *, role=ReviewerRole.EXTERNAL, by):
    """Not one transaction on purpose: a detected conflict is recorded even though the
    assignment is refused."""
    if not under_evaluation(application):
        raise ValidationError(_("Only submitted applications are evaluated."), code="not_submitted")
    if Conflict.objects.filter(application=application, person=reviewer).exists():
        raise ValidationError(_("%(person)s has a conflict of interest with this application.")
                              % {"person": reviewer}, code="conflict")
    reason = detected_conflict(application, reviewer)
    if reason:
        with transaction.atomic():
            conflict = Conflict.objects.create(application=application, person=reviewer,
                                               source=ConflictSource.DETECTED, reason=reason)
            # The reason comes translated into the actor's language: asked again in each one.
            audit.record(by, "conflict.detected", conflict,
                         gettext_noop("conflict detected for %(person)s on %(ref)s: %(reason)s"),
                         {"person": str(reviewer), "ref": application.reference,
                          "reason": audit.localized(
                              lambda: detected_conflict(application, reviewer) or reason)},
                         application_id=application.pk)
        raise ValidationError(_("%(person)s cannot be assigned: %(reason)s.")
                              % {"person": reviewer, "reason": reason}, code="conflict")
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(application=application, reviewer=reviewer,
                                                   role=role, assigned_by=by)
            audit.record(by, "assignment.created", assignment,
                         gettext_noop("assigned %(person)s (%(role)s) to %(ref)s"),
                         {"person": str(reviewer),
                          "role": audit.choice(ReviewerRole, assignment.role),
                          "ref": application.reference},
                         application_id=application.pk)
    except IntegrityError:
        raise ValidationError(_("%(person)s is already assigned to this application.")
                              % {"person": reviewer}, code="duplicate") from None
    return assignment


def assign_many(pairs, *, by, role=ReviewerRole.EXTERNAL):
    """Assign each (application, reviewer); returns (assigned, refused) with refusal messages."""
    assigned, refused = [], []
    for application, reviewer in pairs:
        try:
            assigned.append(assign(application, reviewer, role=role, by=by))
        except ValidationError as error:
            refused.append((application, reviewer, " ".join(error.messages)))
    return assigned, refused


@transaction.atomic
def unassign(assignment, *, by):
    review = getattr(assignment, "review", None)  # None: not started
    if review is not None and review.is_submitted:
        raise ValidationError(_("A submitted review cannot be withdrawn from its reviewer."),
                              code="reviewed")
    audit.record(by, "assignment.removed", assignment,
                 gettext_noop("removed %(person)s from %(ref)s"),
                 {"person": str(assignment.reviewer), "ref": assignment.application.reference},
                 application_id=assignment.application_id)
    assignment.delete()


def _ensure_may_review(assignment, user):
    if assignment.reviewer_id != user.id:
        raise PermissionDenied
    application = assignment.application
    if not under_evaluation(application):
        raise ValidationError(_("This application is no longer under evaluation."),
                              code="not_under_evaluation")
    if not has_signed(application.stage.call, user):
        raise PermissionDenied(_("Sign the confidentiality and no-conflict declaration first."))
    if is_conflicted(application, user):
        raise PermissionDenied(_("You have a conflict of interest with this application."))


def _review_of(assignment, action):
    """The assignment's review, locked (created as a draft if not started), once the review
    workflow lets it take `action`."""
    review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
    workflow.check(review, action)
    return review


@transaction.atomic
def save_review(assignment, *, by, scores, recommendation="", comment_for_committee="",
                comment_for_applicant=""):
    """Save a draft review. `scores` maps criterion ids to (value, comment); empty values are
    allowed in a draft."""
    _ensure_may_review(assignment, by)
    review = workflow.perform(_review_of(assignment, "save"), "save",
                              recommendation=recommendation,
                              comment_for_committee=comment_for_committee,
                              comment_for_applicant=comment_for_applicant)
    scale = assignment.application.stage.review_scale
    allowed = SCALE_VALUES[scale]
    for criterion in assignment.application.stage.criteria.all():
        value, comment = scores.get(criterion.pk, ("", ""))
        if value and value not in allowed:
            raise ValidationError(_("“%(value)s” is not a score of this scale.") % {"value": value})
        if value:
            Score.objects.update_or_create(
                review=review, criterion=criterion,
                defaults={"value": value, "points": points_of(scale, value), "comment": comment})
        else:
            Score.objects.filter(review=review, criterion=criterion).delete()
    return review


@transaction.atomic
def submit_review(assignment, *, by):
    _ensure_may_review(assignment, by)
    review = _review_of(assignment, "submit")
    criteria = list(assignment.application.stage.criteria.all())
    scores = list(review.scores.all())
    missing = [c.title for c in criteria if c.pk not in {s.criterion_id for s in scores}]
    if missing or not review.recommendation:
        labels = missing + ([] if review.recommendation else [_("overall recommendation")])
        raise ValidationError(_("The review is incomplete: %(missing)s.")
                              % {"missing": ", ".join(labels)}, code="incomplete")
    workflow.perform(review, "submit", mean_points=(
        Decimal(sum(s.points for s in scores)) / len(scores)).quantize(Decimal("0.01")))
    audit.record(by, "review.submitted", review,
                 gettext_noop("submitted a review of %(ref)s (mean %(mean)s)"),
                 {"ref": assignment.application.reference,
                  "mean": audit.number(review.mean_points)},
                 application_id=assignment.application_id,
                 scores={s.criterion_id: s.value for s in scores},
                 recommendation=review.recommendation)
    return review


