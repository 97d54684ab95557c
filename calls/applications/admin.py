"""Administration of applications: a read-mostly view, since their status changes only through
calls.applications.workflow, which keeps the status history."""
from django.contrib import admin

from calls.applications.models import Application, Partner, StatusChange


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "version"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "acronym", "title", "status", "stage", "coordinator"]
    list_filter = ["status", "stage__call", "is_demo"]
    list_select_related = ["stage__call", "coordinator"]
    search_fields = ["reference", "acronym", "title", "coordinator__email"]
    raw_id_fields = ["coordinator", "grown_from"]
    readonly_fields = ["status", "version", "submitted_at", "reference"]
    inlines = [PartnerInline, StatusChangeInline]

    def has_delete_permission(self, request, obj=None):
        # The status history says who started, submitted, reopened or withdrew the application:
        # deleting it would erase that trail. Django asks this for each object of the bulk
        # "delete selected" action too, and refuses the whole action if one is refused.
        if obj is not None and obj.status_changes.exists():
            return False
        return super().has_delete_permission(request, obj)
