"""Deadline reminders: one row per reminder sent, claimed before its e-mail, so none goes twice."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from pepr.core.models import OutboundEmail, User


class ReminderKind(models.TextChoices):
    DRAFT_DEADLINE = "draft_deadline", _("Unsubmitted draft before the deadline")
    REVIEW_DUE = "review_due", _("Review due")
    BALLOT_CLOSING = "ballot_closing", _("Vote before the ballot closes")
    REPORT_DUE = "report_due", _("Project report due")
    MILESTONE_DUE = "milestone_due", _("Project milestone due")
    DELIVERABLE_DUE = "deliverable_due", _("Project deliverable due")


class Reminder(models.Model):
    """One reminder of one kind, to one recipient, about one object, at one offset before its
    deadline. The row is claimed (inserted) before the e-mail is queued: its unique constraint is
    what makes a retried, redelivered or doubled task send nothing twice."""

    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminders")
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    offset = models.CharField(_("offset"), max_length=8, help_text=_("e.g. 7d, 2d, 6h"))
    deadline = models.DateTimeField(_("deadline"))
    email = models.OneToOneField(OutboundEmail, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="reminder")
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "target_type", "target_id", "offset"],
                name="reminder_once_per_recipient_object_offset"),
        ]
