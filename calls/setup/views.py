"""Pages of calls: the public home page, list and call pages, and the pilots' pages that create,
edit, preview and publish a call."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from calls.setup import selectors, services
from calls.setup.forms import CallForm, RequirementFormSet, StageFormSet
from calls.setup.models import Call, Stage
from pepr.core.selectors import current_programme
from pepr.core.views_common import requires_any


def home(request):
    return render(request, "pepr/home.html", {
        "programme": current_programme(),
        "open_calls": selectors.open_calls(),
    })


def call_list(request):
    page = Paginator(selectors.published_calls(), 20).get_page(request.GET.get("page"))
    return render(request, "calls/call_list.html", {"page": page})


def call_detail(request, code):
    call = get_object_or_404(selectors.published_calls(), code=code)
    return render(request, "calls/call_detail.html", {"call": call})


# Calls are managed by the pilots (Comité de Pilotage), checked before any object is read.
pilot_required = requires_any("calls.manage_calls")


@pilot_required
def manage_list(request):
    calls = selectors.calls_for_management()
    page = Paginator(calls, 25).get_page(request.GET.get("page"))
    return render(request, "calls/manage/call_list.html", {"page": page})


@pilot_required
def call_create(request):
    return _edit(request, None)


@pilot_required
def call_edit(request, pk):
    return _edit(request, get_object_or_404(Call.objects.select_related("programme"), pk=pk))


def _edit(request, call):
    data = request.POST if request.method == "POST" else None
    programme = call.programme if call else current_programme()
    form = CallForm(data, instance=call, programme=programme)
    kind = None
    if form.is_bound:
        form.is_valid()  # cleaned_data then holds every valid field: the stage rules need the kind
        kind = form.cleaned_data.get("kind")
    stage_queryset = Stage.objects.order_by("number").prefetch_related("document_requirements")
    stages = StageFormSet(data, instance=call, queryset=stage_queryset, call_kind=kind)
    if data is not None and form.is_valid() and stages.is_valid():
        kept, removed = stages.service_changes()
        try:
            saved = services.save_call(
                call, fields=form.service_values(), axes=form.cleaned_data["axes"],
                stages=kept, removed_stages=removed, by=request.user, programme=programme,
            )
        except ValidationError as error:
            # Rolled back; the page comes back with everything typed and the reason on top.
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The call has been saved."))
            return redirect("calls_manage:edit", saved.pk)
    return render(request, "calls/manage/call_form.html",
                  {"call": call, "form": form, "stages": stages})


@pilot_required
def call_preview(request, pk):
    call = get_object_or_404(selectors.calls_for_management(), pk=pk)
    return render(request, "calls/manage/call_preview.html", {"call": call})


@pilot_required
def call_publish(request, pk):
    """A confirmation page; the POST of its button publishes (works without JavaScript)."""
    call = get_object_or_404(selectors.calls_for_management(), pk=pk)
    problems = [] if call.is_published else services.publication_problems(call)
    if request.method == "POST":
        if call.is_published:
            messages.info(request, _("This call was already published."))
            return redirect("calls_manage:list")
        try:
            services.publish_if_ready(call, by=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, _("The call “%(title)s” is published: applicants now see "
                                        "it on the calls page.") % {"title": call.title})
            return redirect("calls_manage:list")
    return render(request, "calls/manage/call_publish.html",
                  {"call": call, "problems": problems},
                  status=409 if request.method == "POST" else 200)


@pilot_required
def stage_documents(request, pk, stage_pk):
    stage = get_object_or_404(Stage.objects.select_related("call"), pk=stage_pk, call_id=pk)
    data = request.POST if request.method == "POST" else None
    locked = services.documents_locked(stage)
    formset = RequirementFormSet(data, queryset=stage.document_requirements.order_by("position"),
                                 prefix="documents", form_kwargs={"locked": locked})
    error = None
    if data is not None and formset.is_valid():
        rows, removed = formset.service_changes()
        try:
            services.save_document_requirements(stage, rows=rows, removed=removed)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("The requested documents have been saved."))
            return redirect("calls_manage:edit", stage.call_id)
    return render(request, "calls/manage/stage_documents.html",
                  {"stage": stage, "call": stage.call, "formset": formset, "error": error,
                   "locked": locked})
