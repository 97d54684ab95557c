"""Administration of users and of the programme's reference data."""
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from pepr.core import audit, outbox
from pepr.core.admin_units import UnitLinkFilter
from pepr.core.models import (
    AuditEvent,
    Axis,
    EmailStatus,
    Organisation,
    OutboundEmail,
    Programme,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through services (which keep the audit trail), or never: the
    admin shows them and nothing more."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "organisation", "is_staff", "is_demo"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "language", "is_demo",
                   UnitLinkFilter]
    list_select_related = ["organisation"]
    search_fields = ["email", "first_name", "last_name", "laboratory", "orcid"]
    autocomplete_fields = ["organisation", "unit"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identity"), {"fields": ("first_name", "last_name", "language", "organisation",
                                    "unit", "laboratory", "orcid")}),
        (_("Roles and permissions"), {"fields": ("is_active", "is_staff", "is_superuser",
                                                 "groups", "user_permissions", "is_demo")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name",
                                                 "password1", "password2")}),
    )

    def save_model(self, request, obj, form, change):
        # Audited like pepr.core.services.update_profile (same action, same data), since conflicts
        # of interest are detected from the affiliation; the actor here is the staff member.
        before = _affiliation(User.objects.filter(pk=obj.pk).first()) if change else None
        super().save_model(request, obj, form, change)
        after = _affiliation(obj)
        if before is not None and before != after:
            audit.record(request.user, "profile.affiliation", obj,
                         gettext_noop("changed the affiliation of %(email)s"), {"email": obj.email},
                         before=before, after=after)


def _affiliation(user):
    if user is None:
        return None
    return {"organisation": str(user.organisation_id or ""), "unit": str(user.unit_id or ""),
            "laboratory": user.laboratory or ""}


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["acronym", "budget_eur", "start_year", "end_year"]
    inlines = [AxisInline]


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["number", "title_fr", "title_en"]
    list_select_related = ["programme"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "city", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "acronym", "rnsr", "siret"]


class DeliveryProblemFilter(admin.SimpleListFilter):
    """Failed and given-up e-mails in one list: what staff may have to resend."""

    title = _("delivery problem")
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [("any", _("Failed or given up")), ("failed", _("Failed, to be tried again")),
                ("dead", _("Given up"))]

    def queryset(self, request, queryset):
        statuses = {"any": [EmailStatus.FAILED, EmailStatus.DEAD], "failed": [EmailStatus.FAILED],
                    "dead": [EmailStatus.DEAD]}.get(self.value())
        return queryset if statuses is None else queryset.filter(status__in=statuses)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    """The outbox, read-only but for "resend": administrators see what left, what waits, why a
    send failed, when it is tried next, and send failed or given-up e-mails again."""

    list_display = ["created_at", "recipient", "subject", "status", "attempts", "next_attempt_at",
                    "sent_at"]
    list_filter = [DeliveryProblemFilter, "status"]
    search_fields = ["recipient", "subject", "key"]
    readonly_fields = [field.name for field in OutboundEmail._meta.fields] + ["message_id"]
    actions = ["resend"]

    @admin.display(description=_("Message-ID"))
    def message_id(self, email):
        return outbox.message_id(email.key)

    def has_resend_permission(self, request):
        return request.user.has_perm("pepr.change_outboundemail")

    @admin.action(description=_("Send the selected e-mails again"), permissions=["resend"])
    def resend(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        count = outbox.resend(selected, by=request.user)
        self.message_user(request, ngettext(
            "%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count)
            % {"count": count}, messages.SUCCESS)
        if count < len(selected):
            self.message_user(request, _("E-mails already sent or being sent were left alone."),
                              messages.WARNING)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail is append-only: nobody edits or deletes it, administrators included."""

    list_display = ["at", "actor", "action", "summary_in_language"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    search_fields = ["summary", "actor__email"]  # the summary is stored in English

    @admin.display(description=_("summary"))
    def summary_in_language(self, event):
        return event.summary_text
