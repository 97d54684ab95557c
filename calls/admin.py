"""Administration of calls and a read-mostly view of applications."""
from django.contrib import admin

from calls.applications.models import Application, Partner, StatusChange
from calls.decisions.models import Decision
from calls.evaluation.models import Assignment, Conflict, ExpertProfile, Review
from calls.setup.models import Call, Criterion, DocumentRequirement, Stage
from pepr.core.admin import ReadOnlyAdmin


class StageInline(admin.StackedInline):
    model = Stage
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["code", "title_fr", "kind", "published_at", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["code", "title_fr", "title_en"]
    filter_horizontal = ["axes"]
    inlines = [StageInline]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class RequirementInline(admin.TabularInline):
    model = DocumentRequirement
    extra = 0


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "opens_at", "closes_at"]
    list_select_related = ["call"]
    inlines = [CriterionInline, RequirementInline]


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
    # The status changes only through calls.services, which keeps the audit trail.
    readonly_fields = ["status", "version", "submitted_at", "reference"]
    inlines = [PartnerInline, StatusChangeInline]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "reviewer", "role", "assigned_at"]
    list_select_related = ["application", "reviewer"]
    search_fields = ["application__reference", "reviewer__email"]


@admin.register(Conflict)
class ConflictAdmin(ReadOnlyAdmin):
    list_display = ["application", "person", "source", "reason", "created_at"]
    list_select_related = ["application", "person"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "status", "recommendation", "mean_points", "submitted_at"]
    list_select_related = ["assignment__application", "assignment__reviewer"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "decided_by", "decided_at"]
    list_select_related = ["application", "decided_by"]


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "keywords", "max_load"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["axes"]
