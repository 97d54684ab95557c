"""The CSV and XLSX exports: one row generator per export, read from the database in chunks, and
the two writers that turn the same rows into files with formulas neutralised.

Decisions, so that whoever opens a file knows what is in it:
- Every row generator is one query (the reviews export adds one for the criterion positions):
  `.values_list()` read with `.iterator(chunk_size=CHUNK)`, never a model instance or a query per
  row, so memory and query count stay flat whatever the number of rows.
- Files leave out every application the reader has a conflict of interest with, declared or
  detected (same organisation or laboratory, partner lead, invitee, coordinator), as the portal's
  pages do: `calls.evaluation.conflicts.conflicted_with` is the SQL twin of
  `is_conflicted`, one NOT EXISTS inside the same statement rather than a check
  per row. Laboratory names are compared lower-cased with whitespace collapsed, as in Python.
- Headers are translated into the reader's language; cells hold the stable codes of statuses,
  roles, outcomes and results (the same codes as the API), so that pivot tables do not break when
  a French and an English reader exchange files.
- Reviews are exported wide: one row per reviewer assignment (a review not started yet has an
  empty status and mean), then one column per criterion position ("Criterion 1", "Criterion
  2"…) holding the score as given (A/B/C, or 0–5 as a number); positions are those of the
  stages exported.
- Votes are exported as tallies per agenda item, never as individual ballots.
- Filters: each export names the django-filter FilterSet of its rows, the one the API uses for
  the same rows (calls.applications.filters); the view validates the query with it before any
  row is read, and the row generator filters with the bound FilterSet it is given.
- CSV: comma-separated, UTF-8 with a byte-order mark (so that Excel reads the accents),
  CRLF line ends, dates and times in Paris time as "YYYY-MM-DD HH:MM:SS".
- XLSX: written by openpyxl in write-only mode into a temporary file (memory stays flat), numbers
  as numbers, dates as Excel dates in Paris time.
- Any text cell starting with "=", "+", "-", "@", a tab or a carriage return gets a leading
  apostrophe (OWASP "CSV injection"), in both formats; numbers are never changed.
"""
import csv
import tempfile
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from calls.applications.filters import ApplicationFilter, ApplicationRowsFilter
from calls.applications.models import Application, Partner
from calls.decisions.models import Decision
from calls.evaluation.conflicts import conflicted_with, not_conflicted
from calls.evaluation.models import Assignment, Score
from calls.setup.filters import CallStageFilter
from calls.setup.models import Criterion
from governance.models import AgendaItem
from pepr.exports.project_tables import DeliverableRowsFilter, deliverable_rows, project_rows

CHUNK = 2000
CSV_ROWS_PER_CHUNK = 200
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- Cells ---

def neutralise(text):
    """A text that a spreadsheet would run as a formula, made inert by a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _paris(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if timezone.is_aware(moment) \
        else moment


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _paris(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # int and Decimal: numbers stay numbers


def xlsx_cell(value):
    if isinstance(value, str):
        # openpyxl refuses control characters; strip them before looking at the first one.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)) or None
    if isinstance(value, datetime):
        return _paris(value)  # Excel has no time zones
    return value  # None, bool, int, Decimal, date


# --- Writers ---

class _Echo:
    """csv.writer writes into this and gets the formatted line back."""

    def write(self, value):
        return value


def csv_stream(header, rows):
    """The file as a generator of UTF-8 chunks for a StreamingHttpResponse."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" + writer.writerow([csv_cell(str(c)) for c in header])).encode()
    lines = []
    for row in rows:
        lines.append(writer.writerow([csv_cell(value) for value in row]))
        if len(lines) >= CSV_ROWS_PER_CHUNK:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def xlsx_file(header, rows, sheet_title):
    """The workbook in an anonymous temporary file, rewound; deleted when closed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([xlsx_cell(str(c)) for c in header])
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])
    # Not a `with`: the FileResponse closes the file once sent, which deletes it.
    output = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(output)
    output.seek(0)
    return output


# --- Filters and scope ---

def applications_for(user, filters):
    """The applications `user` may export: those the ApplicationFilter `filters` keeps, without
    the ones they are conflicted with."""
    return filters.filter_queryset(Application.objects.exclude(conflicted_with(user)))


def _of_visible_applications(queryset, user, filters):
    """Rows hanging off an application, filtered by the call and stage of their application
    (`filters` is an ApplicationRowsFilter), without those of the applications `user` is
    conflicted with."""
    return filters.filter_queryset(queryset.filter(not_conflicted(user)))


def _name(first, last):
    return f"{first or ''} {last or ''}".strip() or None


def _rows(queryset, fields):
    return queryset.values_list(*fields).iterator(chunk_size=CHUNK)


# --- The exports ---

def application_rows(user, filters):
    header = [_("Reference"), _("Call"), _("Stage"), _("Stage kind"), _("Status"), _("Title"),
              _("Acronym"), _("Axis"), _("Coordinator"), _("Coordinator e-mail"),
              _("Coordinator organisation"), _("Requested budget (€)"), _("Submitted at"),
              _("Submitted versions"), _("Demo data")]
    fields = ("reference", "stage__call__code", "stage__number", "stage__kind", "status", "title",
              "acronym", "axis__number", "coordinator__first_name", "coordinator__last_name",
              "coordinator__email", "coordinator__organisation__name", "requested_budget_eur",
              "submitted_at", "version", "is_demo")
    queryset = applications_for(user, filters).order_by("reference")

    def rows():
        for (reference, call, stage, kind, status, title, acronym, axis, first, last, email,
             organisation, budget, submitted_at, version, demo) in _rows(queryset, fields):
            yield (reference, call, stage, kind, status, title, acronym, axis, _name(first, last),
                   email, organisation, budget, submitted_at, version, demo)

    return header, rows()


def partner_rows(user, filters):
    header = [_("Application"), _("Call"), _("Stage"), _("Position"), _("Organisation"),
              _("Laboratory"), _("RNSR unit id"), _("Lead name"), _("Lead e-mail"), _("Role")]
    fields = ("application__reference", "application__stage__call__code",
              "application__stage__number", "position", "organisation__name", "laboratory",
              "rnsr", "lead_name", "lead_email", "role")
    queryset = _of_visible_applications(Partner.objects.all(), user, filters).order_by(
        "application__reference", "position", "pk")
    return header, _rows(queryset, fields)


def _criterion_positions(filters):
    criteria = CallStageFilter(filters.data, queryset=Criterion.objects.all()).qs
    return list(criteria.order_by("position").values_list("position", flat=True).distinct())


def _score(value):
    return int(value) if value and value.isdigit() else value


def review_rows(user, filters):
    positions = _criterion_positions(filters)
    header = [_("Application"), _("Call"), _("Stage"), _("Reviewer"), _("Reviewer e-mail"),
              _("Role"), _("Review status"), _("Recommendation"), _("Mean score"),
              _("Submitted at"),
              *[_("Criterion %(position)s") % {"position": position} for position in positions]]
    scores = {
        f"criterion_{position}": Subquery(
            Score.objects.filter(review_id=OuterRef("review__id"), criterion__position=position)
            .values("value")[:1])
        for position in positions
    }
    fields = ("application__reference", "application__stage__call__code",
              "application__stage__number", "reviewer__first_name", "reviewer__last_name",
              "reviewer__email", "role", "review__status", "review__recommendation",
              "review__mean_points", "review__submitted_at", *scores)
    queryset = (_of_visible_applications(Assignment.objects.all(), user, filters)
                .annotate(**scores).order_by("application__reference", "pk"))

    def rows():
        for (reference, call, stage, first, last, email, role, status, recommendation, mean,
             submitted_at, *values) in _rows(queryset, fields):
            yield (reference, call, stage, _name(first, last), email, role, status,
                   recommendation, mean, submitted_at, *[_score(v) for v in values])

    return header, rows()


def vote_rows(user, filters):
    header = [_("Session"), _("Session date"), _("Committee"), _("Application"), _("Call"),
              _("Motion"), _("Ballot"), _("Eligible voters"), _("For"), _("Against"),
              _("Abstentions"), _("Result"), _("Closed at")]
    fields = ("session__title", "session__held_at", "session__committee__code",
              "application__reference", "application__stage__call__code", "motion",
              "ballot_status", "eligible", "votes_for", "votes_against", "abstentions", "result",
              "closed_at")
    queryset = _of_visible_applications(AgendaItem.objects.all(), user, filters).order_by(
        "session__held_at", "session_id", "position", "pk")
    return header, _rows(queryset, fields)


def decision_rows(user, filters):
    header = [_("Application"), _("Call"), _("Stage"), _("Outcome"), _("Decided by"),
              _("Decided at"), _("Session"), _("Rationale")]
    fields = ("application__reference", "application__stage__call__code",
              "application__stage__number", "outcome", "decided_by__first_name",
              "decided_by__last_name", "decided_at", "agenda_item__session__title", "rationale")
    queryset = _of_visible_applications(Decision.objects.all(), user, filters).order_by(
        "application__reference", "decided_at", "pk")

    def rows():
        for (reference, call, stage, outcome, first, last, decided_at, session,
             rationale) in _rows(queryset, fields):
            yield (reference, call, stage, outcome, _name(first, last), decided_at, session,
                   rationale)

    return header, rows()


@dataclass(frozen=True)
class Export:
    name: str
    title: str
    description: str
    rows: object  # (user, bound and valid FilterSet) -> (header, row iterator)
    filterset: type = ApplicationRowsFilter  # the FilterSet of its rows, shared with the API

    def filters(self, query):
        """The export's FilterSet bound to the query; ask `.is_valid()` before `build`."""
        return self.filterset(query)

    def build(self, user, filters):
        """The header, translated now in the reader's language, and the rows, read lazily."""
        header, rows = self.rows(user, filters)
        return [str(label) for label in header], rows


EXPORTS = {export.name: export for export in [
    Export("applications", _("Applications"),
           _("One row per letter of intent or full proposal: status, coordinator, budget."),
           application_rows, ApplicationFilter),
    Export("partners", _("Partners"),
           _("One row per partner team of an application."), partner_rows),
    Export("reviews", _("Reviews and scores"),
           _("One row per reviewer assignment with the review's status, recommendation, mean "
             "and one column per criterion."), review_rows),
    Export("votes", _("Votes"),
           _("One row per application on a committee session's agenda, with the tally of its "
             "ballot."), vote_rows),
    Export("decisions", _("Decisions"),
           _("One row per recorded decision: outcome, who decided and when."), decision_rows),
    Export("projects", _("Projects"),
           _("One row per project of every origin: priority, AMI, AAP, governance (only the "
             "projects of the chosen call or stage when one is chosen)."), project_rows),
    # A hyphen, not an underscore: the download URL's name is made of letters and hyphens.
    Export("project-deliverables", _("Milestones and deliverables"),
           _("One row per milestone or deliverable of a project, late ones marked \"late\"."),
           deliverable_rows, DeliverableRowsFilter),
]}
