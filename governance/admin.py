"""Administration of the committees, their members and the work packages."""
from django.contrib import admin

from governance.models import AgendaItem, Committee, CommitteeMembership, Session, Vote
from pepr.core.admin import ReadOnlyAdmin


class MembershipInline(admin.TabularInline):
    model = CommitteeMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_en", "code"]
    inlines = [MembershipInline]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    can_delete = False
    fields = ["application", "motion", "ballot_status", "votes_for", "votes_against",
              "abstentions", "result"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """Sessions are run from the portal (governance.services); ballots and tallies are read-only
    here, and closed ones are also protected by database triggers."""

    list_display = ["title", "committee", "held_at", "quorum_percent"]
    list_select_related = ["committee"]
    inlines = [AgendaItemInline]


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["item", "voter", "cast_at"]
    list_select_related = ["item__application", "voter"]
