"""Administration of decisions: read-only, since an outcome is recorded and announced only
through calls.decisions.services."""
from django.contrib import admin

from calls.decisions.models import Decision
from pepr.core.admin import ReadOnlyAdmin


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "decided_by", "decided_at"]
    list_select_related = ["application", "decided_by"]
