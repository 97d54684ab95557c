"""Read-only representations of the API: flat fields read from select_related rows, database
annotations and prefetched lists, so that no serializer runs a query of its own."""
from rest_framework import serializers

from calls.applications.models import Application, ApplicationStatus
from calls.applications.workflow import DECIDED
from calls.decisions.models import Decision
from calls.setup.models import Call, Stage
from projects.models import (
    Deliverable,
    Project,
    ProjectPartner,
    ProjectReport,
    WorkPackage,
)


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()
    organisation = serializers.CharField(source="organisation.name", allow_null=True,
                                         default=None)


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", "number", "kind", "opens_at", "closes_at", "review_due_at",
                  "reviews_per_application", "review_scale"]


class CallSerializer(serializers.ModelSerializer):
    stages = StageSerializer(many=True, read_only=True)
    axes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")

    class Meta:
        model = Call
        fields = ["id", "code", "kind", "title_fr", "title_en", "budget_envelope_eur",
                  "published_at", "axes", "stages", "is_demo"]


class ApplicationSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="stage.call_id")
    call_code = serializers.CharField(source="stage.call.code")
    stage_number = serializers.IntegerField(source="stage.number")
    stage_kind = serializers.CharField(source="stage.kind")
    axis = serializers.IntegerField(source="axis.number", allow_null=True, default=None)
    coordinator = PersonSerializer()

    class Meta:
        model = Application
        fields = ["id", "reference", "call", "call_code", "stage", "stage_number", "stage_kind",
                  "status", "title", "acronym", "axis", "coordinator", "requested_budget_eur",
                  "submitted_at", "version", "updated_at", "is_demo"]


class ReviewSummarySerializer(serializers.ModelSerializer):
    call_code = serializers.CharField(source="stage.call.code")
    stage_number = serializers.IntegerField(source="stage.number")
    # The names of calls.evaluation.selectors.review_aggregates, under the API's own names.
    reviews_assigned = serializers.IntegerField(
        source="assigned", help_text="Reviewers assigned to the application.")
    reviews_submitted = serializers.IntegerField(source="done", help_text="Reviews submitted.")
    mean = serializers.DecimalField(
        max_digits=4, decimal_places=2, allow_null=True,
        help_text="Mean of the submitted reviews' mean scores (A=3, B=2, C=1, or 0 to 5).")
    spread = serializers.DecimalField(
        max_digits=4, decimal_places=2, allow_null=True,
        help_text="Highest minus lowest mean score of the submitted reviews.")

    class Meta:
        model = Application
        fields = ["id", "reference", "call_code", "stage", "stage_number", "status",
                  "reviews_assigned", "reviews_submitted", "mean", "spread"]


class DecisionSerializer(serializers.ModelSerializer):
    # Only the statuses a decision leads to: its own enum in the schema, not the status one.
    outcome = serializers.ChoiceField(
        choices=[(value, label) for value, label in ApplicationStatus.choices
                 if value in DECIDED])
    application_reference = serializers.CharField(source="application.reference")
    call_code = serializers.CharField(source="application.stage.call.code")
    decided_by = serializers.CharField(source="decided_by.get_full_name")
    session = serializers.CharField(source="agenda_item.session.title", allow_null=True,
                                    default=None)

    class Meta:
        model = Decision
        fields = ["id", "application", "application_reference", "call_code", "outcome",
                  "rationale", "decided_by", "decided_at", "session"]


class ProjectPartnerSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", allow_null=True,
                                         default=None)
    spent_eur = serializers.IntegerField(
        help_text="Spent by this partner in the accepted reports' budget lines.")

    class Meta:
        model = ProjectPartner
        fields = ["position", "laboratory", "rnsr", "organisation", "lead_name", "lead_email",
                  "role", "budget_eur", "spent_eur"]


class WorkPackageSerializer(serializers.ModelSerializer):
    lead = PersonSerializer(allow_null=True)

    class Meta:
        model = WorkPackage
        fields = ["number", "title_fr", "title_en", "lead", "budget_eur"]


class DeliverableSerializer(serializers.ModelSerializer):
    work_package = serializers.IntegerField(source="work_package.number", allow_null=True,
                                            default=None, help_text="Its work package's number.")
    late = serializers.BooleanField(
        source="is_late", help_text="Planned and past its due date (Paris time).")

    class Meta:
        model = Deliverable
        fields = ["id", "work_package", "kind", "code", "title", "due_date", "status", "late",
                  "delivered_at", "accepted_at"]


class ReportStateSerializer(serializers.ModelSerializer):
    """Where a report stands, never what it says: its content is the coordinator's until sent."""

    class Meta:
        model = ProjectReport
        fields = ["id", "kind", "year", "status", "due_at", "submitted_at"]


class ProjectBudgetSerializer(serializers.Serializer):
    allocated = serializers.IntegerField(source="budget_eur", allow_null=True,
                                         help_text="The project's budget (€).")
    committed = serializers.IntegerField(
        source="committed_eur", help_text="The budget once the project runs (0 while prepared).")
    spent = serializers.IntegerField(
        source="spent_eur", help_text="Spent in the accepted reports' budget lines, and by the "
                                      "governance's actions for the governance project.")


class ProjectSerializer(serializers.ModelSerializer):
    reference = serializers.SerializerMethodField(
        help_text="The application's reference (AMI, AAP), P<axis>.<position> (priority "
                  "project) or the acronym (governance).")
    axis = serializers.IntegerField(source="axis.number", allow_null=True, default=None)
    application_reference = serializers.CharField(source="application.reference",
                                                  allow_null=True, default=None)
    call_code = serializers.CharField(source="application.stage.call.code", allow_null=True,
                                      default=None)
    coordinator = PersonSerializer(allow_null=True)
    budget = ProjectBudgetSerializer(source="*")
    end_date = serializers.DateField(allow_null=True, help_text="Start date plus duration.")
    late_items = serializers.IntegerField(help_text="Milestones and deliverables late.")
    partners = ProjectPartnerSerializer(many=True)
    work_packages = WorkPackageSerializer(many=True)
    milestones = DeliverableSerializer(many=True, source="milestone_list")
    deliverables = DeliverableSerializer(many=True, source="deliverable_list")
    reports = ReportStateSerializer(many=True)

    class Meta:
        model = Project
        fields = ["id", "origin", "reference", "acronym", "title_fr", "title_en", "axis",
                  "position", "status", "application", "application_reference", "call_code",
                  "coordinator", "budget", "start_date", "duration_months", "end_date",
                  "anr_reference", "late_items", "is_demo", "partners", "work_packages",
                  "milestones", "deliverables", "reports"]

    def get_reference(self, project) -> str:
        return project.reference
