"""The four governance bodies of the programme, their members, and the five work packages."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pepr.i18n import Localized


class CommitteeCode(models.TextChoices):
    DIRECTEUR = "directeur", _("Comité Directeur")
    PILOTAGE = "pilotage", _("Comité de Pilotage")
    CSI = "csi", _("Comité Stratégique Institutionnel")
    CCS = "ccs", _("Conseil Consultatif Scientifique")


class Committee(models.Model):
    programme = models.ForeignKey(
        "pepr.Programme", on_delete=models.CASCADE, related_name="committees"
    )
    code = models.CharField(_("code"), max_length=16, choices=CommitteeCode.choices)
    name_fr = models.CharField(_("name (French)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    mission_fr = models.TextField(_("mission (French)"), blank=True)
    mission_en = models.TextField(_("mission (English)"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CommitteeMembership", related_name="committees"
    )

    name = Localized("name")
    mission = Localized("mission")

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["programme", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="committee_code_unique"),
        ]

    def __str__(self):
        return self.name


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    CO_PILOT = "co_pilot", _("Co-pilot")
    OFFICER = "officer", _("Chargé de mission")
    MEMBER = "member", _("Member")


class CommitteeMembership(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="committee_memberships"
    )
    role = models.CharField(
        _("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        ordering = ["committee", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.committee} ({self.get_role_display()})"


class WorkPackage(models.Model):
    programme = models.ForeignKey(
        "pepr.Programme", on_delete=models.CASCADE, related_name="work_packages"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title_fr = models.CharField(_("title (French)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lead"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="led_work_packages",
    )

    title = Localized("title")

    class Meta:
        verbose_name = _("work package")
        verbose_name_plural = _("work packages")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="work_package_unique"),
        ]

    def __str__(self):
        return _("WP%(number)s: %(title)s") % {"number": self.number, "title": self.title}
