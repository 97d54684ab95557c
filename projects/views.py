"""Pages of followed projects: a funded application becomes a project."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls.decisions import selectors
from calls.evaluation.views.access import unconflicted_or_404
from pepr.core.views_common import error_message, requires_any
from projects.follow_up import services as project_services

decider_required = requires_any("projects.create_from_application")


@decider_required
@require_POST
def create_project(request, pk):
    application = unconflicted_or_404(selectors.decision_page_application(pk), request.user)
    try:
        project = project_services.create_from_application(application, by=request.user)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("The project %(acronym)s is created and is now followed in "
                                    "the programme.") % {"acronym": project.acronym})
    return redirect("decisions:decide", application.pk)
