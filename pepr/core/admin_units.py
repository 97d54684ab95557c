"""Administration of research units, and the filter that shows staff who typed a unit that is
not listed, for them to link (registered from pepr.core.admin)."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pepr.core.research_unit_import import link_typed_units
from pepr.core.research_units import ResearchUnit


class UnitLinkFilter(admin.SimpleListFilter):
    """Rows whose unit is linked, or only typed by name ("unit not listed"), for staff to link.
    The rows here are users; a subclass says which rows of another model are unlinked."""

    title = _("research unit")
    parameter_name = "unit_link"

    def lookups(self, request, model_admin):
        return [("unlinked", _("unit not linked (typed name only)")),
                ("linked", _("linked to a listed unit"))]

    def unlinked(self, queryset):
        return queryset.filter(unit__isnull=True).exclude(laboratory="")

    def linked(self, queryset):
        return queryset.filter(unit__isnull=False)

    def queryset(self, request, queryset):
        if self.value() == "unlinked":
            return self.unlinked(queryset)
        if self.value() == "linked":
            return self.linked(queryset)
        return queryset


@admin.register(ResearchUnit)
class ResearchUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "acronym", "name", "rnsr", "city", "tutelle_list", "is_demo"]
    list_display_links = ["code", "acronym", "name"]
    list_filter = [("tutelles", admin.RelatedOnlyFieldListFilter), "is_demo"]
    # Each word of a search may match any of these ("U1234 Lyon"): also the autocomplete of the
    # unit fields of users and partner teams.
    search_fields = ["code", "name", "acronym", "rnsr", "city"]
    autocomplete_fields = ["tutelles"]
    actions = ["link_typed"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tutelles")

    @admin.display(description=_("supervising organisations"))
    def tutelle_list(self, unit):
        return ", ".join(o.acronym or o.name for o in unit.tutelles.all())

    @admin.action(description=_("Link the users and partner teams who typed their RNSR "
                                "identifier"))
    def link_typed(self, request, queryset):
        linked = link_typed_units(list(queryset), by=request.user)
        total = sum(linked.values())
        self.message_user(request, ngettext(
            "%(count)s user or partner team linked to the selected units.",
            "%(count)s users or partner teams linked to the selected units.", total)
            % {"count": total}, messages.SUCCESS if total else messages.INFO)
