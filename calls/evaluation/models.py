"""Evaluation: declarations, conflicts of interest, reviewer assignments, reviews and scores,
and what an expert knows (for matching)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calls.applications.models import Application
from calls.setup.models import Call, Criterion


class Declaration(models.Model):
    """The confidentiality and no-conflict declaration a reviewer signs before opening any file."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="declarations")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="declarations")
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("confidentiality and no-conflict declaration")
        verbose_name_plural = _("confidentiality and no-conflict declarations")
        constraints = [models.UniqueConstraint(fields=["call", "reviewer"],
                                               name="one_declaration_per_call")]


class ConflictSource(models.TextChoices):
    DECLARED = "declared", _("Declared")
    DETECTED = "detected", _("Detected")


class Conflict(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="conflicts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="conflicts")
    source = models.CharField(_("source"), max_length=8, choices=ConflictSource.choices)
    reason = models.CharField(_("reason"), max_length=255)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["application", "person"],
                                               name="one_conflict_per_person")]


class ReviewerRole(models.TextChoices):
    RAPPORTEUR = "rapporteur", _("Committee rapporteur")
    EXTERNAL = "external", _("External expert")


class Assignment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="assignments")
    role = models.CharField(_("role"), max_length=10, choices=ReviewerRole.choices,
                            default=ReviewerRole.EXTERNAL)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"],
                                               name="one_assignment_per_reviewer")]
        indexes = [models.Index(fields=["reviewer", "assigned_at"])]


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Recommendation(models.TextChoices):
    SUPPORT = "support", _("Support")
    RESERVATIONS = "reservations", _("Support with reservations")
    REJECT = "reject", _("Do not support")


class Review(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices,
                              default=ReviewStatus.DRAFT)
    recommendation = models.CharField(_("overall recommendation"), max_length=12,
                                      choices=Recommendation.choices, blank=True)
    comment_for_committee = models.TextField(_("comments for the committee"), blank=True)
    comment_for_applicant = models.TextField(_("comments for the applicant"), blank=True)
    mean_points = models.DecimalField(_("mean score"), max_digits=4, decimal_places=2, null=True,
                                      blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    @property
    def is_submitted(self):
        # What may happen to a review is calls.evaluation.workflow's table, which imports this
        # module: the state is read here with the constant.
        return self.status == ReviewStatus.SUBMITTED


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.CharField(_("score"), max_length=1)
    # The value as a number (A=3, B=2, C=1; or 0–5), so that the database aggregates it.
    points = models.PositiveSmallIntegerField()
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"],
                                               name="one_score_per_criterion")]


class ExpertProfile(models.Model):
    """What a reviewer knows, used to suggest assignments: axes and keywords, and how many files
    they accept per call."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="expert_profile")
    axes = models.ManyToManyField("pepr.Axis", blank=True, verbose_name=_("axes"))
    keywords = models.CharField(_("keywords"), max_length=500, blank=True,
                                help_text=_("Separated by commas."))
    max_load = models.PositiveSmallIntegerField(_("maximum files per call"), default=10)

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def keyword_set(self):
        return {k.strip().lower() for k in self.keywords.split(",") if k.strip()}
