"""Read-only representations of the API: flat fields read from select_related rows and
database annotations, so that no serializer runs a query of its own."""
from rest_framework import serializers

from calls.applications.models import Application, ApplicationStatus
from calls.applications.workflow import DECIDED
from calls.decisions.models import Decision
from calls.setup.models import Call, Stage
from projects.models import Project as FundedProject, Project as PriorityProject  # TODO(merge)


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


class FundedProjectSerializer(serializers.ModelSerializer):
    application_reference = serializers.CharField(source="application.reference")
    call_code = serializers.CharField(source="application.stage.call.code")
    axis = serializers.IntegerField(source="axis.number", allow_null=True, default=None)
    coordinator = PersonSerializer()

    class Meta:
        model = FundedProject
        fields = ["id", "application", "application_reference", "call_code", "acronym", "title",
                  "axis", "coordinator", "budget_eur", "created_at"]


class PriorityProjectSerializer(serializers.ModelSerializer):
    axis = serializers.IntegerField(source="axis.number")
    coordinator = PersonSerializer(allow_null=True)

    class Meta:
        model = PriorityProject
        fields = ["id", "axis", "position", "acronym", "title_fr", "title_en", "coordinator",
                  "budget_eur", "start_date", "end_date", "is_demo"]
