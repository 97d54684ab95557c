"""The programme, its axes, the organisations of its community, and the portal's users."""
from django.contrib.auth.models import AbstractUser, BaseUserManager, _user_has_perm
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from pepr.core import audit_text
from pepr.core.i18n import Localized
from pepr.core.validators import validate_orcid, validate_rnsr, validate_siret


class Language(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class Role(models.TextChoices):
    """Roles granted by staff as Django groups of these names; committee roles (pilot, CCS, CSI,
    Comité Directeur) come from committee memberships instead."""

    ANR_OFFICER = "anr_officer", _("ANR officer")
    REVIEWER = "reviewer", _("External reviewer")


class CommitteeCode(models.TextChoices):
    """The four governance bodies. Roles on the portal follow from sitting on one of them (see
    pepr.core.rules); the committees themselves, their members and sessions are in governance."""

    BOARD = "directeur", _("Comité Directeur")
    STEERING = "pilotage", _("Comité de Pilotage")
    CSI = "csi", _("Comité Stratégique Institutionnel")
    CCS = "ccs", _("Conseil Consultatif Scientifique")


class User(AbstractUser):
    username = None
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.FR
    )
    organisation = models.ForeignKey(
        "pepr.Organisation", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="members",
    )
    # The unit from the reference data; `laboratory` keeps the name typed when the unit is not
    # listed, for staff to link (see ResearchUnit).
    unit = models.ForeignKey(
        "pepr.ResearchUnit", verbose_name=_("research unit"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="members",
    )
    laboratory = models.CharField(_("laboratory"), max_length=255, blank=True)
    orcid = models.CharField(
        _("ORCID iD"), max_length=19, blank=True, validators=[validate_orcid],
        help_text=_("Optional, e.g. 0000-0002-1825-0097."),
    )
    is_demo = models.BooleanField(_("demo account"), default=False)
    optional_reminders = models.BooleanField(
        _("send me optional reminders"), default=True,
        help_text=_("Deadline reminders about my drafts. Reminders of reviews, votes and project "
                    "reports due are part of the role and are always sent."),
    )

    USERNAME_FIELD = "email"

    def has_perm(self, perm, obj=None):
        # Django lets an active superuser pass every check; here conflicts of interest and
        # "coordinator only" actions hold for everyone, so every permission goes through the
        # backends. The admin's model permissions still grant superusers everything there
        # (ModelBackend), and the rules grant them what staff may do (rules.is_superuser).
        return self.is_active and _user_has_perm(self, perm, obj=obj)
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def has_role(self, role):
        """Staff-granted roles are Django groups named after `Role` values, read once per request."""
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return role in self._role_names


class Programme(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=32)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    budget_eur = models.BigIntegerField(_("total budget (€)"))
    priority_projects_share = models.DecimalField(
        _("share of the priority projects (%)"), max_digits=5, decimal_places=2
    )
    governance_budget_eur = models.BigIntegerField(_("governance budget (€)"))
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    operator = models.CharField(_("operator"), max_length=100)
    pilots = models.CharField(_("piloting organisations"), max_length=255)

    name = Localized("name")
    summary = Localized("summary")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="programme_years_ordered",
            ),
        ]

    def __str__(self):
        return self.acronym

    @property
    def priority_projects_budget_eur(self):
        return int(self.budget_eur * self.priority_projects_share / 100)


class Axis(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="axes")
    number = models.PositiveSmallIntegerField(_("number"))
    title_fr = models.CharField(_("title (French)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    title = Localized("title")
    description = Localized("description")

    class Meta:
        verbose_name = _("axis")
        verbose_name_plural = _("axes")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="axis_number_unique"),
        ]

    def __str__(self):
        return _("Axis %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class OrganisationKind(models.TextChoices):
    RESEARCH = "research", _("Research organisation")
    UNIVERSITY = "university", _("University")
    HOSPITAL = "hospital", _("University hospital")
    SCHOOL = "school", _("Engineering school")
    COMPANY = "company", _("Company")
    AGENCY = "agency", _("Funding agency")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=64, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    city = models.CharField(_("city"), max_length=128, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    rnsr = models.CharField(
        _("RNSR unit id"), max_length=10, blank=True, validators=[validate_rnsr]
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_ci_unique"),
        ]

    def __str__(self):
        return f"{self.acronym} – {self.name}" if self.acronym else self.name


class EmailStatus(models.TextChoices):
    """queued → sending (claimed, with a lease) → sent; a failed send waits for the sweep's next
    try, and after EMAIL_RETRY_FOR_HOURS of failures the e-mail is dead until staff resend it."""
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DEAD = "dead", _("Given up")


def attachment_path(instance, filename):
    return f"outbox/{instance.key.replace(':', '/')}/{filename}"


class OutboundEmail(models.Model):
    """The outbox: every e-mail of the portal is a row here before it leaves, so that a retried or
    redelivered task finds the row already sent and sends nothing twice."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    attachment = models.FileField(_("attachment"), upload_to=attachment_path, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=EmailStatus.choices,
                              default=EmailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The task (by name) that renders the attachment at the first delivery, e.g. a receipt's PDF,
    # too slow to render in the transaction that queues the e-mail; empty once rendered.
    attachment_task = models.CharField(_("attachment to render"), max_length=100, blank=True)
    # When a delivery task was last handed to the broker: the sweep publishes what has none.
    published_at = models.DateTimeField(_("handed to the broker at"), null=True, blank=True)
    # A "sending" e-mail whose lease is over belongs to a worker that died while sending it.
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"


class AuditEvent(models.Model):
    """Who did what, when, to which object: assignments, declarations, reviews, votes, tallies,
    decisions. Rows are only ever added."""

    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=64)
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    application_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    # In English, for the admin's search; pages show summary_text, in the reader's language.
    summary = models.CharField(_("summary"), max_length=500)
    # The untranslated message (a msgid) and its parameters (pepr.core.audit says their forms);
    # empty on the rows written before they were stored, which keep only their summary.
    message = models.TextField(_("message"), blank=True, default="")
    params = models.JSONField(_("message parameters"), default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"]),
                   models.Index(fields=["-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor}: {self.summary_text}"

    @property
    def summary_text(self):
        """What happened, in the active language."""
        if not self.message:
            return self.summary
        return audit_text.render(self.message, self.params)


