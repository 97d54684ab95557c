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
interest with are left out, as in the portal's pages and exports.
"""
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination

from calls.applications.models import ApplicationStatus
from calls.decisions.models import Decision
from calls.evaluation.conflicts import not_conflicted
from calls.evaluation.models import Assignment, Review, ReviewStatus
from calls.evaluation.selectors import visible_applications
from calls.setup.models import Call, Stage
from pepr.api import serializers
from pepr.api.permissions import ReadsDashboards
from projects.models import FundedProject, PriorityProject


class ByIdCursor(CursorPagination):
    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = 500


def _number(request, key):
    raw = request.query_params.get(key, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValidationError({key: _("A positive whole number (an id) is expected.")})
    return value


CALL = OpenApiParameter("call", OpenApiTypes.INT, description="Only this call (its id).")
STAGE = OpenApiParameter("stage", OpenApiTypes.INT, description="Only this stage (its id).")
STATUS = OpenApiParameter("status", OpenApiTypes.STR, enum=ApplicationStatus.values,
                          description="Only applications in this status.")


class StaffList(generics.ListAPIView):
    permission_classes = [ReadsDashboards]
    pagination_class = ByIdCursor

    def filter_by_stage(self, queryset, prefix=""):
        call, stage = _number(self.request, "call"), _number(self.request, "stage")
        if call is not None:
            queryset = queryset.filter(**{f"{prefix}stage__call_id": call})
        if stage is not None:
            queryset = queryset.filter(**{f"{prefix}stage_id": stage})
        return queryset


class CallList(StaffList):
    """Every call, published or not, with its stages and axes."""

    serializer_class = serializers.CallSerializer

    def get_queryset(self):
        return Call.objects.prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("number")), "axes")


@extend_schema(parameters=[CALL, STAGE, STATUS])
class ApplicationList(StaffList):
    """Letters of intent and full proposals, drafts included."""

    serializer_class = serializers.ApplicationSerializer

    def get_queryset(self):
        applications = self.filter_by_stage(visible_applications(self.request.user))
        status = self.request.query_params.get("status", "").strip()
        if status:
            if status not in ApplicationStatus.values:
                raise ValidationError({"status": _("One of: %(values)s.")
                                       % {"values": ", ".join(ApplicationStatus.values)}})
            applications = applications.filter(status=status)
        return applications.select_related("stage__call", "axis", "coordinator__organisation")


def _per_application(queryset, path, aggregate):
    """A correlated aggregate over `queryset` for the outer application: computed for the rows
    of the page only, never for the whole table."""
    return Subquery(queryset.filter(**{path: OuterRef("pk")}).order_by().values(path)
                    .annotate(value=aggregate).values("value"))


@extend_schema(parameters=[CALL, STAGE])
class ReviewSummaryList(StaffList):
    """Per application sent for evaluation (drafts left out): reviewers assigned, reviews
    submitted, mean and spread of the submitted reviews' mean scores."""

    serializer_class = serializers.ReviewSummarySerializer

    def get_queryset(self):
        submitted = Review.objects.filter(status=ReviewStatus.SUBMITTED)
        path = "assignment__application"
        decimal = DecimalField(max_digits=6, decimal_places=2)
        return (
            self.filter_by_stage(visible_applications(self.request.user))
            .exclude(status=ApplicationStatus.DRAFT)
            .select_related("stage__call")
            .annotate(
                reviews_assigned=Coalesce(
                    _per_application(Assignment.objects.all(), "application", Count("pk")),
                    Value(0), output_field=IntegerField()),
                reviews_submitted=Coalesce(
                    _per_application(submitted, path, Count("pk")), Value(0),
                    output_field=IntegerField()),
                mean=_per_application(submitted, path, Avg("mean_points", output_field=decimal)),
                spread=_per_application(submitted, path, Max("mean_points") - Min("mean_points")),
            )
        )


@extend_schema(parameters=[CALL, STAGE])
class DecisionList(StaffList):
    """Recorded decisions: stage outcomes and final funding decisions."""

    serializer_class = serializers.DecisionSerializer

    def get_queryset(self):
        return (
            self.filter_by_stage(Decision.objects.all(), prefix="application__")
            .filter(not_conflicted(self.request.user))
            .select_related("application__stage__call", "decided_by",
                            "agenda_item__session")
        )


@extend_schema(parameters=[CALL, STAGE])
class FundedProjectList(StaffList):
    """Funded applications followed as projects."""

    serializer_class = serializers.FundedProjectSerializer

    def get_queryset(self):
        return (
            self.filter_by_stage(FundedProject.objects.all(), prefix="application__")
            .filter(not_conflicted(self.request.user))
            .select_related("application__stage__call", "axis", "coordinator__organisation")
        )


class PriorityProjectList(StaffList):
    """The twelve priority projects (three slots per axis)."""

    serializer_class = serializers.PriorityProjectSerializer

    def get_queryset(self):
        return PriorityProject.objects.select_related("axis", "coordinator__organisation")


class Schema(SpectacularAPIView):
    """The OpenAPI 3 schema: JSON by default, YAML with ?format=yaml."""

    permission_classes = [ReadsDashboards]
    renderer_classes = [OpenApiJsonRenderer, OpenApiJsonRenderer2, OpenApiYamlRenderer,
                        OpenApiYamlRenderer2]
