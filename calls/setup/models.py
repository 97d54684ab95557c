"""Calls (AMI, AAP), their stages, evaluation criteria and requested documents."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pepr.core.i18n import Localized


class CallKind(models.TextChoices):
    AMI = "ami", _("AMI – call for expressions of interest")
    AAP = "aap", _("AAP – call for projects")


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class Call(models.Model):
    programme = models.ForeignKey("pepr.Programme", on_delete=models.PROTECT, related_name="calls")
    kind = models.CharField(_("kind"), max_length=3, choices=CallKind.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("Short identifier used in references, e.g. ami-2024."))
    title_fr = models.CharField(_("title (French)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    text_fr = models.TextField(_("call text (French)"), blank=True)
    text_en = models.TextField(_("call text (English)"), blank=True)
    axes = models.ManyToManyField("pepr.Axis", verbose_name=_("axes"), related_name="calls")
    budget_envelope_eur = models.BigIntegerField(_("budget envelope (€)"), null=True, blank=True)
    # ANR's rule compares research units; a call may add the stricter "same organisation" rule.
    conflict_same_organisation = models.BooleanField(
        _("a member of the same organisation as a team has a conflict of interest"),
        default=False,
        help_text=_("Off by default: a conflict of interest is declared, or being the "
                    "coordinator, a partner team's lead or invited, or a member of the same "
                    "research unit as a team. On, every member of a team's organisation (for "
                    "example all of Inserm or CEA) is also kept away from the file, which "
                    "leaves few evaluators in a programme they co-pilot."))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    title = Localized("title")
    summary = Localized("summary")
    text = Localized("text")
    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_envelope_eur__isnull=True)
                | models.Q(budget_envelope_eur__gte=0),
                name="call_envelope_positive",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.published_at is not None


class StageKind(models.TextChoices):
    LETTER_OF_INTENT = "loi", _("Letter of intent")
    FULL_PROPOSAL = "full", _("Full proposal")


class ReviewScale(models.TextChoices):
    LETTERS = "abc", _("Letters A / B / C")
    POINTS = "0-5", _("Points 0 to 5")


class StageQuerySet(models.QuerySet):
    def open_at(self, moment):
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)


class Stage(models.Model):
    """A step of a call with its own window: applicants submit between `opens_at` and `closes_at`
    (aware datetimes, shown in Europe/Paris)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=4, choices=StageKind.choices)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    asks_budget = models.BooleanField(_("asks for a budget"), default=False)
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviews per application"), default=2
    )
    review_scale = models.CharField(
        _("review scale"), max_length=3, choices=ReviewScale.choices, default=ReviewScale.LETTERS
    )
    summary_max_chars = models.PositiveIntegerField(_("summary length limit (characters)"),
                                                    default=2000)
    last_reference_number = models.PositiveIntegerField(default=0, editable=False)
    review_due_at = models.DateTimeField(_("reviews due at"), null=True, blank=True)
    hide_identity_from_external = models.BooleanField(
        _("hide the applicants' identity from external reviewers"), default=False
    )
    reviews_visible_before_own = models.BooleanField(
        _("reviewers see the other reviews before submitting their own"), default=False
    )
    share_comments_with_applicants = models.BooleanField(
        _("applicants see the reviewers' comments for them with the decision"), default=True
    )
    requires_selected_letters = models.BooleanField(
        _("only teams selected at the previous stage may apply"), default=False
    )

    objects = StageQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["call", "number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="stage_number_unique"),
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                   name="stage_closes_after_opening"),
            models.CheckConstraint(condition=models.Q(reviews_per_application__gte=1),
                                   name="stage_at_least_one_review"),
        ]
        indexes = [models.Index(fields=["opens_at", "closes_at"])]

    def __str__(self):
        return f"{self.call} – {self.get_kind_display()}"

    def is_open(self, moment=None):
        moment = moment or timezone.now()
        return self.opens_at <= moment < self.closes_at

    def state(self, moment=None):
        moment = moment or timezone.now()
        if moment < self.opens_at:
            return "upcoming"
        return "open" if moment < self.closes_at else "closed"


class Criterion(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"))
    title_fr = models.CharField(_("title (French)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    is_discriminant = models.BooleanField(_("discriminant"), default=False)

    title = Localized("title")

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["stage", "position"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "position"], name="criterion_position_unique"),
        ]

    def __str__(self):
        return self.title


class DocumentRequirement(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="document_requirements")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title_fr = models.CharField(_("title (French)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    max_pages = models.PositiveSmallIntegerField(_("page limit"))
    max_size_mb = models.PositiveSmallIntegerField(_("size limit (MB)"), default=10)
    is_required = models.BooleanField(_("required"), default=True)

    title = Localized("title")

    class Meta:
        verbose_name = _("requested document")
        verbose_name_plural = _("requested documents")
        ordering = ["stage", "position"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "position"], name="requirement_unique"),
            models.CheckConstraint(condition=models.Q(max_pages__gte=1, max_size_mb__gte=1),
                                   name="requirement_limits_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def max_size_bytes(self):
        return self.max_size_mb * 1024 * 1024
