"""The read-only API for ANR's systems: calls, applications, review summaries, decisions and
projects, as JSON pages described by the OpenAPI schema at /api/schema/.

Access: a token in the header `Authorization: Token <key>` (or a signed-in session). An
administrator creates a user's token in the Django admin, under "Auth Token › Tokens" (Add token,
choose the user); deleting it revokes access at once. Only programme staff who read the
dashboards (pilots, ANR officers, superusers) are let in: any other valid token gets 403, no
token 401.

Every list is paged by cursor (`next` and `previous` links, 100 rows a page, `?page_size=` up to
500), ordered by id so that a client can resume where it stopped, and runs a fixed number of
queries per page whatever the size of the table. Applications the reader has a conflict of
interest with are left out, as in the portal's pages and exports, and so are the projects that
came from them. `/api/projects/<id>/` gives one project as the list does.

Filters (`?call=`, `?stage=`, and `?status=` on applications) are the django-filter FilterSets
the exports use too (calls.setup.filters, calls.applications.filters); the projects add
`?origin=` and `?status=` (pepr.api.filters). An invalid value gets a 400 whose JSON names the
parameter and says what is expected.
"""
from django.db.models import Prefetch
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics
from rest_framework.pagination import CursorPagination

from calls.applications.filters import ApplicationFilter, ApplicationRowsFilter
from calls.applications.models import Application
from calls.applications.workflow import IN_COMPETITION
from calls.decisions.models import Decision
from calls.evaluation.conflicts import not_conflicted
from calls.evaluation.selectors import visible_applications, with_review_aggregates
from calls.setup.filters import CallStageFilter
from calls.setup.models import Call, Stage
from pepr.api import serializers
from pepr.api.filters import ProjectRowsFilter
from pepr.api.permissions import ReadsDashboards
from projects.follow_up.budget import committed_eur, partner_spent_eur, spent_eur
from projects.models import (
    Deliverable,
    DeliverableKind,
    Project,
    ProjectPartner,
    ProjectReport,
    WorkPackage,
)


class ByIdCursor(CursorPagination):
    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = 500


class StaffList(generics.ListAPIView):
    """A list for programme staff, paged by cursor; its `filterset_class` (django-filter, through
    the DjangoFilterBackend of the settings) filters it, documents its parameters in the schema,
    and answers an invalid value with a 400 naming the parameter. The class's empty `queryset`
    only names the model for the schema, generated offline without a reader (`manage.py
    spectacular`); `get_queryset` gives the reader's rows."""

    permission_classes = [ReadsDashboards]
    pagination_class = ByIdCursor


class CallList(StaffList):
    """Every call, published or not, with its stages and axes."""

    serializer_class = serializers.CallSerializer

    def get_queryset(self):
        return Call.objects.prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("number")), "axes")


class ApplicationList(StaffList):
    """Letters of intent and full proposals, drafts included."""

    queryset = Application.objects.none()
    serializer_class = serializers.ApplicationSerializer
    filterset_class = ApplicationFilter

    def get_queryset(self):
        return visible_applications(self.request.user).select_related(
            "stage__call", "axis", "coordinator__organisation")


class ReviewSummaryList(StaffList):
    """Per application in competition (sent and not withdrawn): reviewers assigned, reviews
    submitted, mean and spread of the submitted reviews' mean scores."""

    queryset = Application.objects.none()
    serializer_class = serializers.ReviewSummarySerializer
    filterset_class = CallStageFilter

    def get_queryset(self):
        applications = (visible_applications(self.request.user)
                        .filter(status__in=IN_COMPETITION).select_related("stage__call"))
        # Correlated: the aggregates are computed for the page's rows only.
        return with_review_aggregates(applications, correlated=True)


class DecisionList(StaffList):
    """Recorded decisions: stage outcomes and final funding decisions."""

    queryset = Decision.objects.none()
    serializer_class = serializers.DecisionSerializer
    filterset_class = ApplicationRowsFilter

    def get_queryset(self):
        return (
            Decision.objects.filter(not_conflicted(self.request.user))
            .select_related("application__stage__call", "decided_by",
                            "agenda_item__session")
        )


def _items(kind, to_attr):
    return Prefetch("deliverables", to_attr=to_attr, queryset=Deliverable.objects.filter(
        kind=kind).select_related("work_package").order_by("due_date", "code", "pk"))


def projects_for(user):
    """Projects of every origin, without those of the applications `user` is conflicted with,
    with their budget figures, late items and their lists (one query each, for a page's
    projects only)."""
    return (
        Project.objects.filter(not_conflicted(user)).with_late_items()
        .annotate(committed_eur=committed_eur(), spent_eur=spent_eur())
        .select_related("axis", "application__stage__call", "coordinator__organisation")
        .prefetch_related(
            Prefetch("partners", queryset=ProjectPartner.objects.select_related("organisation")
                     .annotate(spent_eur=partner_spent_eur()).order_by("position", "pk")),
            Prefetch("work_packages", queryset=WorkPackage.objects.select_related(
                "lead__organisation").order_by("number")),
            _items(DeliverableKind.MILESTONE, "milestone_list"),
            _items(DeliverableKind.DELIVERABLE, "deliverable_list"),
            Prefetch("reports", queryset=ProjectReport.objects.order_by("due_at", "pk")))
    )


class ProjectList(StaffList):
    """Followed projects of every origin (priority, AMI, AAP, governance), each with its
    partners, budget, work packages, milestones, deliverables and the states of its reports."""

    queryset = Project.objects.none()
    serializer_class = serializers.ProjectSerializer
    filterset_class = ProjectRowsFilter

    def get_queryset(self):
        return projects_for(self.request.user)


class ProjectDetail(generics.RetrieveAPIView):
    """One project, as in the list; 404 for a project of an application the reader is
    conflicted with."""

    queryset = Project.objects.none()
    permission_classes = [ReadsDashboards]
    serializer_class = serializers.ProjectSerializer

    def get_queryset(self):
        return projects_for(self.request.user)


class Schema(SpectacularAPIView):
    """The OpenAPI 3 schema: JSON by default, YAML with ?format=yaml."""

    permission_classes = [ReadsDashboards]
    renderer_classes = [OpenApiJsonRenderer, OpenApiJsonRenderer2, OpenApiYamlRenderer,
                        OpenApiYamlRenderer2]
