"""Pages of the applicant journey; every write goes through calls.applications.services."""
from functools import wraps

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls.applications import selectors, workflow
from calls.applications import services as submission
from calls.applications.checklist import checklist
from calls.applications.forms import (
    ApplicationForm,
    DocumentsForm,
    InvitationForm,
    PartnerFormSet,
    StartForm,
    kept_partners,
    partner_initial,
)
from calls.applications.models import ApplicationStatus
from calls.applications.workflow import status_for_applicant

# The applicant's pages read outcomes (announced decisions, reviewers' comments) from decisions.
from calls.decisions import selectors as decision_selectors
from calls.setup.models import Stage
from pepr.core.views_common import error_message

FUNDED = ApplicationStatus.FUNDED

PENDING_KEY = "pending_post"


@login_required
def my_applications(request):
    page = Paginator(selectors.applications_of(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "calls/my_applications.html", {"page": page})


def login_required_keeping_post(view):
    """Like login_required, but a form posted after the session expired is kept in the new
    session and offered again after signing in, so no typed text is lost."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            data = {key: request.POST.getlist(key) for key in request.POST
                    if key != "csrfmiddlewaretoken"}
            request.session[PENDING_KEY] = {"path": request.path, "data": data}
        return redirect_to_login(request.path)

    return wrapper


def _pending_post(request):
    pending = request.session.get(PENDING_KEY)
    if pending and pending["path"] == request.path:
        del request.session[PENDING_KEY]
        from django.http import QueryDict

        restored = QueryDict(mutable=True)
        for key, values in pending["data"].items():
            restored.setlist(key, values)
        return restored
    return None


def _application_for(request, pk, perm):
    """404 for anyone without the permission, so that nobody can even detect another
    applicant's application."""
    application = selectors.application_detail(pk)
    # rules.has_perm, not user.has_perm: a superuser holds every Django permission, and the
    # rules must hold for superusers too (a superuser is not the application's coordinator).
    if application is None or not rules.has_perm("calls.view_application", request.user,
                                                  application):
        raise Http404
    if perm != "calls.view_application" and not rules.has_perm(perm, request.user, application):
        raise PermissionDenied
    return application


@login_required
def start_application(request, stage_pk):
    stage = get_object_or_404(Stage.objects.select_related("call"), pk=stage_pk,
                              call__published_at__isnull=False)
    letters = (submission.selected_letters_of(request.user, stage)
               if stage.requires_selected_letters else None)
    form = StartForm(request.POST or None, letters=letters)
    if request.method == "POST" and form.is_valid():
        try:
            application = submission.start_application(
                stage, by=request.user, grown_from=form.cleaned_data.get("grown_from") or ())
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_message(error))
        else:
            messages.success(request, _("Your draft is created. It is saved each time you "
                                        "press “Save draft”."))
            return redirect("calls:edit_application", application.pk)
    return render(request, "calls/application_start.html",
                  {"stage": stage, "call": stage.call, "form": form, "letters": letters})


def _detail_context(request, application, *, invitation_form=None):
    """Everything the application page shows; status, timeline and decision come from
    calls.decisions.selectors.status_context, so that its team never reads a decision before
    its letter is sent, whichever view renders the page."""
    user = request.user
    stage_open = application.stage.is_open()
    project = getattr(application, "project", None)
    context = {
        "application": application,
        "checklist": checklist(application),
        **decision_selectors.status_context(application, user),
        "invitation_form": invitation_form or InvitationForm(),
        "is_coordinator": application.coordinator_id == user.id,
        "show_checklist": workflow.allows("save", application),
        "can_edit_draft": stage_open and rules.has_perm("calls.edit_draft", user, application),
        "can_submit": stage_open and rules.has_perm("calls.offer_submit", user, application),
        "can_reopen": stage_open and rules.has_perm("calls.offer_reopen", user, application),
        "can_withdraw": rules.has_perm("calls.offer_withdraw", user, application),
    }
    # The project's report once the team may read that it is funded.
    context["project"] = project if project and (
        not context["applicant_side"] or status_for_applicant(application) == FUNDED) else None
    return context


@login_required_keeping_post
def application_detail(request, pk):
    application = _application_for(request, pk, "calls.view_application")
    if not request.user.has_perm("calls.see_identity", application):
        raise Http404
    return render(request, "calls/application_detail.html",
                  _detail_context(request, application))


@login_required_keeping_post
def edit_application(request, pk):
    application = _application_for(request, pk, "calls.change_application")
    stage = application.stage
    if not workflow.allows("save", application) or not stage.is_open():
        messages.warning(request, _("This application cannot be changed now."))
        return redirect("calls:application", application.pk)
    data = request.POST if request.method == "POST" else _pending_post(request)
    if data is not None and request.method == "GET":
        messages.info(request, _("We restored what you typed before your session expired. "
                                 "Check it and save the draft."))
    requirements = list(stage.document_requirements.all())
    form = ApplicationForm(data, instance=application, stage=stage)
    partners = PartnerFormSet(data, initial=partner_initial(application), prefix="partners")
    documents = DocumentsForm(data, request.FILES or None, requirements=requirements)
    if request.method == "POST" and form.is_valid() and partners.is_valid():
        try:
            submission.save_draft(application, by=request.user, data=form.cleaned_data,
                                  partners=kept_partners(partners))
        except ValidationError as error:
            messages.error(request, error_message(error))
            return redirect("calls:application", application.pk)
        upload_failed = _store_uploads(request, application, documents)
        if not upload_failed:
            messages.success(request, _("Draft saved."))
            return redirect("calls:edit_application" if "stay" in request.POST
                            else "calls:application", application.pk)
        messages.warning(request, _("Draft saved, but a document was refused: see below."))
    elif request.method == "POST":
        messages.error(request, _("Nothing was saved: please correct the errors below."))
    return render(request, "calls/application_edit.html", {
        "application": application, "form": form, "partners": partners,
        "documents_form": documents, "uploaded": {d.requirement_id: d
                                                   for d in application.documents.all()},
    })


def _store_uploads(request, application, documents_form):
    failed = False
    for name, requirement in documents_form.requirements.items():
        uploaded = request.FILES.get(name)
        if not uploaded:
            continue
        try:
            submission.upload_document(application, requirement, uploaded, by=request.user)
        except ValidationError as error:
            documents_form.add_error(name, error)
            failed = True
    return failed


@require_POST
@login_required
def submit_application(request, pk):
    application = _application_for(request, pk, "calls.submit_application")
    try:
        application, submitted_now = submission.submit(application, by=request.user)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        if submitted_now:
            messages.success(request, _("Your application is submitted (version %(version)d). "
                                        "A receipt is on its way by e-mail.")
                             % {"version": application.version})
        else:
            messages.info(request, _("This application was already submitted."))
    return redirect("calls:application", application.pk)


def _confirmed_action(request, pk, perm, action, template, done_message):
    application = _application_for(request, pk, perm)
    if request.method == "POST":
        try:
            action(application, by=request.user)
        except ValidationError as error:
            messages.error(request, error_message(error))
        else:
            messages.success(request, done_message)
        return redirect("calls:application", application.pk)
    return render(request, template, {"application": application})


@login_required
def reopen_application(request, pk):
    return _confirmed_action(request, pk, "calls.reopen_application", submission.reopen,
                             "calls/application_reopen.html",
                             _("The application is a draft again. Submit it before the deadline."))


@login_required
def withdraw_application(request, pk):
    return _confirmed_action(request, pk, "calls.withdraw_application", submission.withdraw,
                             "calls/application_withdraw.html",
                             _("The application is withdrawn."))


@login_required
def download_document(request, pk, document_pk):
    application = _application_for(request, pk, "calls.view_application")
    document = get_object_or_404(application.documents, pk=document_pk)
    # The original file name often names the team: not for a reviewer it is hidden from.
    name = (document.original_name if request.user.has_perm("calls.see_identity", application)
            else f"{application.reference}-{document.requirement_id}.pdf")
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name,
                        content_type="application/pdf")


@require_POST
@login_required
def invite_partner(request, pk):
    application = _application_for(request, pk, "calls.invite_to_application")
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            submission.invite(application, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_message(error))
        else:
            messages.success(request, _("Invitation sent to %(email)s.")
                             % {"email": form.cleaned_data["email"]})
        return redirect("calls:application", application.pk)
    return render(request, "calls/application_detail.html",
                  _detail_context(request, application, invitation_form=form))


@login_required
def accept_invitation(request, token):
    try:
        invitation = submission.accept_invitation(token, user=request.user)
    except PermissionDenied as error:
        messages.error(request, error_message(error))
        return redirect("calls:my_applications")
    messages.success(request, _("You now have access to this application."))
    return redirect("calls:application", invitation.application_id)
