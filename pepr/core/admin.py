"""Administration of users and of the programme's reference data."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_noop
from django.utils.translation import gettext_lazy as _

from pepr.core import audit
from pepr.core.admin_units import UnitLinkFilter
from pepr.core.models import AuditEvent, Axis, Organisation, OutboundEmail, Programme, User


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


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    """The outbox, read-only: administrators see what left, what waits and why a send failed."""

    list_display = ["created_at", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["recipient", "subject", "key"]
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]


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
