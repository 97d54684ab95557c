"""Periodic reports a project owes the programme (annual reports, the final report), with the
fields of ANR's end-of-project report, their budget lines and their frozen versions."""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.follow_up.models import Project, ProjectPartner


class ProjectReportKind(models.TextChoices):
    ANNUAL = "annual", _("Annual report")
    FINAL = "final", _("Final report")


class ProjectReportStatus(models.TextChoices):
    # In context: French agrees these with « rapport » (masculine), not with « candidature ».
    DRAFT = "draft", pgettext_lazy("project report", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("project report", "Submitted")
    RETURNED = "returned", pgettext_lazy("project report", "Sent back")
    ACCEPTED = "accepted", pgettext_lazy("project report", "Accepted")


def scientific_report_path(instance, filename):
    # A random name: the original file name can carry personal data and must not be guessable.
    return f"projects/{instance.project_id}/reports/{uuid.uuid4().hex}.pdf"


class ProjectReport(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=8, choices=ProjectReportKind.choices,
                            default=ProjectReportKind.ANNUAL)
    year = models.PositiveSmallIntegerField(_("year covered"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=255)
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(_("status"), max_length=10, choices=ProjectReportStatus.choices,
                              default=ProjectReportStatus.DRAFT)
    public_summary_fr = models.TextField(_("public summary in French"), blank=True)
    public_summary_en = models.TextField(_("public summary in English"), blank=True)
    scientific_report = models.FileField(_("scientific report (PDF)"), blank=True,
                                         upload_to=scientific_report_path)
    scientific_report_name = models.CharField(_("file name"), max_length=255, blank=True)
    scientific_report_pages = models.PositiveSmallIntegerField(null=True, blank=True)
    publications_count = models.PositiveIntegerField(_("publications"), null=True, blank=True)
    patents_count = models.PositiveIntegerField(_("patents"), null=True, blank=True)
    fixed_term_staff_count = models.PositiveIntegerField(
        _("fixed-term staff recruited"), null=True, blank=True)
    review_comments = models.TextField(_("comments of the Comité de Pilotage"), blank=True)
    version = models.PositiveIntegerField(_("submitted versions"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["submitted_at", "due_at"]),
                   models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return self.title

    @property
    def coordinator(self):
        return self.project.coordinator


class ReportBudgetLine(models.Model):
    """Allocated and spent by one partner in one year, entered in an annual report and accepted
    with it."""

    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE,
                               related_name="budget_lines")
    partner = models.ForeignKey(ProjectPartner, on_delete=models.CASCADE,
                                related_name="budget_lines", verbose_name=_("partner"))
    year = models.PositiveSmallIntegerField(_("year"))
    allocated_eur = models.BigIntegerField(_("allocated (€)"), default=0)
    spent_eur = models.BigIntegerField(_("spent (€)"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["report", "partner__position", "partner_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["report", "partner", "year"],
                                    name="report_budget_line_unique"),
            models.CheckConstraint(condition=Q(allocated_eur__gte=0, spent_eur__gte=0),
                                   name="report_budget_amounts_positive"),
        ]


class ReportVersion(models.Model):
    """What the coordinator sent at each submission, frozen: the Comité de Pilotage reads these."""

    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    content = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"],
                                               name="report_version_unique")]
