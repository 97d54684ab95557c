"""Background PDF reports: one row per kind, target, language and audience."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from pepr.core.models import Language, User


class ReportKind(models.TextChoices):
    DOSSIER = "dossier", _("Application dossier")
    CALL = "call", _("Call report")
    MINUTES = "minutes", _("Committee session minutes")
    PROJECT = "project", _("Project progress report")
    # A project's periodic report as submitted (its latest frozen version).
    PROJECT_REPORT = "preport", _("Submitted project report")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    # A worker took the build and holds its lease (Report.lease_until) while it renders.
    BUILDING = "building", _("Building")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def report_path(instance, filename):
    return f"reports/{instance.kind}/{instance.target_id}/{instance.language}-{filename}"


class Report(models.Model):
    """A PDF built in the background. `fingerprint` sums up the data it was built from, so a
    request for an unchanged report reuses the file instead of rebuilding it."""

    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    # A call report lists applications by score: a reader with conflicts of interest gets a
    # version without those applications. `audience` names that version (a hash of the
    # excluded ids; empty for the full one) and `excluded_ids` is what the build leaves out.
    audience = models.CharField(max_length=64, blank=True, default="")
    excluded_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=ReportStatus.choices,
                              default=ReportStatus.PENDING)
    fingerprint = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to=report_path, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    # A worker that takes the build holds it until `lease_until`; a build still "building" after
    # that belongs to a worker that died, and the sweep (or the next request) restarts it.
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    # When a build lost on the way or with its worker was last restarted, for the status page;
    # `attempts` counts the builds started since the request, to give up on one that kills
    # every worker that takes it.
    restarted_at = models.DateTimeField(_("restarted at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id", "language", "audience"],
                name="one_report_per_target_language_and_audience"),
        ]

    # The build's state, for the pages; pepr.reports.services moves it.
    @property
    def is_pending(self):
        """Not settled yet: queued, or being built (the status page keeps polling)."""
        return self.status in (ReportStatus.PENDING, ReportStatus.BUILDING)

    @property
    def is_building(self):
        return self.status == ReportStatus.BUILDING

    @property
    def is_ready(self):
        return self.status == ReportStatus.READY

    @property
    def is_failed(self):
        return self.status == ReportStatus.FAILED
