"""The four governance bodies of the programme, their members, and the five work packages."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calls.applications.models import ApplicationStatus
from pepr.core.i18n import Localized
from pepr.core.models import CommitteeCode


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


class Session(models.Model):
    """A meeting of a committee with its members and an agenda of applications."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("title"), max_length=255)
    held_at = models.DateTimeField(_("date"))
    stage = models.ForeignKey("calls.Stage", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="sessions", verbose_name=_("stage"))
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (% of eligible members present who must vote)"), default=50
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("committee session")
        verbose_name_plural = _("committee sessions")
        ordering = ["-held_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quorum_percent__lte=100),
                                   name="session_quorum_percent"),
        ]

    def __str__(self):
        return f"{self.committee} – {self.title}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="attendances")
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["session", "member"],
                                               name="one_attendance_per_member")]


class BallotStatus(models.TextChoices):
    PENDING = "pending", _("Not opened")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class BallotResult(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    NO_QUORUM = "no_quorum", _("No quorum")


class AgendaItem(models.Model):
    """One application on a session's agenda, with its ballot. The tally is written once, when
    the ballot closes; a database trigger refuses any later change (see migration 0004)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey("calls.Application", on_delete=models.PROTECT,
                                    related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    motion = models.CharField(_("motion"), max_length=16,
                              help_text=_("The outcome the committee votes on."))
    ballot_status = models.CharField(_("ballot"), max_length=8, choices=BallotStatus.choices,
                                     default=BallotStatus.PENDING)
    closes_at = models.DateTimeField(_("ballot closes at"), null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    eligible = models.PositiveSmallIntegerField(_("eligible voters"), null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("against"), null=True, blank=True)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=BallotResult.choices,
                              blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="one_item_per_app"),
            models.CheckConstraint(
                condition=~models.Q(ballot_status="closed") | models.Q(result__gt=""),
                name="closed_ballot_has_result",
            ),
        ]

    # The ballot's state as pages show it. What may happen next is governance.workflow's table
    # (which imports this module, hence the plain comparisons here).
    @property
    def is_pending(self):
        return self.ballot_status == BallotStatus.PENDING

    @property
    def is_open(self):
        return self.ballot_status == BallotStatus.OPEN

    @property
    def is_closed(self):
        return self.ballot_status == BallotStatus.CLOSED

    @property
    def is_funding_motion(self):
        """The motion the Comité Directeur votes on, and records the decision of itself."""
        return self.motion == ApplicationStatus.FUNDED

    @property
    def decision(self):
        """The latest decision recorded from this ballot, or None. The session page sets it from
        its prefetch; elsewhere the first read queries it."""
        if not hasattr(self, "_decision"):
            self._decision = self.decisions.order_by("-decided_at").first()
        return self._decision

    @decision.setter
    def decision(self, value):
        self._decision = value


class VoteChoice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class Vote(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="votes")
    choice = models.CharField(_("vote"), max_length=7, choices=VoteChoice.choices)
    cast_at = models.DateTimeField(_("cast at"), auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["item", "voter"],
                                               name="one_vote_per_member_and_item")]


class Recusal(models.Model):
    """A member left out of an item's vote because of a conflict of interest."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    reason = models.CharField(_("reason"), max_length=255)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["item", "member"],
                                               name="one_recusal_per_member")]
