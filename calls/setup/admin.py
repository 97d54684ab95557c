"""Administration of calls and their stages: every change the pilots' pages guard goes through
calls.setup.services here too, with the same row locks and checks."""
import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from calls.setup import services
from calls.setup.forms import STAGE_FIELDS
from calls.setup.models import Call, Criterion, DocumentRequirement, Stage

# Why the admin looks like this (issue 13). The pilots' pages (calls.setup.views) already edit a
# call's stages and a stage's documents with every rule of the call's plan; rebuilding them as
# editable inlines would duplicate those pages and their formsets, and a second copy of the rules
# drifts. So the stage and document inlines only show, and link to the pilots' pages. The call's
# and the stage's own change forms stay: their clean() asks the services' checks, so a refusal is
# shown next to its field with what was typed, and save_model writes through the services, which
# take the row locks and check again.


class ThroughServicesAdmin(admin.ModelAdmin):
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refused:
            # The service, checking again under its row lock, refused what the form accepted:
            # someone (or the clock) changed the row in between. The admin's transaction has been
            # rolled back; the page comes back as it now is, with the reason.
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def _link(url, text):
    return format_html('<a href="{}">{}</a>', url, text)


@admin.display(description=_("requested documents"))
def documents_page(stage):
    return _link(reverse("calls_manage:stage_documents", args=[stage.call_id, stage.pk]),
                 _("Edit on the pilots' page"))


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["number", "kind", "opens_at", "closes_at", documents_page]
    readonly_fields = [documents_page]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CallAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        # The instance still holds the stored values: ModelForm copies the new ones after clean().
        if self.instance.is_published:
            for name in sorted(services.FIXED_ONCE_PUBLISHED & set(self.changed_data)):
                self.add_error(name, _("The call is published: this can no longer change."))
        return cleaned


@admin.register(Call)
class CallAdmin(ThroughServicesAdmin):
    form = CallAdminForm
    list_display = ["code", "title_fr", "kind", "published_at", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["code", "title_fr", "title_en"]
    filter_horizontal = ["axes"]
    # Publication checks the call's stages (publish_if_ready): it happens on the pilots' page.
    readonly_fields = ["programme", "published_at", "created_by", "pilots_page"]
    inlines = [StageInline]

    def has_add_permission(self, request):
        # A call is created on the pilots' page, together with the stages its kind requires.
        return False

    @admin.display(description=_("stages"))
    def pilots_page(self, call):
        return _link(reverse("calls_manage:edit", args=[call.pk]),
                     _("Edit the stages on the pilots' page"))

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "axes"}
        axes = form.cleaned_data["axes"] if "axes" in form.changed_data else None
        services.update_call(obj, axes=axes, **fields)

    def save_related(self, request, form, formsets, change):
        # No form.save_m2m(): update_call has set the axes under the call's row lock.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class CriterionInline(admin.TabularInline):
    """No service writes criteria: staff adjust ANR's defaults here until the stage opens. From
    then on reviewers score against them, so they freeze with the requested documents."""

    model = Criterion
    extra = 0

    def _editable(self, stage):
        return stage is not None and not services.documents_locked(stage)

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class RequirementInline(admin.TabularInline):
    # Written by save_document_requirements on the pilots' page (link on the stage's form).
    model = DocumentRequirement
    extra = 0
    fields = ["position", "title_fr", "title_en", "max_pages", "max_size_mb", "is_required"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StageAdminForm(forms.ModelForm):
    def guarded_values(self):
        """The changed values that the pilots' stage form sends to save_call."""
        return {name: self.cleaned_data[name] for name in STAGE_FIELDS
                if name in self.changed_data and name in self.cleaned_data}

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The stage must close after it opens."))
            return cleaned
        # The instance still holds the stored values: ModelForm copies the new ones after clean().
        stage, values = self.instance, self.guarded_values()
        for field, message in services.stage_change_errors(stage, values).items():
            self.add_error(None if field == NON_FIELD_ERRORS else field, message)
        candidate = copy.copy(stage)
        for name, value in values.items():
            setattr(candidate, name, value)
        others = list(stage.call.stages.exclude(pk=stage.pk))
        for problem in services.stage_plan_errors(stage.call.kind, [*others, candidate]):
            self.add_error(None, problem)
        return cleaned


@admin.register(Stage)
class StageAdmin(ThroughServicesAdmin):
    form = StageAdminForm
    list_display = ["__str__", "number", "opens_at", "closes_at"]
    list_select_related = ["call"]
    # The call and the number are in the applications' references (CODE-2-00001).
    fields = ["call", "number", *[name for name in STAGE_FIELDS if name != "number"],
              "review_due_at", "hide_identity_from_external", "reviews_visible_before_own",
              "share_comments_with_applicants", documents_page]
    readonly_fields = ["call", "number", documents_page]
    inlines = [CriterionInline, RequirementInline]

    def has_add_permission(self, request):
        # Added on the pilots' page, with ANR's defaults and the checks of the call's plan.
        return False

    def has_delete_permission(self, request, obj=None):
        # Django asks this for each stage of a call being deleted too: a draft call and its stages
        # may go, a published call and its stages stay (the pilots' page removes a stage that has
        # not opened, checking the call's plan without it).
        return (obj is not None and not obj.call.is_published
                and super().has_delete_permission(request, obj))

    def delete_model(self, request, obj):
        services.remove_stage(obj)

    def save_model(self, request, obj, form, change):
        # save_call even when no guarded field changed: it locks the call's and the stage's rows,
        # which the criteria saved next (save_related) then write under.
        services.save_call(obj.call, fields={}, axes=None, stages=[(obj, form.guarded_values())])
        # The review settings are used after the stage closes, when the rules above freeze it.
        others = [name for name in form.changed_data if name not in STAGE_FIELDS]
        if others:
            obj.save(update_fields=others)
