"""Administration of the evaluation: assignments, conflicts and reviews change only through
calls.evaluation.services, so the admin shows them; expert profiles are edited here."""
from django.contrib import admin

from calls.evaluation.models import Assignment, Conflict, ExpertProfile, Review
from pepr.core.admin import ReadOnlyAdmin


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


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "keywords", "max_load"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["axes"]
