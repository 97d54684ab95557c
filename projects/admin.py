"""Administration of the priority-project slots, where staff enter the projects' real data."""
from django.contrib import admin

from projects.models import PriorityProject


@admin.register(PriorityProject)
class PriorityProjectAdmin(admin.ModelAdmin):
    list_display = ["__str__", "axis", "position", "title_fr", "coordinator", "budget_eur",
                    "is_demo"]
    list_filter = ["axis", "is_demo"]
    list_select_related = ["axis", "coordinator"]
    search_fields = ["acronym", "title_fr", "title_en"]
    autocomplete_fields = ["coordinator", "partners"]
    readonly_fields = ["axis", "position"]

    def has_add_permission(self, request):
        # The twelve slots come with the reference data; staff fill them, they do not add more.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
