"""Calls (AMI, AAP), their stages and what each stage asks, and the applications submitted to them."""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pepr.i18n import Localized
from pepr.validators import validate_rnsr


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


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")


class Application(models.Model):
    """A letter of intent or a full proposal, depending on its stage."""

    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="applications")
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="coordinated_applications",
                                    verbose_name=_("coordinator"))
    status = models.CharField(_("status"), max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    title = models.CharField(_("title"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=32, blank=True)
    axis = models.ForeignKey("pepr.Axis", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="applications", verbose_name=_("axis"))
    summary_fr = models.TextField(_("summary in French"), blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True,
                                help_text=_("Separated by commas."))
    requested_budget_eur = models.BigIntegerField(_("requested budget (€)"), null=True,
                                                  blank=True)
    grown_from = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="grown_into",
        verbose_name=_("selected letters of intent it grows from"),
    )
    version = models.PositiveIntegerField(_("submitted versions"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["stage", "status"]),
            models.Index(fields=["coordinator", "-updated_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requested_budget_eur__isnull=True)
                | models.Q(requested_budget_eur__gte=0),
                name="application_budget_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(version__gte=1)
                | models.Q(status="withdrawn"),
                name="application_submitted_has_version",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.acronym or self.title}".strip()


class PartnerRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinating team")
    PARTNER = "partner", _("Partner team")
    INDUSTRY = "industry", _("Industrial partner")
    HOSPITAL = "hospital", _("Clinical partner")


class Partner(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    organisation = models.ForeignKey("pepr.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="application_partners",
                                     verbose_name=_("organisation"))
    laboratory = models.CharField(_("laboratory"), max_length=255)
    rnsr = models.CharField(_("RNSR unit id"), max_length=10, blank=True,
                            validators=[validate_rnsr])
    lead_name = models.CharField(_("lead name"), max_length=255)
    lead_email = models.EmailField(_("lead e-mail"))
    role = models.CharField(_("role"), max_length=16, choices=PartnerRole.choices,
                            default=PartnerRole.PARTNER)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["application", "position", "id"]

    def __str__(self):
        return f"{self.laboratory} ({self.lead_name})"


def document_path(instance, filename):
    # A random name: the original file name can carry personal data and must not be guessable.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}.pdf"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="documents")
    requirement = models.ForeignKey(DocumentRequirement, on_delete=models.PROTECT,
                                    related_name="documents")
    file = models.FileField(_("file"), upload_to=document_path)
    original_name = models.CharField(_("file name"), max_length=255)
    pages = models.PositiveSmallIntegerField(_("pages"))
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(fields=["application", "requirement"],
                                    name="one_document_per_requirement"),
        ]

    def __str__(self):
        return self.original_name


class SubmittedVersion(models.Model):
    """What the applicant sent at each submission, frozen: the evaluators read these."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="submitted_versions")
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    content = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["application", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="version_unique"),
        ]


class StatusChange(models.Model):
    """The timeline of an application and the audit trail of its state changes."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["application", "at", "id"]


class AccessLevel(models.TextChoices):
    VIEW = "view", _("View")
    EDIT = "edit", _("Co-edit")


class Invitation(models.Model):
    """A partner the coordinator invited to view or co-edit an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="invitations")
    email = models.EmailField(_("e-mail"))
    access = models.CharField(_("access"), max_length=4, choices=AccessLevel.choices,
                              default=AccessLevel.VIEW)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="application_invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["application", "email"], name="invitation_unique"),
        ]
        indexes = [models.Index(fields=["user", "accepted_at"])]

    def __str__(self):
        return f"{self.email} ({self.get_access_display()})"
