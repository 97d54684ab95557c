"""Administration of the committees, their members and the work packages."""
from django.contrib import admin

from .models import Committee, CommitteeMembership, WorkPackage


class MembershipInline(admin.TabularInline):
    model = CommitteeMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_en", "code"]
    inlines = [MembershipInline]


@admin.register(WorkPackage)
class WorkPackageAdmin(admin.ModelAdmin):
    list_display = ["number", "title_fr", "title_en", "lead"]
    list_select_related = ["lead"]
    autocomplete_fields = ["lead"]
