"""Bad input gets a clear, translated message on its field and keeps what was typed, never a 500
nor a database constraint's name: the call form's dates and numbers, an application's budget,
the requested documents' limits; and PDFs that run JavaScript or carry files are refused."""
import html as html_module
import re
from datetime import timedelta

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from calls.applications import services as submission
from calls.applications.documents import inspect_pdf
from calls.applications.models import Application
from calls.setup.models import Call, DocumentRequirement, Stage, StageKind
from projects.follow_up.forms import EVIDENCE_LIMITS
from tests.calls.test_manage import _ami_post, _stage
from tests.factories import make_call
from tests.pdfs import (
    embedded_file_pdf_bytes,
    hidden_javascript_pdf_bytes,
    open_action_javascript_pdf_bytes,
    pdf_bytes,
    pdf_bytes_with,
    upload_of,
)
from tests.projects.factories import running_project

DAY = timedelta(days=1)
YEARS = "Enter a date between the years 2000 and 2100."
AT_LEAST_1 = "Ensure this value is greater than or equal to 1."  # one message, not also "…0"


def _in_english(client, user):
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


def _field_error(page, name):
    """The text of the error shown under the field `name`, or None."""
    found = re.search(rf'id="id_{re.escape(name)}_error"[^>]*>(.*?)</(?:div|p|span)>', page, re.DOTALL)
    if not found:
        return None
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def _text(response):
    return response.content.decode()


# --- The call form ----------------------------------------------------------------------------

@pytest.mark.parametrize("opens, closes, field", [
    ("0001-01-01T00:00", "2030-04-02T17:00", "opens_at"),   # was a 500 (year 0 in UTC)
    ("1999-12-31T23:59", "2030-04-02T17:00", "opens_at"),
    ("2030-03-02T17:00", "9999-12-31T23:59", "closes_at"),
    ("2030-03-02T17:00", "2101-01-01T00:00", "closes_at"),
])
def test_a_date_outside_2000_to_2100_is_refused_on_its_field(client, pilot, opens, closes, field):
    _in_english(client, pilot)
    response = client.post(reverse("calls_manage:create"), _ami_post(
        **_stage(0, number=1, kind=StageKind.LETTER_OF_INTENT, opens=opens, closes=closes)))
    assert response.status_code == 200
    page = _text(response)
    assert _field_error(page, f"stages-0-{field}") == YEARS
    # What was typed comes back, the rest of the call too.
    assert f'value="{opens}"' in page and f'value="{closes}"' in page
    assert 'value="AMI tapé 2030"' in page
    assert not Call.objects.filter(code="ami-2030").exists()


def test_the_years_2000_and_2100_themselves_are_accepted(client, pilot):
    _in_english(client, pilot)
    response = client.post(reverse("calls_manage:create"), _ami_post(
        **_stage(0, number=1, kind=StageKind.LETTER_OF_INTENT, opens="2000-01-01T00:00",
                 closes="2000-02-01T00:00"),
        **_stage(1, number=2, kind=StageKind.FULL_PROPOSAL, opens="2100-11-01T00:00",
                 closes="2100-12-31T23:59", asks_budget=True, requires_selected_letters=True)))
    assert response.status_code == 302
    assert Call.objects.get(code="ami-2030").stages.count() == 2


def test_the_date_inputs_say_which_years_are_accepted(client, pilot):
    _in_english(client, pilot)
    page = _text(client.get(reverse("calls_manage:create")))
    assert 'min="2000-01-01T00:00"' in page and 'max="2100-12-31T23:59"' in page
    assert "Paris time, in a year from 2000 to 2100." in page


def test_an_existing_stage_moved_to_year_one_is_refused(client, pilot):
    now = timezone.now()
    call = make_call(published=False, stages=[(StageKind.LETTER_OF_INTENT, now + 5 * DAY,
                                               now + 20 * DAY)])
    stage = call.stages.get()
    _in_english(client, pilot)
    data = {**_ami_post(kind=call.kind, code=call.code),
            "stages-TOTAL_FORMS": 1, "stages-INITIAL_FORMS": 1,
            **_stage(0, number=1, kind=StageKind.LETTER_OF_INTENT, opens="0001-01-01T00:00",
                     closes="2030-04-02T17:00", stage=stage, call=call)}
    response = client.post(reverse("calls_manage:edit", args=[call.pk]), data)
    assert response.status_code == 200
    assert _field_error(_text(response), "stages-0-opens_at") == YEARS
    assert Stage.objects.get(pk=stage.pk).opens_at == stage.opens_at


def test_a_stage_closing_before_it_opens_is_refused_on_the_closing_date(client, pilot):
    _in_english(client, pilot)
    response = client.post(reverse("calls_manage:create"), _ami_post(
        **_stage(0, number=1, kind=StageKind.LETTER_OF_INTENT, opens="2030-04-02T17:00",
                 closes="2030-03-02T17:00")))
    page = _text(response)
    assert response.status_code == 200
    assert _field_error(page, "stages-0-closes_at") == "The stage must close after it opens."
    assert "stage_closes_after_opening" not in page


@pytest.mark.parametrize("field, typed, message", [
    ("budget_envelope_eur", "-5", "The budget envelope cannot be negative."),
    ("budget_envelope_eur", "99999999999999999999999",
     "Ensure this value is less than or equal to 9223372036854775807."),
    ("budget_envelope_eur", "1e9", "Enter a whole number."),
    ("stages-0-reviews_per_application", "0", AT_LEAST_1),
    ("stages-0-reviews_per_application", "99999999",
     "Ensure this value is less than or equal to 32767."),
    ("stages-0-number", "-1", AT_LEAST_1),
    ("stages-0-summary_max_chars", "0", AT_LEAST_1),
    ("stages-0-summary_max_chars", "99999999999",
     "Ensure this value is less than or equal to 2147483647."),
])
def test_an_impossible_number_is_refused_on_its_field(client, pilot, field, typed, message):
    _in_english(client, pilot)
    response = client.post(reverse("calls_manage:create"), _ami_post(**{field: typed}))
    assert response.status_code == 200
    page = _text(response)
    assert _field_error(page, field) == message
    assert f'value="{typed}"' in page
    assert "constraint" not in page.lower()
    assert not Call.objects.filter(code="ami-2030").exists()


@pytest.mark.parametrize("field, typed, message", [
    ("max_pages", "0", AT_LEAST_1),
    ("max_size_mb", "-3", AT_LEAST_1),
    ("max_size_mb", "70000", "Ensure this value is less than or equal to 32767."),
])
def test_a_requested_document_with_impossible_limits_is_refused(client, pilot, field, typed,
                                                                 message):
    now = timezone.now()
    call = make_call(published=False, stages=[(StageKind.LETTER_OF_INTENT, now + 5 * DAY,
                                               now + 20 * DAY)])
    stage = call.stages.get()
    requirement = stage.document_requirements.order_by("position").first()
    rows = list(stage.document_requirements.order_by("position"))
    data = {"documents-TOTAL_FORMS": len(rows), "documents-INITIAL_FORMS": len(rows),
            "documents-MIN_NUM_FORMS": 0, "documents-MAX_NUM_FORMS": 1000}
    for index, row in enumerate(rows):
        data.update({f"documents-{index}-{key}": value for key, value in {
            "id": row.pk, "title_fr": row.title_fr, "title_en": row.title_en,
            "max_pages": row.max_pages, "max_size_mb": row.max_size_mb,
            "is_required": "on"}.items()})
    data[f"documents-0-{field}"] = typed
    _in_english(client, pilot)
    response = client.post(reverse("calls_manage:stage_documents", args=[call.pk, stage.pk]),
                           data)
    assert response.status_code == 200
    page = _text(response)
    assert _field_error(page, f"documents-0-{field}") == message
    assert f'value="{typed}"' in page and "requirement_limits_positive" not in page
    assert DocumentRequirement.objects.get(pk=requirement.pk).max_pages == requirement.max_pages


# --- The application form ---------------------------------------------------------------------

@pytest.fixture
def full_proposal(applicant):
    now = timezone.now()
    stage = make_call(stages=[(StageKind.FULL_PROPOSAL, now - DAY, now + 10 * DAY)]).stages.get()
    assert stage.asks_budget
    return submission.start_application(stage, by=applicant)


def _application_post(**values):
    return {"title": "Titre gardé", "partners-TOTAL_FORMS": "1", "partners-INITIAL_FORMS": "0",
            "partners-MIN_NUM_FORMS": "0", "partners-MAX_NUM_FORMS": "30",
            "partners-0-laboratory": "Lab A", "partners-0-lead_name": "Ada",
            "partners-0-lead_email": "ada@example.org", "partners-0-role": "coordinator",
            **values}


@pytest.mark.parametrize("typed, message", [
    ("-1", "The requested budget cannot be negative."),
    ("-250000", "The requested budget cannot be negative."),
    ("99999999999999999999", "Ensure this value is less than or equal to 9223372036854775807."),
])
def test_an_impossible_budget_is_refused_on_its_field(client, applicant, full_proposal, typed,
                                                      message):
    _in_english(client, applicant)
    response = client.post(reverse("calls:edit_application", args=[full_proposal.pk]),
                           _application_post(requested_budget_eur=typed))
    assert response.status_code == 200
    page = _text(response)
    assert _field_error(page, "requested_budget_eur") == message
    assert "application_budget_positive" not in page and "constraint" not in page.lower()
    assert f'value="{typed}"' in page and 'value="Titre gardé"' in page
    full_proposal.refresh_from_db()
    assert (full_proposal.title, full_proposal.requested_budget_eur) == ("", None)


def test_the_budget_message_is_in_french_for_a_french_reader(client, applicant, full_proposal):
    client.force_login(applicant)  # French, the portal's language
    response = client.post(reverse("calls:edit_application", args=[full_proposal.pk]),
                           _application_post(requested_budget_eur="-1"))
    assert _field_error(_text(response), "requested_budget_eur") is not None
    assert "application_budget_positive" not in _text(response)


def test_every_check_constraint_a_user_can_reach_has_a_form_check():
    """A new CheckConstraint on these models needs a check on its form field (and a test here):
    otherwise the user reads the constraint's name."""
    names = {constraint.name for model in (Call, Stage, DocumentRequirement, Application)
             for constraint in model._meta.constraints
             if isinstance(constraint, models.CheckConstraint)}
    assert names == {
        "call_envelope_positive",  # budget_envelope_eur: test_an_impossible_number_…
        "stage_closes_after_opening",  # test_a_stage_closing_before_it_opens_…
        "stage_at_least_one_review",  # reviews_per_application: test_an_impossible_number_…
        "requirement_limits_positive",  # test_a_requested_document_with_impossible_limits_…
        "application_budget_positive",  # test_an_impossible_budget_…
        "application_submitted_has_version",  # status and version: no form edits them
    }


# --- PDFs that run something or carry files ---------------------------------------------------

SCRIPT = "This PDF contains JavaScript or actions that run by themselves"
ATTACHED = "This PDF contains attached files"


def _javascript():
    return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                             NameObject("/JS"): TextStringObject("app.alert(1);")})


def _annotation(subtype, **entries):
    return ArrayObject([DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject(subtype),
        NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (50, 50, 200, 80)]),
        **{NameObject(key): value for key, value in entries.items()}})])


def _first_page(writer):
    return writer.pages[0].indirect_reference


def _goto_then(following):
    def action(writer):
        return DictionaryObject({
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject([_first_page(writer), NameObject("/Fit")]),
            NameObject("/Next"): following})
    return action


REFUSED = {
    "open action running JavaScript": (open_action_javascript_pdf_bytes, SCRIPT),
    "embedded file": (embedded_file_pdf_bytes, ATTACHED),
    "JavaScript hidden in an object stream": (hidden_javascript_pdf_bytes, SCRIPT),
    "document JavaScript in the names tree": (lambda: pdf_bytes_with(catalog={
        "/Names": DictionaryObject({NameObject("/JavaScript"): DictionaryObject({
            NameObject("/Names"): ArrayObject([TextStringObject("init"), _javascript()])})})}),
        SCRIPT),
    "page opening action": (lambda: pdf_bytes_with(page={
        "/AA": DictionaryObject({NameObject("/O"): _javascript()})}), SCRIPT),
    "catalog additional action": (lambda: pdf_bytes_with(catalog={
        "/AA": DictionaryObject({NameObject("/WC"): DictionaryObject({
            NameObject("/S"): NameObject("/URI"),
            NameObject("/URI"): TextStringObject("https://tracker.example.org/")})})}), SCRIPT),
    "link launching a program": (lambda: pdf_bytes_with(page={"/Annots": _annotation(
        "/Link", **{"/A": DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                                            NameObject("/F"): TextStringObject("calc.exe")})})}),
        SCRIPT),
    "link running JavaScript": (lambda: pdf_bytes_with(page={"/Annots": _annotation(
        "/Link", **{"/A": _javascript()})}), SCRIPT),
    "harmless opening that chains JavaScript": (lambda: pdf_bytes_with(catalog={
        "/OpenAction": _goto_then(_javascript())}), SCRIPT),
    "file attachment annotation": (lambda: pdf_bytes_with(page={"/Annots": _annotation(
        "/FileAttachment", **{"/FS": TextStringObject("notes.txt")})}), ATTACHED),
    "XFA form": (lambda: pdf_bytes_with(catalog={"/AcroForm": DictionaryObject({
        NameObject("/Fields"): ArrayObject(),
        NameObject("/XFA"): TextStringObject("<xdp:xdp/>")})}), SCRIPT),
}

ACCEPTED = {
    "plain": pdf_bytes,
    # LaTeX (hyperref) and word processors open at the first page this way.
    "opening at page 1": lambda: pdf_bytes_with(catalog={
        "/OpenAction": lambda writer: ArrayObject([_first_page(writer), NameObject("/Fit")])}),
    "opening with a GoTo action": lambda: pdf_bytes_with(catalog={
        "/OpenAction": lambda writer: DictionaryObject({
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject([_first_page(writer), NameObject("/Fit")])})}),
    "a link to a web page": lambda: pdf_bytes_with(page={"/Annots": _annotation(
        "/Link", **{"/A": DictionaryObject({
            NameObject("/S"): NameObject("/URI"),
            NameObject("/URI"): TextStringObject("https://anr.fr/")})})}),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_pdf_that_runs_something_or_carries_files_is_refused(case):
    build, message = REFUSED[case]
    with pytest.raises(Exception) as refused:
        inspect_pdf(upload_of(build()), EVIDENCE_LIMITS)
    assert refused.value.messages[0].startswith(message), refused.value.messages


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_an_ordinary_pdf_is_accepted(case):
    assert inspect_pdf(upload_of(ACCEPTED[case]()), EVIDENCE_LIMITS).pages == 1


def test_the_hidden_javascript_is_not_in_the_bytes():
    data = hidden_javascript_pdf_bytes()
    assert all(name not in data for name in (b"/JavaScript", b"/JS", b"/OpenAction", b"/AA"))


@pytest.mark.parametrize("build, message", [(open_action_javascript_pdf_bytes, SCRIPT),
                                            (embedded_file_pdf_bytes, ATTACHED)])
def test_an_applicant_uploading_such_a_pdf_reads_why_and_nothing_is_stored(
        client, applicant, build, message):
    draft = submission.start_application(make_call().stages.get(), by=applicant)
    requirement = draft.stage.document_requirements.get()
    _in_english(client, applicant)
    response = client.post(reverse("calls:edit_application", args=[draft.pk]), {
        **_application_post(), f"document_{requirement.pk}": upload_of(build(), "projet.pdf")})
    assert response.status_code == 200
    error = _field_error(_text(response), f"document_{requirement.pk}")
    assert error and error.startswith(message)
    assert not draft.documents.exists()


def test_such_a_pdf_is_refused_as_a_projects_evidence(client, applicant):
    project = running_project(applicant)
    item = project.deliverables.get(code="D1.1")
    _in_english(client, applicant)
    response = client.post(reverse("projects:deliver", args=[item.pk]),
                           {"evidence": upload_of(open_action_javascript_pdf_bytes(), "lot.pdf")})
    assert response.status_code == 200
    assert SCRIPT in html_module.unescape(_text(response))
    item.refresh_from_db()
    assert (item.status, item.evidence.name) == ("planned", "")
