"""The one definition of what a project has committed and spent, as SQL expressions on Project
rows, for the dashboards, the exports, the API and the project page alike.

- committed: the project's budget once it runs (0 while it is being prepared);
- spent: the budget lines of its accepted reports (a submitted report's figures may still
  change), and for the governance project the spending of its actions.
Correlated subqueries: read them for a page's rows only."""
from django.db.models import BigIntegerField, Case, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from projects.follow_up.models import GovernanceAction, ProjectOrigin, ProjectStatus
from projects.reports.models import ProjectReportStatus, ReportBudgetLine

COMMITTED = ~Q(status=ProjectStatus.PREPARING)
ACCEPTED_LINES = Q(report__status=ProjectReportStatus.ACCEPTED)


def committed_eur():
    return Case(When(COMMITTED, then="budget_eur"), default=Value(0),
                output_field=BigIntegerField())


def _total(rows, path):
    return Coalesce(Subquery(rows.order_by().values(path).annotate(total=Sum("spent_eur"))
                             .values("total")), 0)


def spent_eur():
    lines = ReportBudgetLine.objects.filter(ACCEPTED_LINES, report__project=OuterRef("pk"))
    actions = GovernanceAction.objects.filter(
        work_package__project=OuterRef("pk"),
        work_package__project__origin=ProjectOrigin.GOVERNANCE)
    return _total(lines, "report__project") + _total(actions, "work_package__project")


def partner_spent_eur():
    """On ProjectPartner rows: what the partner team spent in accepted reports."""
    return _total(ReportBudgetLine.objects.filter(ACCEPTED_LINES, partner=OuterRef("pk")),
                  "partner")
