"""The twelve priority projects: three slots per axis whose content staff import."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pepr.core.i18n import Localized


class PriorityProject(models.Model):
    """A slot (axis, position) ships with the programme; its acronym, title, coordinator and budget
    are not public and are entered or imported by staff."""

    axis = models.ForeignKey("pepr.Axis", on_delete=models.PROTECT, related_name="priority_projects")
    position = models.PositiveSmallIntegerField(_("position in the axis"))
    acronym = models.CharField(_("acronym"), max_length=32, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=255, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("coordinator"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="coordinated_priority_projects",
    )
    partners = models.ManyToManyField(
        "pepr.Organisation", verbose_name=_("partners"), blank=True,
        related_name="priority_projects",
    )
    budget_eur = models.BigIntegerField(_("budget (€)"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    title = Localized("title")

    class Meta:
        verbose_name = _("priority project")
        verbose_name_plural = _("priority projects")
        ordering = ["axis__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["axis", "position"], name="priority_slot_unique"),
            models.CheckConstraint(
                condition=models.Q(position__gte=1, position__lte=3),
                name="priority_position_1_to_3",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_eur__isnull=True) | models.Q(budget_eur__gte=0),
                name="priority_budget_positive",
            ),
        ]

    def __str__(self):
        label = self.acronym or _("slot %(axis)s.%(position)s") % {
            "axis": self.axis.number, "position": self.position,
        }
        return str(label)

    @property
    def is_imported(self):
        return bool(self.acronym)


class FundedProject(models.Model):
    """A funded application (AMI or AAP), followed in the programme like the priority projects."""

    application = models.OneToOneField("calls.Application", on_delete=models.PROTECT,
                                       related_name="project")
    acronym = models.CharField(_("acronym"), max_length=32)
    title = models.CharField(_("title"), max_length=300)
    axis = models.ForeignKey("pepr.Axis", null=True, on_delete=models.PROTECT,
                             related_name="funded_projects")
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="funded_projects")
    budget_eur = models.BigIntegerField(_("budget (€)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")
        ordering = ["acronym"]

    def __str__(self):
        return self.acronym


class ProjectReport(models.Model):
    """A periodic report a project owes the programme (annual review, end-of-project report)."""

    funded_project = models.ForeignKey(FundedProject, null=True, blank=True,
                                       on_delete=models.CASCADE, related_name="reports")
    priority_project = models.ForeignKey(PriorityProject, null=True, blank=True,
                                         on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(_("title"), max_length=255)
    due_at = models.DateTimeField(_("due at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["submitted_at", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(funded_project__isnull=True, priority_project__isnull=False)
                | models.Q(funded_project__isnull=False, priority_project__isnull=True),
                name="report_belongs_to_one_project"),
        ]

    @property
    def project(self):
        return self.funded_project or self.priority_project

    @property
    def coordinator(self):
        return self.project.coordinator
