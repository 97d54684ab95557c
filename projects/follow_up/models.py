"""A followed project, whatever its origin (priority project, AMI, AAP, governance): its partner
teams and their budget, its work packages, milestones and deliverables, governance actions and
co-editors."""
import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.applications.models import PartnerRole
from pepr.core.i18n import Localized
from pepr.core.paris import PARIS


class ProjectOrigin(models.TextChoices):
    PRIORITY = "priority", _("Priority project")
    AMI = "ami", _("AMI project")
    AAP = "aap", _("AAP project")
    GOVERNANCE = "governance", _("Governance")


class ProjectStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    RUNNING = "running", _("Running")
    ENDED = "ended", _("Ended")
    CLOSED = "closed", _("Closed")


def paris_today():
    return timezone.localdate(timezone=PARIS)


def reference_of(origin, application_reference, axis_number, position, acronym):
    """How the programme names a project in lists and exports: its application's reference
    for a call's project, P<axis>.<position> for a priority project, else its acronym."""
    if application_reference:
        return application_reference
    if origin == ProjectOrigin.PRIORITY and axis_number is not None:
        return f"P{axis_number}.{position}"
    return acronym


class ProjectQuerySet(models.QuerySet):
    def with_late_items(self, today=None):
        """`late_items`: milestones and deliverables past their due date and not delivered."""
        today = today or paris_today()
        return self.annotate(late_items=models.Count(
            "deliverables", distinct=True,
            filter=Q(deliverables__status=DeliverableStatus.PLANNED,
                     deliverables__due_date__lt=today)))


class Project(models.Model):
    """One model for every origin, so follow-up, dashboards, exports and reminders treat them
    alike. A priority-project slot (axis, position) ships with the programme with an empty
    acronym; staff import its content."""

    origin = models.CharField(_("origin"), max_length=10, choices=ProjectOrigin.choices)
    axis = models.ForeignKey("pepr.Axis", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="projects", verbose_name=_("axis"))
    position = models.PositiveSmallIntegerField(_("position in the axis"), null=True, blank=True)
    application = models.OneToOneField(
        "calls.Application", null=True, blank=True, on_delete=models.PROTECT,
        related_name="project", verbose_name=_("application it came from"))
    acronym = models.CharField(_("acronym"), max_length=32, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("coordinator"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="coordinated_projects")
    budget_eur = models.BigIntegerField(_("budget (€)"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), null=True,
                                                       blank=True)
    anr_reference = models.CharField(_("ANR grant reference"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices,
                              default=ProjectStatus.PREPARING)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    title = Localized("title")
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["origin", "axis__number", "position", "acronym", "pk"]
        indexes = [models.Index(fields=["origin", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["axis", "position"], condition=Q(origin="priority"),
                                    name="priority_slot_unique"),
            models.CheckConstraint(
                condition=Q(position__isnull=True) | Q(position__gte=1, position__lte=3),
                name="project_position_1_to_3"),
            models.CheckConstraint(condition=Q(budget_eur__isnull=True) | Q(budget_eur__gte=0),
                                   name="project_budget_positive"),
            models.CheckConstraint(
                condition=Q(application__isnull=True) | Q(origin__in=["ami", "aap"]),
                name="project_application_only_for_calls"),
        ]

    def __str__(self):
        if self.acronym:
            return self.acronym
        if self.origin == ProjectOrigin.PRIORITY and self.axis_id:
            return str(_("slot %(axis)s.%(position)s") % {
                "axis": self.axis.number, "position": self.position})
        return str(_("project %(pk)s") % {"pk": self.pk})

    @property
    def is_imported(self):
        return bool(self.acronym)

    @property
    def reference(self):
        return reference_of(self.origin, self.application.reference if self.application_id
                            else None, self.axis.number if self.axis_id else None,
                            self.position, self.acronym)

    @property
    def end_date(self):
        if not (self.start_date and self.duration_months):
            return None
        months = self.start_date.month - 1 + self.duration_months
        year, month = self.start_date.year + months // 12, months % 12 + 1
        # The 29th to the 31st do not exist in every month; a project's end is read by the month.
        return date(year, month, min(self.start_date.day, 28))


class ProjectPartner(models.Model):
    """A partner team: a research unit of an organisation, its lead and its share of the budget."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    unit = models.ForeignKey("pepr.ResearchUnit", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="project_partners",
                             verbose_name=_("research unit"))
    laboratory = models.CharField(_("research unit"), max_length=255)
    rnsr = models.CharField(_("RNSR unit id"), max_length=10, blank=True)
    organisation = models.ForeignKey("pepr.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="project_partners",
                                     verbose_name=_("organisation"))
    lead_name = models.CharField(_("lead name"), max_length=255, blank=True)
    lead_email = models.EmailField(_("lead e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=16, choices=PartnerRole.choices,
                            default=PartnerRole.PARTNER)
    budget_eur = models.BigIntegerField(_("budget (€)"), null=True, blank=True)

    class Meta:
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        ordering = ["project", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "laboratory"],
                                    name="project_partner_unit_unique"),
            models.CheckConstraint(condition=Q(budget_eur__isnull=True) | Q(budget_eur__gte=0),
                                   name="project_partner_budget_positive"),
        ]

    def __str__(self):
        return self.laboratory


class ProjectEditor(models.Model):
    """A person the coordinator invited to co-edit the project's reports and deliverables."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="editors")
    email = models.EmailField(_("e-mail"))
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="project_editorships")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("project co-editor")
        verbose_name_plural = _("project co-editors")
        constraints = [models.UniqueConstraint(fields=["project", "email"],
                                               name="project_editor_unique")]
        indexes = [models.Index(fields=["user", "accepted_at"])]

    def __str__(self):
        return self.email


class WorkPackage(models.Model):
    """A work package of a project; the governance project's five are the programme's own."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="work_packages")
    number = models.PositiveSmallIntegerField(_("number"))
    title_fr = models.CharField(_("title (French)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("lead"), null=True,
                             blank=True, on_delete=models.SET_NULL,
                             related_name="led_work_packages")
    budget_eur = models.BigIntegerField(_("budget (€)"), null=True, blank=True)

    title = Localized("title")

    class Meta:
        verbose_name = _("work package")
        verbose_name_plural = _("work packages")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"],
                                               name="work_package_number_unique")]

    def __str__(self):
        return _("WP%(number)s: %(title)s") % {"number": self.number, "title": self.title}


class DeliverableKind(models.TextChoices):
    MILESTONE = "milestone", _("Milestone")
    DELIVERABLE = "deliverable", _("Deliverable")


class DeliverableStatus(models.TextChoices):
    # "Late" is not stored: a planned item past its due date is late (see `is_late`).
    PLANNED = "planned", _("Planned")
    DELIVERED = "delivered", _("Delivered")
    ACCEPTED = "accepted", _("Accepted")


def evidence_path(instance, filename):
    # A random name: the original file name can carry personal data and must not be guessable.
    return f"projects/{instance.project_id}/evidence/{uuid.uuid4().hex}.pdf"


class DeliverableQuerySet(models.QuerySet):
    def late(self, today=None):
        return self.filter(status=DeliverableStatus.PLANNED, due_date__lt=today or paris_today())


class Deliverable(models.Model):
    """A milestone or a deliverable of a work package, with its due date and evidence."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deliverables")
    work_package = models.ForeignKey(WorkPackage, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="deliverables", verbose_name=_("work package"))
    kind = models.CharField(_("kind"), max_length=12, choices=DeliverableKind.choices,
                            default=DeliverableKind.DELIVERABLE)
    code = models.CharField(_("code"), max_length=16, help_text=_("For example D1.2 or M3."))
    title = models.CharField(_("title"), max_length=255)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=DeliverableStatus.choices,
                              default=DeliverableStatus.PLANNED)
    evidence = models.FileField(_("evidence (PDF)"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    evidence_pages = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("delivered by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone or deliverable")
        verbose_name_plural = _("milestones and deliverables")
        ordering = ["project", "due_date", "code", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [models.UniqueConstraint(fields=["project", "code"],
                                               name="deliverable_code_unique")]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def is_late(self):
        return self.status == DeliverableStatus.PLANNED and self.due_date < paris_today()

    @property
    def open_to_delivery(self):
        """Planned or delivered (the evidence may be replaced), not yet accepted."""
        return self.status != DeliverableStatus.ACCEPTED

    @property
    def awaits_acceptance(self):
        return self.status == DeliverableStatus.DELIVERED


class GovernanceActionKind(models.TextChoices):
    EVENT = "event", _("Event")
    TRAINING = "training", _("Training")
    MISSION = "mission", _("Mission")
    COMMUNICATION = "communication", _("Communication")


class GovernanceAction(models.Model):
    """What a governance work package spends its budget on."""

    work_package = models.ForeignKey(WorkPackage, on_delete=models.CASCADE,
                                     related_name="actions", verbose_name=_("work package"))
    kind = models.CharField(_("kind"), max_length=16, choices=GovernanceActionKind.choices)
    title = models.CharField(_("title"), max_length=255)
    held_on = models.DateField(_("date"), null=True, blank=True)
    budget_eur = models.BigIntegerField(_("budget (€)"), default=0)
    spent_eur = models.BigIntegerField(_("spent (€)"), default=0)

    class Meta:
        verbose_name = _("governance action")
        verbose_name_plural = _("governance actions")
        ordering = ["work_package", "held_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(budget_eur__gte=0, spent_eur__gte=0),
                                              name="governance_action_amounts_positive")]

    def __str__(self):
        return self.title
