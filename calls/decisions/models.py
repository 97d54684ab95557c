"""Decisions: the outcomes recorded on an application and the letters that announce them."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calls.applications.models import Application, ApplicationStatus


class Decision(models.Model):
    """A recorded outcome; the application's status follows it through
    calls.applications.workflow."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="decisions")
    outcome = models.CharField(_("outcome"), max_length=16, choices=ApplicationStatus.choices)
    rationale = models.TextField(_("rationale"), blank=True)
    agenda_item = models.ForeignKey("governance.AgendaItem", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="decisions")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["application", "decided_at"]
        constraints = [models.UniqueConstraint(fields=["application", "outcome"],
                                               name="one_decision_per_outcome")]


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")


class DecisionLetter(models.Model):
    """The e-mail announcing a decision, drafted in the recipient's language, edited by a pilot,
    then sent in bulk."""

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="letter")
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=2)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=5, choices=LetterStatus.choices,
                              default=LetterStatus.DRAFT)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")

    @property
    def is_sent(self):
        # What may happen to a letter is calls.decisions.workflow's table, which imports this
        # module: the state is read here with the constant.
        return self.status == LetterStatus.SENT
