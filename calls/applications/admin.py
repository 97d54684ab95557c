"""Administration of applications: a read-mostly view, since their status changes only through
calls.applications.workflow, which keeps the status history."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from calls.applications import services

from calls.applications.models import Application, Partner, StatusChange
from pepr.core.admin_units import UnitLinkFilter


class PartnerUnitLinkFilter(UnitLinkFilter):
    """Applications with a partner team whose unit is typed by name only, for staff to link
    (the unit field of the partner teams below)."""

    title = _("partner teams' research units")

    def unlinked(self, queryset):
        return queryset.filter(Exists(Partner.objects.filter(
            application=OuterRef("pk"), unit__isnull=True)))

    def linked(self, queryset):
        return queryset.exclude(Exists(Partner.objects.filter(
            application=OuterRef("pk"), unit__isnull=True)))


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0
    autocomplete_fields = ["unit"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "version"]

    def has_add_permission(self, request, obj=None):
        return False


class OnBehalfForm(forms.Form):
    action = forms.ChoiceField(label=_("What the team asked for"), choices=[
        ("reopen", _("Reopen it (back to draft, before the deadline)")),
        ("withdraw", _("Withdraw it"))])
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("Who asked, when and why: it is kept on the audit "
                                         "trail with your name."))


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "acronym", "title", "status", "stage", "coordinator"]
    list_filter = ["status", "stage__call", "is_demo", PartnerUnitLinkFilter]
    list_select_related = ["stage__call", "coordinator"]
    search_fields = ["reference", "acronym", "title", "coordinator__email"]
    raw_id_fields = ["coordinator", "grown_from"]
    readonly_fields = ["status", "version", "submitted_at", "reference"]
    inlines = [PartnerInline, StatusChangeInline]
    change_form_template = "admin/calls/application/change_form.html"

    def get_urls(self):
        return [path("<int:pk>/on-behalf/", self.admin_site.admin_view(self.on_behalf),
                     name="calls_application_on_behalf"), *super().get_urls()]

    def on_behalf(self, request, pk):
        """Act for the team, with a reason (services.act_on_behalf)."""
        application = get_object_or_404(Application.objects.select_related("stage__call"),
                                         pk=pk)
        form = OnBehalfForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.act_on_behalf(application, form.cleaned_data["action"],
                                       by=request.user, reason=form.cleaned_data["reason"])
            except PermissionDenied:
                form.add_error(None, _("You may not act on this application (a conflict of "
                                       "interest, or you are not an administrator)."))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Done on behalf of the team; the audit trail "
                                            "records it with your reason."))
                return redirect("admin:calls_application_change", application.pk)
        return TemplateResponse(request, "admin/calls/application/on_behalf.html", {
            **self.admin_site.each_context(request), "title": _("Act on behalf of the team"),
            "application": application, "form": form, "opts": self.model._meta})

    def has_delete_permission(self, request, obj=None):
        # The status history says who started, submitted, reopened or withdrew the application:
        # deleting it would erase that trail. Django asks this for each object of the bulk
        # "delete selected" action too, and refuses the whole action if one is refused.
        if obj is not None and obj.status_changes.exists():
            return False
        return super().has_delete_permission(request, obj)
