"""Applications (letters of intent, full proposals), their partners, documents, versions."""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.setup.models import DocumentRequirement, Stage
from pepr.core.validators import validate_rnsr


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")
    RECOMMENDED = "recommended", _("Recommended for funding")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")
    FUNDED = "funded", _("Funded")
    NOT_FUNDED = "not_funded", _("Not funded")


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
    # The outcome the applicant side may read: set when its decision letter is sent (see
    # calls.applications.workflow.announce), so that no page shows a decision before that.
    announced_status = models.CharField(_("status announced to the applicant"), max_length=16,
                                        choices=ApplicationStatus.choices, blank=True,
                                        default="", editable=False)
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
    # The team's unit from the reference data (what the conflict rule compares); `laboratory`
    # is its name as shown, typed by the applicant when the unit is not listed.
    unit = models.ForeignKey("pepr.ResearchUnit", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="application_partners",
                             verbose_name=_("research unit"))
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
