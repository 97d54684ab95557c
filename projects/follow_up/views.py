"""Pages of followed projects: the list, a coordinator's projects, one project's page, the
evidence of deliverables, co-editors, and a funded application handed over to follow-up."""
import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls.decisions import selectors as decision_selectors
from calls.evaluation.views.access import unconflicted_or_404
from pepr.core.views_common import error_message, requires_any
from projects.follow_up import selectors
from projects.follow_up import services as project_services
from projects.follow_up.filters import ProjectFilter
from projects.follow_up.forms import DeliverForm, InviteEditorForm
from projects.follow_up.models import Deliverable
from projects.reports import workflow as report_workflow
from projects.reports.forms import ScheduleReportForm

PER_PAGE = 50


def visible_project_or_404(pk, user, loader=None):
    """The project if `user` may read it; a 404 otherwise, so that an id reveals nothing."""
    project = (loader or selectors.project_page)(pk)
    if project is None or not rules.has_perm("projects.view_project", user, project):
        raise Http404
    return project


@login_required
def project_list(request):
    if not rules.has_perm("projects.list_projects", request.user):
        raise PermissionDenied
    filters = ProjectFilter(request.GET, queryset=selectors.projects_for_list(request.user))
    # A bad value is shown on its field, with no rows, rather than silently ignored.
    rows = filters.qs if filters.is_valid() else filters.queryset.none()
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "projects/list.html", {
        "filters": filters, "page": page, "query": query.urlencode()})


@login_required
def my_projects(request):
    page = Paginator(selectors.my_projects(request.user), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "projects/mine.html", {"page": page})


@login_required
def project_detail(request, pk):
    project = visible_project_or_404(pk, request.user)
    user = request.user
    reports = list(project.reports.all())
    for report in reports:
        report.late = report_workflow.is_late(report)
        report.readable = rules.has_perm("projects.view_report_content", user, report)
    return render(request, "projects/detail.html", {
        "project": project, "reports": reports,
        "partners": project.partners.all(), "work_packages": project.work_packages.all(),
        "deliverables": project.deliverables.all(), "editors": project.editors.all(),
        "budget": selectors.budget_totals(project),
        "history": selectors.history(project),
        "may": {
            "list": rules.has_perm("projects.list_projects", user),
            "edit": rules.has_perm("projects.edit_deliverable", user, project),
            "accept": rules.has_perm("projects.accept_deliverable", user, project),
            "invite": rules.has_perm("projects.invite_editor", user, project),
            "schedule": rules.has_perm("projects.schedule_report", user, project),
        },
        "invite_form": InviteEditorForm(), "schedule_form": ScheduleReportForm(),
    })


def _deliverable_or_404(pk, user):
    deliverable = get_object_or_404(Deliverable.objects.select_related("project"), pk=pk)
    if not rules.has_perm("projects.view_project", user, deliverable.project):
        raise Http404
    return deliverable


@login_required
def deliver(request, pk):
    deliverable = _deliverable_or_404(pk, request.user)
    if not rules.has_perm("projects.edit_deliverable", request.user, deliverable):
        raise PermissionDenied
    # Bound on every POST, even an empty one, so that a form sent without a file gets its error.
    form = (DeliverForm(request.POST, request.FILES) if request.method == "POST"
            else DeliverForm())
    if request.method == "POST" and form.is_valid():
        try:
            project_services.deliver(deliverable, by=request.user,
                                     evidence=form.cleaned_data["evidence"] or None,
                                     inspected=form.fields["evidence"].inspected)
        except ValidationError as error:
            form.add_error(None, error)  # a dict of errors lands on its fields
        else:
            messages.success(request, _("%(code)s is recorded as delivered.")
                             % {"code": deliverable.code})
            return redirect("projects:detail", deliverable.project_id)
    return render(request, "projects/deliver.html", {
        "deliverable": deliverable, "project": deliverable.project, "form": form})


@login_required
def evidence(request, pk):
    deliverable = _deliverable_or_404(pk, request.user)
    if not deliverable.evidence:
        raise Http404
    return FileResponse(deliverable.evidence.open("rb"), content_type="application/pdf",
                        filename=deliverable.evidence_name or f"{deliverable.code}.pdf")


@login_required
@require_POST
def accept_deliverable(request, pk):
    deliverable = _deliverable_or_404(pk, request.user)
    try:
        project_services.accept_deliverable(deliverable, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("%(code)s is accepted.") % {"code": deliverable.code})
    return redirect("projects:detail", deliverable.project_id)


@login_required
@require_POST
def invite_editor(request, pk):
    project = visible_project_or_404(pk, request.user)
    form = InviteEditorForm(request.POST)
    if form.is_valid():
        try:
            editor = project_services.invite_editor(project, email=form.cleaned_data["email"],
                                                    by=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_message(error))
        else:
            messages.success(request, _("An invitation was sent to %(email)s.")
                             % {"email": editor.email})
    else:
        messages.error(request, " ".join(form.errors["email"]))
    return redirect("projects:detail", project.pk)


@login_required
def accept_invitation(request, token):
    try:
        editor = project_services.accept_invitation(token, user=request.user)
    except PermissionDenied as error:
        messages.error(request, error_message(error))
        return redirect("projects:mine")
    messages.success(request, _("You now co-edit the project %(acronym)s.")
                     % {"acronym": editor.project.acronym})
    return redirect("projects:detail", editor.project_id)


@requires_any("projects.create_from_application")
@require_POST
def create_project(request, pk):
    application = unconflicted_or_404(decision_selectors.decision_page_application(pk),
                                      request.user)
    try:
        project = project_services.create_from_application(application, by=request.user)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("The project %(acronym)s is created and is now followed in "
                                    "the programme.") % {"acronym": project.acronym})
    return redirect("decisions:decide", application.pk)
