"""The permission matrix: every URL pattern of the portal asked by every role, anonymous and three
people with a conflict of interest (a pilot, a CCS member and a superuser of the coordinator's
research unit), each answer declared next to its route in tests/permission_matrix.py.

A test fails on an answer that differs from the table (an unexpected 200 first of all), on a route
the table does not declare, on a denied POST that changed anything in the database, and on any
page, JSON, CSV, XLSX or PDF answered to a conflicted person that names a conflicted file (its
reference, acronym or title)."""
import functools
import html
import io
import json
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls import resolve as resolve_url
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from calls.decisions import services as decisions
from calls.decisions.models import DecisionLetter
from calls.evaluation import services as evaluation
from calls.setup.models import StageKind
from governance import services as voting
from governance.models import Committee
from pepr.core.models import Axis, CommitteeCode, Role
from pepr.core.research_units import ResearchUnit
from pepr.core.services import grant_role
from pepr.reports import services as reports
from projects.follow_up import services as project_services
from projects.models import Deliverable, ProjectStatus
from projects.reports import services as project_reports
from tests import permission_matrix as matrix
from tests.factories import UserFactory, make_call, member_of, same_unit
from tests.pdfs import pdf_text, pdf_upload
from tests.projects.factories import annual_report

S = ApplicationStatus
# What a conflicted person must never read: the files of the coordinator of unit X.
SECRET_LETTER = {"acronym": "CONFLIT-XYZ", "title": "Titre très confidentiel"}
SECRET_PROJECT = {"acronym": "CONFLIT-PRJ", "title": "Projet très confidentiel"}
OPEN_LETTER = {"acronym": "OUVERT-ABC", "title": "Titre public"}
SECRET_FILES = ("letter_x", "proposal_x")


# --- the world: one of every object a route names, built once for the module -----------------

def _unit(rnsr, code, name):
    return ResearchUnit.objects.create(rnsr=rnsr, code=code, name=name, city="Lyon")


def _submitted(stage, coordinator, fields):
    """A complete application submitted through the services; its coordinating team is the
    coordinator's unit, as the application form fills it in."""
    application = submission.start_application(stage, by=coordinator)
    data = {**fields, "summary_fr": "Résumé.", "summary_en": "Summary.", "keywords": "AAV",
            "requested_budget_eur": 500_000, "axis": Axis.objects.get(number=2)}
    submission.save_draft(application, by=coordinator, data=data, partners=[{
        "organisation": coordinator.organisation, "laboratory": coordinator.laboratory,
        "unit": coordinator.unit, "rnsr": coordinator.unit.rnsr if coordinator.unit else "",
        "lead_name": coordinator.get_full_name(), "lead_email": coordinator.email,
        "role": "coordinator"}])
    for requirement in stage.document_requirements.all():
        submission.upload_document(application, requirement, pdf_upload(2), by=coordinator)
    return submission.submit(application, by=coordinator)[0]


def _people():
    unit_x = _unit("209912345X", "U9999", "Unité X des biothérapies")
    unit_y = _unit("209912346Y", "UMR 8888", "Unité Y de bioproduction")
    applicant = UserFactory(email="coordinator@example.org", unit=unit_x,
                            laboratory="Unité X des biothérapies")
    people = {
        "applicant": applicant,
        "other_applicant": UserFactory(email="other-coordinator@example.org", unit=unit_y,
                                       laboratory="Unité Y de bioproduction"),
        "stranger": UserFactory(email="stranger@example.org"),
        "reviewer": UserFactory(email="reviewer@example.org"),
        "ccs": member_of(CommitteeCode.CCS, email="ccs@example.org"),
        "csi": member_of(CommitteeCode.CSI, email="csi@example.org"),
        "pilot": member_of(CommitteeCode.STEERING, email="pilot@example.org"),
        "directeur": member_of(CommitteeCode.BOARD, email="directeur@example.org"),
        "anr": UserFactory(email="anr@example.org"),
        "superuser": UserFactory(email="admin@example.org", is_staff=True, is_superuser=True),
        "conflicted_pilot": member_of(CommitteeCode.STEERING, email="pilot-x@example.org",
                                      **same_unit(applicant)),
        "conflicted_ccs": member_of(CommitteeCode.CCS, email="ccs-x@example.org",
                                    **same_unit(applicant)),
        "conflicted_superuser": UserFactory(email="admin-x@example.org", is_staff=True,
                                            is_superuser=True, **same_unit(applicant)),
    }
    grant_role(people["reviewer"], Role.REVIEWER)
    grant_role(people["anr"], Role.ANR_OFFICER)
    return people


def _evaluation(world):
    """The letter of intent of unit X and another one, reviewed, on a CCS session's agenda."""
    p = world.people
    now = timezone.now()
    world.call = make_call(code="matrix-a", title_fr="Appel matrice",
                           title_en="Matrix call")
    world.stage = world.call.stages.get()
    world.letter_x = _submitted(world.stage, p["applicant"], SECRET_LETTER)
    world.letter_open = _submitted(world.stage, p["other_applicant"], OPEN_LETTER)
    world.document = world.letter_x.documents.first()
    world.assignment = evaluation.assign(world.letter_x, p["reviewer"], by=p["pilot"])
    evaluation.sign_declaration(world.call, reviewer=p["reviewer"])
    scores = {c.pk: ("A", "") for c in world.stage.criteria.all()}
    evaluation.save_review(world.assignment, by=p["reviewer"], scores=scores,
                           recommendation="support")
    evaluation.submit_review(world.assignment, by=p["reviewer"])
    world.invitation = submission.invite(world.letter_x, email="invitee@example.org",
                                         access="view", by=p["applicant"])
    ccs = Committee.objects.get(code=CommitteeCode.CCS)
    world.session = voting.create_session(committee=ccs, title="Séance CCS matrice",
                                          held_at=now + timedelta(days=1), by=p["pilot"],
                                          stage=world.stage)
    voting.set_attendance(world.session, present_ids=[p["ccs"].pk, p["conflicted_ccs"].pk],
                          by=p["pilot"])
    world.item, _open_item = voting.add_to_agenda(
        world.session, [world.letter_x, world.letter_open], motion=S.SELECTED, by=p["pilot"])
    voting.open_ballot(world.item, by=p["pilot"])


def _funding(world):
    """A full proposal of unit X, recommended then funded, its letter drafted, followed as a
    project with a delivered deliverable and a submitted report."""
    p = world.people
    now = timezone.now()
    world.full_call = make_call(code="matrix-b", stages=[
        (StageKind.FULL_PROPOSAL, now - timedelta(days=1), now + timedelta(days=5))])
    world.full_stage = world.full_call.stages.get()
    world.proposal_x = _submitted(world.full_stage, p["applicant"], SECRET_PROJECT)
    decisions.decide(world.proposal_x, S.RECOMMENDED, by=p["pilot"])
    decisions.decide(world.proposal_x, S.FUNDED, by=p["directeur"])
    decisions.draft_letters(world.full_stage, by=p["pilot"])
    world.letter = DecisionLetter.objects.get(decision__application=world.proposal_x,
                                              decision__outcome=S.FUNDED)
    world.proposal_x.refresh_from_db()
    project = project_services.create_from_application(world.proposal_x, by=p["pilot"])
    project.status = ProjectStatus.RUNNING
    project.save(update_fields=["status"])
    world.project = project
    world.deliverable = Deliverable.objects.create(
        project=project, code="D1.1", title="Livrable matrice",
        due_date=timezone.localdate() + timedelta(days=30))
    project_services.deliver(world.deliverable, by=p["applicant"], evidence=pdf_upload(),
                             inspected=SimpleNamespace(pages=1, sha256="0" * 64))
    world.editor = project_services.invite_editor(project, email="coeditor@example.org",
                                                  by=p["applicant"])
    report = annual_report(project)
    project_reports.save_draft(
        report, by=p["applicant"],
        values={"public_summary_fr": "Résumé public.", "public_summary_en": "Public summary.",
                "publications_count": 1, "patents_count": 0, "fixed_term_staff_count": 1},
        budget={partner.pk: (500_000, 1000) for partner in project.partners.all()},
        scientific_report=pdf_upload(pages=2, name="rapport-scientifique.pdf"),
        inspected=SimpleNamespace(pages=2))
    world.report = project_reports.submit(report, by=p["applicant"])


def _pdf_reports(world):
    """The five kinds of PDF, requested by the (unconflicted) pilot and built at once."""
    targets = {"dossier": world.letter_x, "call": world.call, "minutes": world.session,
               "project": world.project, "preport": world.report}
    world.pdf = {}
    for kind, target in targets.items():
        with TestCase.captureOnCommitCallbacks(execute=True):
            report = reports.request_report(kind, target, language="fr",
                                            by=world.people["pilot"])
        report.refresh_from_db()
        assert report.status == "ready", report.error
        world.pdf[kind] = report


def build_world():
    world = SimpleNamespace(people=_people())
    _evaluation(world)
    _funding(world)
    _pdf_reports(world)
    # What names each conflicted file: its reference, acronym and title.
    world.names = {"letter_x": [world.letter_x.reference, *SECRET_LETTER.values()],
                   "proposal_x": [world.proposal_x.reference, *SECRET_PROJECT.values()],
                   "letter_open": [world.letter_open.reference, *OPEN_LETTER.values()]}
    world.tokens = {role: Token.objects.create(user=user).key
                    for role, user in world.people.items() if role in matrix.ROLES}
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once: each test runs in a savepoint of this transaction and leaves it as it was."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        built.clients = {"anonymous": Client()}
        for role in matrix.ROLES[1:]:
            built.clients[role] = Client()
            built.clients[role].force_login(built.people[role])
        yield built
        transaction.set_rollback(True)


# --- asking a route ---------------------------------------------------------------------------

def _value(world, source):
    if source.startswith("="):
        return source[1:]
    found = world
    for part in source.split("."):
        found = found[part] if isinstance(found, dict) else getattr(found, part)
    return getattr(found, "pk", found)


def url_of(world, route):
    values = {key: _value(world, source) for key, source in route.kwargs.items()}
    if "/" in route.name:  # a pattern without a name
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route.name)
    return reverse(route.name, kwargs=values)


def _client(world, route, role):
    if route.auth != "token":
        return world.clients[role], {}
    headers = {} if role == "anonymous" else {"HTTP_AUTHORIZATION": f"Token {world.tokens[role]}"}
    return Client(), headers  # no session: the token alone


def answer_of(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return matrix.LOGIN
    return response.status_code


def content_of(response):
    # Read to its end, a streamed file is closed by the test client (which must do it, with the
    # signal that would close the database connection of the test's transaction turned off).
    return b"".join(response.streaming_content) if response.streaming else response.content


@functools.lru_cache(maxsize=32)
def _pdf_text(content):
    # Several readers download the same file: it is read once.
    return pdf_text(content)


def body_of(response):
    """The text a reader gets: a page, JSON, CSV, the cells of an XLSX, the text of a PDF."""
    content = content_of(response)
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        return _pdf_text(content)
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(content), read_only=True)
        return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                        for cell in row if cell is not None)
    text = content.decode("utf-8-sig", errors="replace")
    if "json" in kind:
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text)


def _squashed(text):
    # Without any whitespace: a PDF breaks a title over two lines, a page indents it.
    return "".join(text.split())


def named_in(world, text, files):
    squashed = _squashed(text)
    return [name for key in files for name in world.names[key] if _squashed(name) in squashed]


def database_state():
    """Rows inserted, updated and deleted per table so far in this transaction (sessions aside),
    as PostgreSQL counts them: a refused POST must add none, even an UPDATE to the same values."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del"
                       " FROM pg_stat_xact_user_tables WHERE relname <> 'django_session'")
        return {table: counts for table, *counts in cursor.fetchall()}


def _changed(before, after):
    return sorted(table for table in after if before.get(table) != after[table])


def _check_body(world, route, role, text, what):
    problems = []
    if role in matrix.CONFLICTED:
        named = named_in(world, text, SECRET_FILES)
        if named and role not in route.leaks:
            problems.append(f"{what} as {role} names a conflicted file: {named}")
        if not named and role in route.leaks:
            problems.append(f"{what} as {role} no longer names the conflicted file: remove the "
                            f"declared leak from the table")
    if role in route.shows and not named_in(world, text, route.about + route.lists):
        problems.append(f"{what} as {role} should name {route.about + route.lists}: the leak "
                        f"check of this row could not fail")
    if role in route.keeps and not named_in(world, text, ("letter_open",)):
        problems.append(f"{what} as {role} should still name the other team's letter")
    return problems


def _check_get(world, route, role, url):
    expected, _key = matrix.resolve(route.get, role)
    client, headers = _client(world, route, role)
    response = client.get(url, **headers)
    client.cookies.pop("messages", None)
    got = answer_of(response)
    if got != expected:
        content_of(response)
        return [f"GET {url} as {role}: {got}, declared {expected}"]
    if got != 200:
        return _check_refusal(world, role, response, f"GET {url}")
    if not (role in matrix.CONFLICTED or role in route.shows):  # nothing to read
        content_of(response)
        return []
    return _check_body(world, route, role, body_of(response), f"GET {url}")


def _check_refusal(world, role, response, what):
    """Nor may a refusal, an error or a form sent back name a conflicted file."""
    if role not in matrix.CONFLICTED or response.status_code in (301, 302):
        content_of(response)
        return []
    named = named_in(world, body_of(response), SECRET_FILES)
    return [f"{what} as {role} answered {response.status_code} naming {named}"] if named else []


def _status_row(kind):
    return next(r for r in matrix.ROUTES if r.name == "reports:status" and r.case == kind)


def _read_own_pdf(world, route, role, client, status_url):
    """A conflicted reader's own report, built when they asked: its page and its PDF."""
    problems = []
    status = client.get(status_url)
    if status.status_code != 200:
        return [f"{status_url} as {role}: {status.status_code} after their own request"]
    problems += _check_body(world, _status_row(route.case), role, body_of(status), status_url)
    report_id = resolve_url(status_url).kwargs["report_id"]
    download = client.get(reverse("reports:download", args=[report_id]))
    if download.status_code != 200 or download["Content-Type"] != "application/pdf":
        return [*problems, f"the {route.case} PDF of {role}: {download.status_code}"]
    return problems + _check_body(world, route, role, body_of(download),
                                  f"the {route.case} PDF")


def _check_post(world, route, role, url):
    expected, _key = matrix.resolve(route.post, role)
    if expected == matrix.SKIP:
        return []
    client, headers = _client(world, route, role)
    data = route.data(world) if route.data else {}
    before = database_state()
    own_pdf = route.pdf and role in matrix.CONFLICTED
    with TestCase.captureOnCommitCallbacks(execute=own_pdf):
        response = client.post(url, data, **headers)
    client.cookies.pop("messages", None)
    got = answer_of(response)
    problems = [] if got == expected else [f"POST {url} as {role}: {got}, declared {expected}"]
    problems += _check_refusal(world, role, response, f"POST {url}")
    if not (route.pdf and expected == 302):  # a refused POST
        changed = _changed(before, database_state())
        if changed and role not in route.writes:
            problems.append(f"POST {url} as {role} answered {got} but changed {changed}")
        if not changed and role in route.writes:
            problems.append(f"POST {url} as {role} no longer writes: update the table")
    if own_pdf and got == 302:
        problems += _read_own_pdf(world, route, role, client, response["Location"])
    return problems


@pytest.mark.parametrize("route", matrix.ROUTES, ids=lambda route: route.id)
def test_every_role_gets_the_declared_answer(world, db, route):
    url = url_of(world, route)
    problems = []
    before = database_state()
    for role in matrix.ROLES:
        problems += _check_get(world, route, role, url)
    changed = _changed(before, database_state())
    if changed:
        problems.append(f"a GET of {url} changed {changed}")
    for role in matrix.ROLES if route.post else ():
        problems += _check_post(world, route, role, url)
    assert not problems, "\n".join(problems)


# --- the table itself -------------------------------------------------------------------------

def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and ":".join(part for part in (namespace, pattern.name) if part)
            yield namespace, name or prefix + str(pattern.pattern)


def portal_routes():
    """Every URL pattern of the portal, by name (by pattern when it has none), but the admin's
    and static or media files (served by the web server)."""
    files = tuple(prefix.lstrip("/") for prefix in (settings.STATIC_URL, settings.MEDIA_URL)
                  if prefix and prefix != "/")
    return {key for namespace, key in _walk(get_resolver().url_patterns)
            if namespace.split(":")[0] != "admin" and not key.lstrip("^").startswith(files)}


def test_every_url_pattern_is_in_the_table():
    declared = {route.name for route in matrix.ROUTES}
    routes = portal_routes()
    assert not routes - declared, (
        f"declare the answers of these routes in tests/permission_matrix.py: "
        f"{sorted(routes - declared)}")
    assert not declared - routes, f"no such routes any more: {sorted(declared - routes)}"
    assert len({route.id for route in matrix.ROUTES}) == len(matrix.ROUTES)


def test_every_answer_is_declared_and_a_conflicted_200_by_name():
    for route in matrix.ROUTES:
        for role in matrix.ROLES:
            status, key = matrix.resolve(route.get, role)
            if route.post:
                matrix.resolve(route.post, role)
            if role in matrix.CONFLICTED and route.about and status == 200:
                # A conflicted person reading a conflicted file's own page: never by default.
                assert key == role, f"{route.id}: declare the 200 of {role} by its name"
        for role in route.leaks:
            assert role in matrix.CONFLICTED, route.id
        for role in route.writes:
            assert matrix.resolve(route.post, role)[0] != matrix.SKIP, route.id
        for role in route.shows + route.keeps:
            assert matrix.resolve(route.get, role)[0] == 200, route.id
