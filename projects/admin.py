"""Administration of the followed projects: the priority-project import with its preview, the
projects with their partners, work packages and deliverables, reports and governance actions.
States (a report's, a deliverable's) move on the portal, through their services: here they
are read-only."""
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.results import Result

from pepr.core import audit
from projects.imports import formats, services
from projects.imports.resources import PriorityProjectResource, ProjectPartnerResource
from projects.models import (Deliverable, GovernanceAction, Project, ProjectOrigin,
                             ProjectPartner, ProjectReport, ReportBudgetLine, WorkPackage)

# Shipped by `load_reference_data`: the twelve slots and the one governance project.
REFERENCE_ORIGINS = {ProjectOrigin.PRIORITY, ProjectOrigin.GOVERNANCE}


class ImportThroughServices(ImportMixin):
    """django-import-export's upload and preview (a dry run of the same resource), then the
    import itself through projects.imports.services, as `manage.py import_projects` does."""

    import_formats = [formats.CsvFormat, formats.YamlFormat]

    def has_import_permission(self, request):
        return self.has_change_permission(request)

    def process_dataset(self, dataset, form, request, **kwargs):
        resource_class = self.choose_import_resource_class(form, request)
        try:
            summary = services.import_dataset(dataset, resource_class, by=request.user)
        except services.ImportRejected as rejected:
            # The data changed between the preview and the confirmation.
            for error in rejected.errors:
                messages.error(request, error)
            return Result()
        summary.result.summary = summary
        return summary.result

    def add_success_message(self, result, request):
        summary = getattr(result, "summary", None)
        for line in summary.lines() if summary is not None else []:
            messages.success(request, line)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, formats.FileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)


class PartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    fields = ["position", "laboratory", "rnsr", "organisation", "lead_name", "lead_email", "role",
              "budget_eur"]
    autocomplete_fields = ["organisation"]


class WorkPackageInline(admin.TabularInline):
    model = WorkPackage
    extra = 0
    fields = ["number", "title_fr", "title_en", "lead", "budget_eur"]
    autocomplete_fields = ["lead"]


class DeliverableForm(forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        project = cleaned.get("project") or (self.instance.project if self.instance.project_id
                                             else None)
        work_package = cleaned.get("work_package")
        if work_package is not None and project is not None and (
                work_package.project_id != project.pk):
            self.add_error("work_package", gettext("This work package is another project's."))
        return cleaned


class DeliverableInline(admin.TabularInline):
    model = Deliverable
    form = DeliverableForm
    extra = 0
    fields = ["code", "kind", "title", "work_package", "due_date", "status", "late"]
    readonly_fields = ["status", "late"]

    @admin.display(boolean=True, description=_("late"))
    def late(self, obj):
        return obj.is_late if obj.pk else None

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A new form class per call: narrowing its field does not leak into other requests.
        formset.form.base_fields["work_package"].queryset = WorkPackage.objects.filter(
            project=obj) if obj is not None else WorkPackage.objects.none()
        return formset


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "origin" in self.fields:
            # The slots and the governance project ship with the programme: never added here.
            self.fields["origin"].choices = [
                choice for choice in self.fields["origin"].choices
                if choice[0] not in REFERENCE_ORIGINS]


@admin.register(Project)
class ProjectAdmin(ImportThroughServices, admin.ModelAdmin):
    form = ProjectForm
    resource_classes = [PriorityProjectResource]
    list_display = ["__str__", "origin", "axis_number", "position", "title_fr", "coordinator",
                    "status", "budget_eur", "is_demo"]
    list_filter = ["origin", "axis", "status", "is_demo"]
    list_select_related = ["axis", "coordinator"]
    search_fields = ["acronym", "title_fr", "title_en", "anr_reference", "coordinator__email",
                     "coordinator__last_name"]
    autocomplete_fields = ["coordinator"]
    raw_id_fields = ["application"]
    inlines = [PartnerInline, WorkPackageInline, DeliverableInline]

    @admin.display(description=_("axis"), ordering="axis__number")
    def axis_number(self, obj):
        return obj.axis.number if obj.axis_id else ""

    def get_readonly_fields(self, request, obj=None):
        fields = ["created_at", "created_by", "updated_at"]
        if obj is None:
            return fields
        fields += ["origin", "application"]
        if obj.origin in REFERENCE_ORIGINS:
            fields += ["axis", "position"]
        return fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.origin in REFERENCE_ORIGINS:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # A bulk delete would not ask each project whether it is a slot.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if form.changed_data:
            audit.record(request.user, "project.changed" if change else "project.created", obj,
                         gettext_noop("changed the project %(project)s in the admin"),
                         {"project": audit.localized(lambda: str(obj))},
                         fields=form.changed_data)


@admin.register(ProjectPartner)
class ProjectPartnerAdmin(ImportThroughServices, admin.ModelAdmin):
    resource_classes = [ProjectPartnerResource]
    list_display = ["laboratory", "project", "organisation", "lead_name", "role", "budget_eur"]
    list_filter = ["project__origin", "role"]
    list_select_related = ["project__axis", "organisation"]
    search_fields = ["laboratory", "rnsr", "lead_name", "lead_email", "project__acronym"]
    autocomplete_fields = ["project", "organisation"]


class BudgetLineInline(admin.TabularInline):
    model = ReportBudgetLine
    extra = 0
    fields = ["partner", "year", "allocated_eur", "spent_eur"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProjectReport)
class ProjectReportAdmin(admin.ModelAdmin):
    """The report's workflow (submit, send back, accept) and its PDF are the portal's."""

    list_display = ["title", "project", "kind", "year", "status", "due_at", "submitted_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["project__axis"]
    search_fields = ["title", "project__acronym"]
    autocomplete_fields = ["project"]
    readonly_fields = ["status", "version", "scientific_report", "scientific_report_name",
                       "scientific_report_pages", "submitted_at", "submitted_by", "reviewed_at",
                       "reviewed_by", "updated_at"]
    inlines = [BudgetLineInline]


@admin.register(Deliverable)
class DeliverableAdmin(admin.ModelAdmin):
    form = DeliverableForm
    list_display = ["code", "title", "project", "kind", "due_date", "status", "late"]
    list_filter = ["kind", "status"]
    list_select_related = ["project__axis"]
    search_fields = ["code", "title", "project__acronym"]
    autocomplete_fields = ["project"]
    readonly_fields = ["status", "evidence", "evidence_name", "evidence_pages", "evidence_sha256",
                       "delivered_at", "delivered_by", "accepted_at", "accepted_by"]

    @admin.display(boolean=True, description=_("late"))
    def late(self, obj):
        return obj.is_late


@admin.register(GovernanceAction)
class GovernanceActionAdmin(admin.ModelAdmin):
    list_display = ["title", "work_package", "kind", "held_on", "budget_eur", "spent_eur"]
    list_filter = ["kind", ("work_package", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["work_package"]
    search_fields = ["title"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "work_package":
            kwargs["queryset"] = WorkPackage.objects.filter(
                project__origin=ProjectOrigin.GOVERNANCE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
