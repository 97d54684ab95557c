"""The dashboards: who reaches which one, the numbers they show (computed here independently from
arranged data), the filters, the charts with their tables, and a number of queries that does not
grow with the number of applications."""
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from calls.decisions import services as decisions
from calls.evaluation import services as evaluation
from calls.setup.models import CallKind, StageKind
from governance import services as voting
from governance.models import Committee
from pepr.core.models import Axis, CommitteeCode, Programme
from projects.models import (
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    GovernanceAction,
    Project,
    ProjectOrigin,
    ProjectPartner,
    ProjectReport,
    ProjectReportStatus,
    ProjectStatus,
    ReportBudgetLine,
)
from projects.reports import services as report_services
from tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    UserFactory,
    make_call,
    member_of,
)
from tests.pdfs import pdf_upload

PARIS = ZoneInfo("Europe/Paris")
S = ApplicationStatus
DASHBOARDS = ["dashboards:programme", "dashboards:call", "dashboards:projects"]
STAFF = ["pilot", "anr_officer", "administrator"]
LETTERS = {"A": 3, "B": 2, "C": 1}


# --- Reading the pages ------------------------------------------------------------------------

class _Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts, keyed by its id and by the id of the chart
    whose <figure> holds it."""

    def __init__(self):
        super().__init__()
        self.tables, self.figure, self.table, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure":
            self.figure = (attrs.get("aria-labelledby") or "").removesuffix("-caption")
        elif tag == "table":
            self.table = []
            for key in filter(None, [attrs.get("id"), self.figure and f"chart:{self.figure}"]):
                self.tables[key] = self.table
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("th", "td") and self.table is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.table[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.table = None
        elif tag == "figure":
            self.figure = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(response):
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def body(rows):
    """The rows of a table without its header row."""
    return rows[1:]


def num(value, decimals=0):
    """A number as the English pages write it (whitespace collapsed like the parser does)."""
    with translation.override("en"):
        text = formats.number_format(value, decimal_pos=decimals, use_l10n=True,
                                     force_grouping=True)
    return " ".join(text.split())


def chart_value(value):
    """A value as the chart tables write it (floatformat "-2g")."""
    return num(value, 0 if value == int(value) else 2)


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def paris_day(moment):
    return timezone.localtime(moment, PARIS).date()


# --- Arranging data through the services ------------------------------------------------------

def review(application, reviewer, *, by, letters):
    assignment = evaluation.assign(application, reviewer, by=by)
    evaluation.sign_declaration(application.stage.call, reviewer=reviewer)
    criteria = list(application.stage.criteria.order_by("position"))
    evaluation.save_review(assignment, by=reviewer, recommendation="support",
                           scores={c.pk: (v, "") for c, v in zip(criteria, letters)})
    return evaluation.submit_review(assignment, by=reviewer)


def sent(stage, *, axis, budget, organisation, at, status=S.SUBMITTED):
    """An application as sent at `at` (factory: the services stamp the current time)."""
    return ApplicationFactory(
        stage=stage, status=status, version=1, submitted_at=at, requested_budget_eur=budget,
        axis=Axis.objects.get(number=axis),
        coordinator=UserFactory(organisation=organisation))


# One call, one full-proposal stage. (final status, axis, budget €, organisation, days before
# now it was sent (None: a draft), letters of its review (None: not reviewed))
SPECS = [
    (S.SUBMITTED, 1, 400_000, "Org A", 1, "AAB"),
    (S.SUBMITTED, 1, 300_000, "Org A", 2, "CCC"),
    (S.RECOMMENDED, 2, 500_000, "Org B", 2, "AAA"),
    (S.FUNDED, 2, 600_000, "Org B", 3, "AAB"),
    (S.NOT_RECOMMENDED, 3, 200_000, "Org C", 3, "BBB"),
    (S.WITHDRAWN, 3, 100_000, "Org C", 4, None),
    (S.DRAFT, 4, 50_000, "Org A", None, None),
]


@pytest.fixture
def arranged(db, pilot, ccs_member):
    """The SPECS applications with their reviews (one more assigned but not done), a CCS
    session (one ballot adopted, one without quorum, one not opened) and a CSI session (one
    open ballot); and an application of another call that the dashboard leaves out."""
    now = timezone.now()
    call = make_call(code="aap-dash", budget_envelope_eur=3_000_000, stages=[
        (StageKind.FULL_PROPOSAL, now - timedelta(days=10), now + timedelta(days=5))])
    stage = call.stages.get()
    organisations = {name: OrganisationFactory(name=name) for name in ["Org A", "Org B", "Org C"]}
    reviewer = UserFactory()
    directeur = member_of(CommitteeCode.BOARD)
    applications = []
    for status, axis, budget, organisation, days, letters in SPECS:
        if days is None:
            application = ApplicationFactory(
                stage=stage, axis=Axis.objects.get(number=axis), requested_budget_eur=budget,
                coordinator=UserFactory(organisation=organisations[organisation]))
        else:
            application = sent(stage, axis=axis, budget=budget,
                               organisation=organisations[organisation],
                               at=now - timedelta(days=days, hours=1))
        if letters:
            review(application, reviewer, by=pilot, letters=letters)
        applications.append(application)
    evaluation.assign(applications[0], UserFactory(), by=pilot)  # assigned, not reviewed

    ccs = Committee.objects.get(code=CommitteeCode.CCS)
    session = voting.create_session(committee=ccs, title="CCS", held_at=now, by=pilot,
                                    stage=stage)
    voting.set_attendance(session, present_ids=[ccs_member.pk], by=pilot)
    adopted, no_quorum, _pending = voting.add_to_agenda(
        session, applications[:3], motion=S.RECOMMENDED, by=pilot)
    voting.open_ballot(adopted, by=pilot)
    voting.cast_vote(adopted, voter=ccs_member, choice="for")
    voting.close_ballot(adopted, by=pilot)
    voting.open_ballot(no_quorum, by=pilot)
    voting.close_ballot(no_quorum, by=pilot)
    csi_member = member_of(CommitteeCode.CSI)
    csi = Committee.objects.get(code=CommitteeCode.CSI)
    csi_session = voting.create_session(committee=csi, title="CSI", held_at=now, by=pilot,
                                        stage=stage)
    voting.set_attendance(csi_session, present_ids=[csi_member.pk], by=pilot)
    [open_item] = voting.add_to_agenda(csi_session, applications[:1], motion=S.RECOMMENDED,
                                       by=pilot)
    voting.open_ballot(open_item, by=pilot)

    for application, (status, *_rest) in zip(applications, SPECS):
        if status in (S.RECOMMENDED, S.FUNDED, S.NOT_RECOMMENDED):
            decisions.decide(application, S.NOT_RECOMMENDED if status == S.NOT_RECOMMENDED
                             else S.RECOMMENDED, by=pilot)
        if status == S.FUNDED:
            decisions.decide(application, S.FUNDED, by=directeur)
        if status == S.WITHDRAWN:
            submission.withdraw(application, by=application.coordinator)
    other = sent(make_call(code="aap-other").stages.get(), axis=1, budget=9_000_000,
                 organisation=organisations["Org A"], at=now)
    return {"call": call, "stage": stage, "applications": applications, "now": now,
            "csi_member": csi_member, "other": other}


# --- Access ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, expected", [
    ("applicant", [403, 403, 403]),
    ("reviewer", [403, 403, 403]),
    ("ccs_member", [403, 200, 403]),
    ("pilot", [200, 200, 200]),
    ("anr_officer", [200, 200, 200]),
    ("administrator", [200, 200, 200]),
])
def test_every_role_on_every_dashboard(client, db, request, role, expected):
    """Programme, call, projects, in that order (DASHBOARDS)."""
    make_call(code="aap-roles")
    client.force_login(request.getfixturevalue(role))
    assert [client.get(reverse(name)).status_code for name in DASHBOARDS] == expected


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for name in DASHBOARDS:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_applicants_and_reviewers_get_403_everywhere(client, request, role):
    client.force_login(request.getfixturevalue(role))
    for name in DASHBOARDS:
        assert client.get(reverse(name)).status_code == 403, name


@pytest.mark.parametrize("role", STAFF)
def test_programme_staff_read_every_dashboard_in_full(client, db, request, role):
    """Pilots, ANR officers and superusers; the menu leads them to the dashboards."""
    make_call(code="aap-access")
    client.force_login(request.getfixturevalue(role))
    for name in DASHBOARDS:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert f'href="{reverse("dashboards:programme")}"' in response.content.decode()
    assert client.get(reverse("dashboards:call")).context["full"] is True


@pytest.mark.parametrize("code", [CommitteeCode.CCS, CommitteeCode.CSI,
                                  CommitteeCode.BOARD])
def test_committee_members_reach_only_the_call_dashboard(client, db, code):
    make_call(code="aap-access")
    client.force_login(member_of(code))
    assert client.get(reverse("dashboards:programme")).status_code == 403
    assert client.get(reverse("dashboards:projects")).status_code == 403
    response = client.get(reverse("dashboards:call"))
    assert response.status_code == 200
    assert response.context["full"] is False
    assert [row["committee"].code for row in response.context["votes"]["rows"]] == [code]


def test_ccs_member_sees_only_the_votes_of_the_ccs(client, ccs_member, arranged):
    english(ccs_member)
    client.force_login(ccs_member)
    call = arranged["call"]
    ccs = Committee.objects.get(code=CommitteeCode.CCS)
    csi = Committee.objects.get(code=CommitteeCode.CSI)
    for query in [{"call": call.pk}, {"call": call.pk, "committee": csi.pk},
                  {"call": call.pk, "committee": "nonsense"}]:
        response = client.get(reverse("dashboards:call"), query)
        assert response.status_code == 200
        html = response.content.decode()
        context = response.context
        # Forced to the CCS, whatever the URL says: adopted, rejected, no quorum, open, pending.
        assert context["committee"] == ccs
        assert [(row["committee"], row["outcomes"], row["applications"])
                for row in context["votes"]["rows"]] == [(ccs, [1, 0, 1, 0, 1], 3)]
        assert body(tables(response)["vote-outcomes"]) == [
            [ccs.name, "1", "0", "1", "0", "1", "3", "3"]]
        # Only their own committee is offered.
        committee_select = re.search(r'<select name="committee".*?</select>', html, re.S).group(0)
        assert re.findall(r'<option value="(\d+)"', committee_select) == [str(ccs.pk)]
        # None of the staff's statistics is computed or shown.
        for key in ["breakdown", "status_chart", "completion", "histograms", "success",
                    "day_charts", "budget_chart", "organisation_chart"]:
            assert key not in context, key
        for chart_id in ["by-status", "by-axis", "by-organisation", "budget", "success"]:
            assert f'id="{chart_id}-title"' not in html
        assert 'id="committee-notice"' in html
    assert "committee" in response.context["form"].errors


def test_committee_members_do_not_see_draft_calls(client, ccs_member):
    published = make_call(code="aap-public")
    draft = make_call(code="aap-secret", published=False)
    client.force_login(ccs_member)
    response = client.get(reverse("dashboards:call"), {"call": draft.pk})
    assert response.context["chosen"] == published
    assert "aap-secret" not in response.content.decode()


# --- The call dashboard's numbers ---------------------------------------------------------------

def expected_call_numbers(specs, now):
    """What the call dashboard must show, from SPECS in plain Python."""
    competing = [s for s in specs if s[0] not in (S.DRAFT, S.WITHDRAWN)]
    by_axis = Counter(s[1] for s in competing)
    successes = Counter(s[1] for s in competing if s[0] in (S.SELECTED, S.RECOMMENDED, S.FUNDED))
    organisations = Counter(s[3] for s in competing)
    days = Counter(paris_day(now - timedelta(days=s[4], hours=1))
                   for s in specs if s[4] is not None)
    first, last = min(days), paris_day(now)
    series = [(first + timedelta(days=i), days.get(first + timedelta(days=i), 0))
              for i in range((last - first).days + 1)]
    bins = [0] * 8  # letters scale: [1, 3] in steps of 0.25, the last bin holds 3
    for s in specs:
        if s[5]:
            mean = Decimal(sum(LETTERS[v] for v in s[5])) / len(s[5])
            bins[min(int((mean.quantize(Decimal("0.01")) - 1) / Decimal("0.25")), 7)] += 1
    return {
        "by_status": Counter(s[0] for s in specs),
        "competing": len(competing),
        "by_axis": {n: by_axis.get(n, 0) for n in range(1, 5)},
        "success": {n: (successes.get(n, 0), by_axis.get(n, 0)) for n in range(1, 5)},
        "requested": sum(s[2] for s in competing),
        "retained": sum(s[2] for s in competing if s[0] in (S.RECOMMENDED, S.FUNDED)),
        "organisations": sorted(organisations.items(), key=lambda item: (-item[1], item[0])),
        "days": series,
        "reviewed": sum(1 for s in specs if s[5]),
        "scores": bins,
    }


def test_call_dashboard_numbers_match_the_arranged_data(client, pilot, arranged):
    english(pilot)
    client.force_login(pilot)
    call, stage = arranged["call"], arranged["stage"]
    expected = expected_call_numbers(SPECS, arranged["now"])
    response = client.get(reverse("dashboards:call"), {"call": call.pk})
    assert response.status_code == 200
    context, found = response.context, tables(response)
    axes = list(Axis.objects.order_by("number"))

    with translation.override("en"):
        status_rows = [[str(label), num(expected["by_status"].get(value, 0))]
                       for value, label in S.choices]
        axis_labels = [str(axis) for axis in axes]
    breakdown = context["breakdown"]
    assert breakdown["by_status"] == {k: v for k, v in expected["by_status"].items()}
    assert body(found["chart:by-status"]) == status_rows
    assert breakdown["competing"] == expected["competing"] == 5
    assert {axis.number: breakdown["competing_by_axis"].get(axis.pk, 0) for axis in axes} \
        == expected["by_axis"]
    assert body(found["chart:by-axis"]) == [
        [label, num(expected["by_axis"][axis.number])] for label, axis in zip(axis_labels, axes)]

    assert body(found["chart:by-organisation"]) == [
        [name, num(n)] for name, n in expected["organisations"]]

    assert breakdown["requested_eur"] == expected["requested"] == 2_000_000
    assert breakdown["retained_eur"] == expected["retained"] == 1_100_000
    assert body(found["chart:budget"]) == [
        ["Call envelope", num(3_000_000)],
        ["Requested by the applications in competition", num(expected["requested"])],
        ["Requested by the recommended or funded applications", num(expected["retained"])]]
    assert f"{num(expected['requested'])} € ({num(Decimal('66.7'), 1)} % of the envelope)" \
        in " ".join(response.content.decode().split())

    [(day_stage, day_chart)] = context["day_charts"]
    assert day_stage == stage
    with translation.override("en"):
        assert day_chart.rows == [(formats.date_format(day, "SHORT_DATE_FORMAT"), n)
                                  for day, n in expected["days"]]
    assert [row[1] for row in body(found[f"chart:{day_chart.id}"])] == [
        num(n) for _day, n in expected["days"]]

    [completion] = context["completion"]
    assert (completion["applications"], completion["expected"], completion["assigned"],
            completion["submitted"]) == (5, 5 * stage.reviews_per_application,
                                         expected["reviewed"] + 1, expected["reviewed"])
    assert body(found["review-completion"])[0][1:] == [
        "5", num(5 * stage.reviews_per_application), "6", "5", num(Decimal("83.3"), 1)]

    [histogram] = context["histograms"]
    assert [count for _label, count in histogram.rows] == expected["scores"]
    assert [row[1] for row in body(found[f"chart:{histogram.id}"])] == [
        num(n) for n in expected["scores"]]

    ccs = Committee.objects.get(code=CommitteeCode.CCS)
    csi = Committee.objects.get(code=CommitteeCode.CSI)
    rows = {row["committee"].code: row for row in context["votes"]["rows"]}
    assert rows["ccs"]["outcomes"] == [1, 0, 1, 0, 1] and rows["ccs"]["applications"] == 3
    assert rows["csi"]["outcomes"] == [0, 0, 0, 1, 0] and rows["csi"]["applications"] == 1
    vote_rows = {row[0]: row[1:] for row in body(found["vote-outcomes"])}
    assert vote_rows[ccs.name] == ["1", "0", "1", "0", "1", "3", "3"]
    assert vote_rows[csi.name] == ["0", "0", "0", "1", "0", "1", "1"]
    assert body(found["chart:votes"]) == [["Adopted", "1"], ["Rejected", "0"],
                                          ["No quorum", "1"], ["Ballot open", "1"],
                                          ["Ballot not opened", "1"]]

    success = {axis.number: (won, n) for axis, won, n, _p in context["success"]}
    assert success == expected["success"]
    assert body(found["success-rates"]) == [
        [label, num(won), num(n), num(Decimal(100 * won / n).quantize(Decimal("0.1")), 1)
         if n else "–"]
        for label, (won, n) in zip(axis_labels, [expected["success"][i] for i in range(1, 5)])]


def test_filters_change_the_numbers_and_stay_in_the_form(client, pilot, arranged):
    english(pilot)
    client.force_login(pilot)
    call, now = arranged["call"], arranged["now"]
    axis_2 = Axis.objects.get(number=2)
    response = client.get(reverse("dashboards:call"), {"call": call.pk, "axis": axis_2.pk})
    assert response.context["breakdown"]["by_status"] == {S.RECOMMENDED: 1, S.FUNDED: 1}
    assert f'<option value="{axis_2.pk}" selected>' in response.content.decode()

    # Sent two or three days ago (Paris days): four applications, one of them withdrawn.
    first, last = paris_day(now - timedelta(days=3, hours=1)), \
        paris_day(now - timedelta(days=2, hours=1))
    response = client.get(reverse("dashboards:call"), {
        "call": call.pk, "submitted_from": first.isoformat(), "submitted_to": last.isoformat()})
    expected = Counter(s[0] for s in SPECS if s[4] is not None
                       and first <= paris_day(now - timedelta(days=s[4], hours=1)) <= last)
    assert response.context["breakdown"]["by_status"] == dict(expected)
    html = response.content.decode()
    assert f'value="{first.isoformat()}"' in html and f'value="{last.isoformat()}"' in html

    csi = Committee.objects.get(code=CommitteeCode.CSI)
    response = client.get(reverse("dashboards:call"), {"call": call.pk, "committee": csi.pk})
    assert [row["committee"] for row in response.context["votes"]["rows"]] == [csi]
    assert response.context["votes"]["totals"] == [0, 0, 0, 1, 0]
    assert f'<option value="{csi.pk}" selected>' in response.content.decode()
    # The committee filter narrows the votes only.
    assert response.context["breakdown"]["competing"] == 5

    response = client.get(reverse("dashboards:call"), {
        "call": call.pk, "submitted_from": last.isoformat(), "submitted_to": first.isoformat()})
    assert "submitted_to" in response.context["form"].errors


def test_the_stage_filter_counts_one_stage(client, pilot):
    english(pilot)
    now = timezone.now()
    call = make_call(kind=CallKind.AMI, code="ami-dash", stages=[
        (StageKind.LETTER_OF_INTENT, now - timedelta(days=30), now - timedelta(days=20)),
        (StageKind.FULL_PROPOSAL, now - timedelta(days=10), now + timedelta(days=10))])
    letters, full = call.stages.order_by("number")
    organisation = OrganisationFactory()
    for _ in range(3):
        sent(letters, axis=1, budget=None, organisation=organisation,
             at=now - timedelta(days=25), status=S.SELECTED)
    sent(full, axis=1, budget=800_000, organisation=organisation, at=now - timedelta(days=1))
    client.force_login(pilot)
    both = client.get(reverse("dashboards:call"), {"call": call.pk})
    assert both.context["breakdown"]["by_status"] == {S.SELECTED: 3, S.SUBMITTED: 1}
    assert [stage for stage, _chart in both.context["day_charts"]] == [letters, full]
    one = client.get(reverse("dashboards:call"), {"call": call.pk, "stage": letters.pk})
    assert one.context["breakdown"]["by_status"] == {S.SELECTED: 3}
    assert [row["stage"] for row in one.context["completion"]] == [letters]
    assert f'<option value="{letters.pk}" selected>' in one.content.decode()
    with translation.override("en"):  # the deadline in the stage's label is Paris time
        closes = formats.date_format(timezone.localtime(letters.closes_at),
                                     "SHORT_DATETIME_FORMAT")
    assert f"1. Letter of intent (closes {closes})" in one.content.decode()
    # A stage of another call is refused and every stage of the chosen call is counted.
    stranger = make_call(code="aap-stranger").stages.get()
    mixed = client.get(reverse("dashboards:call"), {"call": call.pk, "stage": stranger.pk})
    assert "stage" in mixed.context["form"].errors
    assert mixed.context["breakdown"]["by_status"] == {S.SELECTED: 3, S.SUBMITTED: 1}


def test_submissions_are_counted_by_paris_day(client, pilot):
    """23:30 UTC is already the next day in Paris, summer or winter."""
    english(pilot)
    now = timezone.now()
    call = make_call(code="aap-days", stages=[
        (StageKind.FULL_PROPOSAL, now - timedelta(days=30), now - timedelta(days=1))])
    utc_day = (now - timedelta(days=10)).date()
    late_evening = datetime.combine(utc_day, datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=23, minutes=30)
    sent(call.stages.get(), axis=1, budget=None, organisation=OrganisationFactory(),
         at=late_evening)
    client.force_login(pilot)
    [(_stage, chart)] = client.get(reverse("dashboards:call"), {"call": call.pk}).context[
        "day_charts"]
    paris = utc_day + timedelta(days=1)
    deadline_day = paris_day(now - timedelta(days=1))
    with translation.override("en"):
        assert chart.rows == [
            (formats.date_format(paris + timedelta(days=i), "SHORT_DATE_FORMAT"),
             1 if i == 0 else 0) for i in range((deadline_day - paris).days + 1)]


def test_without_a_call_the_dashboard_opens_on_the_latest_opened_one(client, pilot):
    now = timezone.now()
    make_call(code="aap-old", stages=[
        (StageKind.FULL_PROPOSAL, now - timedelta(days=100), now - timedelta(days=50))])
    recent = make_call(code="aap-recent", stages=[
        (StageKind.FULL_PROPOSAL, now - timedelta(days=5), now + timedelta(days=5))])
    make_call(code="aap-future", stages=[
        (StageKind.FULL_PROPOSAL, now + timedelta(days=5), now + timedelta(days=50))])
    client.force_login(pilot)
    response = client.get(reverse("dashboards:call"))
    assert response.context["chosen"] == recent
    assert f'<option value="{recent.pk}" selected>' in response.content.decode()


def assert_charts_drawn_with_tables(response, charts):
    html, found = response.content.decode(), tables(response)
    for chart in charts:
        svg = re.search(rf'<svg [^>]*aria-labelledby="{chart.id}-title {chart.id}-desc"[^>]*>',
                        html)
        assert svg and 'role="img"' in svg.group(0), chart.id
        assert f'<title id="{chart.id}-title">' in html
        assert len(body(found[f"chart:{chart.id}"])) == len(chart.rows), chart.id
        # The table comes after its drawing, in the same figure.
        assert html.index('<table class="chart-data">', svg.end()) < html.index(
            "</figure>", svg.end())


def named_charts(response):
    return [response.context[key] for key in sorted(response.context.keys())
            if key.endswith("_chart")]


def test_charts_are_accessible_svg_followed_by_their_table(client, pilot, arranged):
    client.force_login(pilot)
    response = client.get(reverse("dashboards:call"), {"call": arranged["call"].pk})
    charts = named_charts(response) + response.context["histograms"]
    charts += [chart for _stage, chart in response.context["day_charts"]]
    assert len(charts) == 9  # seven sections, one score histogram, one day series
    assert_charts_drawn_with_tables(response, charts)
    call_project(ProjectOrigin.AAP, 2, 600_000, acronym="FUND")
    for name, count in [("dashboards:programme", 6), ("dashboards:projects", 3)]:
        response = client.get(reverse(name))
        charts = named_charts(response)
        assert len(charts) == count, name
        assert_charts_drawn_with_tables(response, charts)


# --- Arranging projects -------------------------------------------------------------------------

def call_project(origin, axis, budget, *, acronym, status=ProjectStatus.RUNNING, **fields):
    """A project of an AMI or AAP call, from a funded application of its own call."""
    kind = CallKind.AMI if origin == ProjectOrigin.AMI else CallKind.AAP
    stage = make_call(kind=kind, code=f"call-{acronym.lower()}").stages.get()
    application = ApplicationFactory(stage=stage, status=S.FUNDED, version=1, acronym=acronym,
                                     axis=Axis.objects.get(number=axis))
    return Project.objects.create(
        origin=origin, application=application, acronym=acronym, title_fr=f"Projet {acronym}",
        title_en=f"Project {acronym}", axis=application.axis,
        coordinator=application.coordinator, budget_eur=budget, status=status, **fields)


def priority_slot(axis, position, budget, *, acronym=None, start=None,
                  status=ProjectStatus.RUNNING):
    """A priority slot as staff import it (the import is not what these tests measure)."""
    Project.objects.filter(origin=ProjectOrigin.PRIORITY, axis__number=axis,
                           position=position).update(
        acronym=acronym or f"PRIO{axis}{position}", title_fr=f"Prioritaire {axis}.{position}",
        title_en=f"Priority {axis}.{position}", budget_eur=budget, start_date=start,
        status=status, coordinator=UserFactory())
    return Project.objects.get(origin=ProjectOrigin.PRIORITY, axis__number=axis,
                               position=position)


def partners(project, *budgets):
    return [ProjectPartner.objects.create(project=project, position=n,
                                          laboratory=f"Unité {project.acronym} {n}",
                                          lead_email=f"lead{n}@{project.acronym.lower()}.org",
                                          budget_eur=budget)
            for n, budget in enumerate(budgets, start=1)]


def written_report(project, *, year, spent, accept_by=None):
    """An annual report written, submitted through the services (and accepted by `accept_by`):
    `spent` maps each of the project's partners to what it spent in `year`."""
    report = report_services.schedule(project, kind="annual", title=f"Rapport {year}",
                                      year=year, due_at=timezone.now(), by=None)
    report_services.save_draft(
        report, by=project.coordinator,
        values={"public_summary_fr": "Résumé.", "public_summary_en": "Summary.",
                "publications_count": 1, "patents_count": 0, "fixed_term_staff_count": 1},
        budget={partner.pk: (1_000_000, euros) for partner, euros in spent.items()},
        scientific_report=pdf_upload(pages=2, name="rapport.pdf"),
        inspected=type("Inspected", (), {"pages": 2})())
    report_services.submit(report, by=project.coordinator)
    if accept_by:
        report_services.review(report, by=accept_by, action="accept")
    return report


def governance():
    return Project.objects.get(origin=ProjectOrigin.GOVERNANCE)


def governance_spending(euros, held_on):
    work_package = governance().work_packages.get(number=1)
    return GovernanceAction.objects.create(work_package=work_package, kind="event",
                                           title="Journées du PEPR", held_on=held_on,
                                           budget_eur=euros * 2, spent_eur=euros)


# --- The programme dashboard ---------------------------------------------------------------------

def arrange_programme(pilot):
    """Priority slots with budgets (one being prepared), the governance with its budget and an
    action, AMI and AAP calls with envelopes and a project each, and reports: accepted ones
    count as spent, a submitted one does not."""
    slot_11 = priority_slot(1, 1, 5_000_000, start=date(2024, 3, 1))
    priority_slot(2, 1, 3_000_000, start=date(2025, 1, 15))
    priority_slot(3, 2, 2_000_000, status=ProjectStatus.PREPARING)
    Project.objects.filter(pk=governance().pk).update(budget_eur=4_000_000,
                                                      start_date=date(2023, 1, 1))
    governance_spending(60_000, date(2025, 5, 1))
    ami = make_call(kind=CallKind.AMI, code="ami-prog", budget_envelope_eur=8_000_000, stages=[
        (StageKind.LETTER_OF_INTENT, datetime(2024, 2, 1, 9, tzinfo=UTC),
         datetime(2024, 4, 1, 15, tzinfo=UTC)),
        (StageKind.FULL_PROPOSAL, datetime(2024, 6, 1, 9, tzinfo=UTC),
         datetime(2024, 9, 1, 15, tzinfo=UTC))])
    # Opens on 31 December 2024 at 23:30 UTC: already 2025 in Paris.
    aap = make_call(code="aap-prog", budget_envelope_eur=12_000_000, stages=[
        (StageKind.FULL_PROPOSAL, datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
         datetime(2025, 3, 1, 15, tzinfo=UTC))])
    make_call(code="aap-draft", budget_envelope_eur=1_000_000, published=False, stages=[
        (StageKind.FULL_PROPOSAL, datetime(2026, 5, 1, 9, tzinfo=UTC),
         datetime(2026, 7, 1, 15, tzinfo=UTC))])
    make_call(code="aap-no-envelope", stages=[
        (StageKind.FULL_PROPOSAL, datetime(2026, 9, 1, 9, tzinfo=UTC),
         datetime(2026, 10, 1, 15, tzinfo=UTC))])
    projects = {}
    for stage, origin, axis, budget, created in [
            (ami.stages.get(number=2), ProjectOrigin.AMI, 1, 700_000,
             datetime(2025, 6, 1, 10, tzinfo=UTC)),
            (aap.stages.get(), ProjectOrigin.AAP, 2, 900_000,
             datetime(2025, 12, 31, 23, 30, tzinfo=UTC))]:  # 2026 in Paris
        application = ApplicationFactory(stage=stage, status=S.FUNDED, version=1,
                                         axis=Axis.objects.get(number=axis))
        projects[origin] = Project.objects.create(
            origin=origin, application=application, acronym=application.acronym,
            axis=application.axis, coordinator=application.coordinator, budget_eur=budget,
            status=ProjectStatus.RUNNING, created_at=created)
    unit_a, unit_b = partners(slot_11, 3_000_000, 2_000_000)
    written_report(slot_11, year=2024, spent={unit_a: 300_000, unit_b: 100_000},
                   accept_by=pilot)
    written_report(slot_11, year=2025, spent={unit_a: 999_000, unit_b: 999_000})  # submitted
    [unit_c] = partners(projects[ProjectOrigin.AMI], 700_000)
    written_report(projects[ProjectOrigin.AMI], year=2025, spent={unit_c: 70_000},
                   accept_by=pilot)


def test_programme_dashboard_rolls_up_allocated_committed_and_spent(client, pilot):
    english(pilot)
    programme = Programme.objects.get(code="bbti")
    assert (programme.budget_eur, programme.priority_projects_share,
            programme.governance_budget_eur) == (80_000_000, 61, 4_000_000)
    arrange_programme(pilot)
    client.force_login(pilot)
    response = client.get(reverse("dashboards:programme"))
    assert response.status_code == 200
    found = tables(response)

    # Allocated: the envelopes; committed: the budgets of the projects that run; spent: the
    # accepted reports' lines and the governance's actions.
    allocated = {"priority": 80_000_000 * 61 // 100, "governance": 4_000_000,
                 "ami": 8_000_000, "aap": 13_000_000}
    allocated["unallocated"] = 80_000_000 - sum(allocated.values())
    assert allocated["unallocated"] == 6_200_000
    committed = {"priority": 8_000_000, "governance": 4_000_000, "ami": 700_000,
                 "aap": 900_000, "unallocated": None}
    spent = {"priority": 400_000, "governance": 60_000, "ami": 70_000, "aap": 0,
             "unallocated": None}
    lines = response.context["overview"]["lines"]
    assert {line.key: (line.allocated, line.committed, line.spent) for line in lines} == {
        key: (allocated[key], committed[key], spent[key]) for key in allocated}

    def pct(value):
        return num(Decimal(value), 1)

    split = {row[0]: row[1:] for row in body(found["budget-split"])}
    assert split == {
        "Priority projects": [num(48_800_000), num(8_000_000), pct("16.4"), num(400_000),
                              pct("5.0")],
        "Governance": [num(4_000_000), num(4_000_000), pct("100.0"), num(60_000), pct("1.5")],
        "AMI (call envelopes)": [num(8_000_000), num(700_000), pct("8.8"), num(70_000),
                                 pct("10.0")],
        "AAP (call envelopes)": [num(13_000_000), num(900_000), pct("6.9"), "0", pct("0.0")],
        "Not yet in a call envelope": [num(6_200_000), "–", "–", "–", "–"],
        "Total": [num(80_000_000), num(13_600_000), pct("17.0"), num(530_000), pct("3.9")],
    }
    labels = [line.label for line in lines]
    assert body(found["chart:allocated"]) == [[str(label), num(allocated[line.key])]
                                              for label, line in zip(labels, lines)]
    assert body(found["chart:spent"]) == [[str(line.label), num(spent[line.key])]
                                          for line in lines[:4]]

    # Per axis: committed and spent of each origin with an axis, then allocated (the projects'
    # budgets, the slot being prepared included), committed and spent in all.
    with translation.override("en"):
        axis_labels = {axis.number: str(axis) for axis in Axis.objects.all()}
    per_axis = {1: [5_000_000, 400_000, 700_000, 70_000, 0, 0, 5_700_000, 5_700_000, 470_000],
                2: [3_000_000, 0, 0, 0, 900_000, 0, 3_900_000, 3_900_000, 0],
                3: [0, 0, 0, 0, 0, 0, 2_000_000, 0, 0], 4: [0] * 9}
    assert found["budget-by-axis"][2:] == [[axis_labels[n], *map(num, values)]
                                           for n, values in per_axis.items()]
    assert body(found["chart:by-axis"])[:2] == [
        [f"{axis_labels[1]}: committed", num(5_700_000)],
        [f"{axis_labels[1]}: spent", num(470_000)]]

    # Per year: envelopes by the call's first opening (Paris), budgets by the project's start
    # (a call's project not started yet: its creation, Paris), spending by the line's year.
    # Columns: AMI, AAP envelopes; committed and spent of priority, AMI, AAP, governance.
    years = {year: [0] * 10 for year in range(2023, 2031)}
    years[2023][8] = 4_000_000
    years[2024][0], years[2024][2], years[2024][3] = 8_000_000, 5_000_000, 400_000
    years[2025][1], years[2025][2] = 12_000_000, 3_000_000
    years[2025][4], years[2025][5], years[2025][9] = 700_000, 70_000, 60_000
    years[2026][1], years[2026][6] = 1_000_000, 900_000
    years[None] = [0] * 10  # the slots without a start date, the one prepared included
    expected = [[str(year) if year else "No date", *map(num, values),
                 num(sum(values[2::2])), num(sum(values[3::2]))]
                for year, values in years.items()]
    assert found["budget-by-year"][2:] == expected
    assert body(found["chart:envelopes-by-year"]) == [
        [row[0], num(sum(values[:2]))] for row, values in zip(expected, years.values())]


def test_the_governance_spends_through_its_actions(client, pilot):
    governance_spending(25_000, date(2026, 2, 1))
    client.force_login(english(pilot))
    lines = {line.key: line for line in client.get(reverse("dashboards:programme")).context[
        "overview"]["lines"]}
    assert (lines["governance"].allocated, lines["governance"].spent) == (4_000_000, 25_000)


# --- The projects dashboard ---------------------------------------------------------------------

def report(project, title, *, due, status=ProjectReportStatus.DRAFT, submitted=None):
    return ProjectReport.objects.create(project=project, title=title, due_at=due, status=status,
                                        submitted_at=submitted)


def deliverable(project, code, *, due, status=DeliverableStatus.PLANNED,
                kind=DeliverableKind.DELIVERABLE):
    return Deliverable.objects.create(project=project, code=code, title=f"Livrable {code}",
                                      due_date=due, status=status, kind=kind)


@pytest.fixture
def followed(pilot):
    """Projects of three origins with reports in every state, late and coming deliverables,
    an accepted report's spending and a governance action."""
    now, today = timezone.now(), timezone.localdate()
    alpha = call_project(ProjectOrigin.AAP, 1, 800_000, acronym="ALPHA")
    beta = call_project(ProjectOrigin.AMI, 2, 1_200_000, acronym="BETA",
                        status=ProjectStatus.PREPARING)
    slot = priority_slot(2, 1, 4_000_000, acronym="PRIO21")
    [unit] = partners(alpha, 800_000)
    written_report(alpha, year=2025, spent={unit: 100_000}, accept_by=pilot)
    SUB = ProjectReportStatus.SUBMITTED
    report(alpha, "alpha late", due=now - timedelta(days=5))
    report(alpha, "alpha returned", due=now - timedelta(days=2),
           status=ProjectReportStatus.RETURNED, submitted=now - timedelta(days=4))
    report(alpha, "alpha done", due=now - timedelta(days=10), status=SUB,
           submitted=now - timedelta(days=11))
    report(slot, "prio late", due=now - timedelta(days=40))
    report(beta, "beta soon", due=now + timedelta(days=10))
    report(beta, "beta later", due=now + timedelta(days=60))
    report(beta, "beta done soon", due=now + timedelta(days=3), status=SUB, submitted=now)
    deliverable(alpha, "D1", due=today - timedelta(days=3))
    deliverable(alpha, "D2", due=today - timedelta(days=3), status=DeliverableStatus.DELIVERED)
    deliverable(slot, "M1", due=today - timedelta(days=20), kind=DeliverableKind.MILESTONE)
    deliverable(beta, "D1", due=today + timedelta(days=5))
    governance_spending(10_000, today)
    return {"alpha": alpha, "beta": beta, "slot": slot}


def test_projects_dashboard_counts_reports_late_items_and_budgets(client, pilot, followed):
    english(pilot)
    client.force_login(pilot)
    response = client.get(reverse("dashboards:projects"))
    assert response.status_code == 200
    found, html = tables(response), response.content.decode()
    context = response.context
    assert body(found["report-counts"]) == [
        ["Reports late", "3"], ["Reports due within 30 days", "1"],
        ["Reports awaiting review", "2"], ["Reports accepted", "1"],
        ["Milestones and deliverables late", "2"]]
    assert [row[3] for row in body(found["late-reports"])] == [
        "prio late", "alpha late", "alpha returned"]
    assert [row[0] for row in body(found["late-reports"])] == ["PRIO21", "ALPHA", "ALPHA"]
    assert [row[3] for row in body(found["reports-due-soon"])] == ["beta soon"]
    assert [row[3] for row in body(found["reports-awaiting-review"])] == [
        "alpha done", "beta done soon"]
    assert [row[:3] for row in body(found["late-deliverables"])] == [
        ["PRIO21", "–", "M1"], ["ALPHA", "–", "D1"]]
    assert context["late"].paginator.count == 3 and context["deliverables"].paginator.count == 2

    assert body(found["projects-by-origin-table"]) == [
        ["Priority project", "1", num(4_000_000), num(4_000_000), "0", num(Decimal("0.0"), 1)],
        ["AMI project", "1", num(1_200_000), "0", "0", "–"],
        ["AAP project", "1", num(800_000), num(800_000), num(100_000), num(Decimal("12.5"), 1)],
        ["Governance", "1", num(4_000_000), num(4_000_000), num(10_000),
         num(Decimal("0.2"), 1)]]
    assert body(found["chart:projects-by-origin"])[4:6] == [
        ["AAP project: allocated", num(800_000)], ["AAP project: spent", num(100_000)]]

    # One table of every project, priority projects first, each leading to its page; the
    # priority slots not imported yet are not projects yet.
    rows = body(found["projects"])
    assert [row[0] for row in rows] == ["PRIO21", "BETA", "ALPHA", governance().acronym]
    assert context["projects"].paginator.count == 4
    by_name = {row[0]: row for row in rows}
    assert by_name["PRIO21"][1:9] == ["Priority project", "2", "Priority 2.1", "Running",
                                      followed["slot"].coordinator.get_full_name(),
                                      num(4_000_000), "0", "1"]
    assert by_name["ALPHA"][1:9] == ["AAP project", "1", "Project ALPHA", "Running",
                                     followed["alpha"].coordinator.get_full_name(),
                                     num(800_000), num(100_000), "1"]
    assert by_name["BETA"][4] == "Preparing" and by_name["BETA"][8] == "0"
    for name in ["alpha", "beta", "slot"]:
        detail = reverse("projects:detail", args=[followed[name].pk])
        assert f'href="{detail}"' in html


def test_the_projects_dashboard_filters_by_axis_and_origin(client, pilot, followed):
    english(pilot)
    client.force_login(pilot)
    axis_2 = Axis.objects.get(number=2)
    response = client.get(reverse("dashboards:projects"), {"axis": axis_2.pk})
    found = tables(response)
    assert [row[3] for row in body(found["late-reports"])] == ["prio late"]
    assert [row[3] for row in body(found["reports-awaiting-review"])] == ["beta done soon"]
    assert [row[2] for row in body(found["late-deliverables"])] == ["M1"]
    assert [row[0] for row in body(found["projects"])] == ["PRIO21", "BETA"]
    with translation.override("en"):
        assert [row[0] for row in found["projects-by-axis-table"][2:]] == [str(axis_2)]
    assert f'<option value="{axis_2.pk}" selected>' in response.content.decode()

    response = client.get(reverse("dashboards:projects"), {"origin": ProjectOrigin.AAP})
    found = tables(response)
    assert [row[0] for row in body(found["projects"])] == ["ALPHA"]
    assert [row[3] for row in body(found["late-reports"])] == ["alpha late", "alpha returned"]
    assert body(found["projects-by-origin-table"]) == [
        ["AAP project", "1", num(800_000), num(800_000), num(100_000), num(Decimal("12.5"), 1)]]
    assert '<option value="aap" selected>' in response.content.decode()

    response = client.get(reverse("dashboards:projects"), {"origin": ProjectOrigin.GOVERNANCE})
    found = tables(response)
    assert "projects-by-axis-table" not in found  # the governance has no axis
    assert [row[0] for row in body(found["projects"])] == [governance().acronym]

    refused = client.get(reverse("dashboards:projects"), {"origin": "lost", "axis": "x"})
    assert refused.status_code == 200
    assert {"origin", "axis"} <= set(refused.context["form"].errors)
    assert refused.context["projects"].paginator.count == 4  # an invalid filter is ignored


def test_the_projects_lists_are_paged_and_keep_the_other_parameters(client, pilot):
    """Django's Paginator with the total the page counted: 25 rows a page, links that keep the
    filter and the other lists' pages, a wrong page number read as the first page and a number
    past the end as the last."""
    english(pilot)
    now = timezone.now()
    project = call_project(ProjectOrigin.AAP, 2, 100_000, acronym="PAGED")
    ProjectReport.objects.bulk_create(
        ProjectReport(project=project, title=f"Late {n:02d}",
                      due_at=now - timedelta(days=40 - n)) for n in range(27))
    axis = project.axis
    client.force_login(pilot)
    address = reverse("dashboards:projects")
    first = client.get(address, {"axis": axis.pk, "soon_page": 1})
    page = first.context["late"]
    assert page.number == 1 and page.paginator.num_pages == 2 and page.paginator.count == 27
    assert [r.title for r in page.object_list] == [f"Late {n:02d}" for n in range(25)]
    html = first.content.decode()
    assert "27 reports late" in html and "Page 1 of 2" in html
    assert f'href="?axis={axis.pk}&amp;soon_page=1&amp;late_page=2">Next</a>' in html
    second = client.get(address, {"axis": axis.pk, "late_page": 2})
    assert [r.title for r in second.context["late"].object_list] == ["Late 25", "Late 26"]
    assert f'href="?axis={axis.pk}&amp;late_page=1">Previous</a>' in second.content.decode()
    assert client.get(address, {"late_page": "x"}).context["late"].number == 1
    assert client.get(address, {"late_page": 9}).context["late"].number == 2


# --- Queries do not grow with the rows --------------------------------------------------------

def populate(count, *, by, code):
    """A call with `count` sent applications, each reviewed, on a CCS agenda and followed as an
    AAP project with two partners, a late and a coming deliverable, a late report, a coming
    one and an accepted one with its spending."""
    now, today = timezone.now(), timezone.localdate()
    stage = make_call(code=code, budget_envelope_eur=1_000_000, stages=[
        (StageKind.FULL_PROPOSAL, now - timedelta(days=10), now + timedelta(days=5))]).stages.get()
    reviewer = UserFactory()
    session = voting.create_session(committee=Committee.objects.get(code=CommitteeCode.CCS),
                                    title="CCS", held_at=now, by=by, stage=stage)
    applications = []
    for index in range(count):
        application = sent(stage, axis=index % 4 + 1, budget=100_000,
                           organisation=OrganisationFactory(),
                           at=now - timedelta(days=index % 7))
        review(application, reviewer, by=by, letters="ABC")
        applications.append(application)
    voting.add_to_agenda(session, applications, motion=S.RECOMMENDED, by=by)
    for application in applications:
        project = Project.objects.create(
            origin=ProjectOrigin.AAP, application=application, acronym=application.acronym,
            axis=application.axis, coordinator=application.coordinator, budget_eur=100_000,
            status=ProjectStatus.RUNNING)
        units = partners(project, 60_000, 40_000)
        deliverable(project, "D1", due=today - timedelta(days=2))
        deliverable(project, "D2", due=today + timedelta(days=20))
        report(project, "Annual", due=now - timedelta(days=1))
        report(project, "Next", due=now + timedelta(days=10))
        accepted = report(project, "Accepted", due=now - timedelta(days=30),
                          status=ProjectReportStatus.ACCEPTED, submitted=now)
        ReportBudgetLine.objects.bulk_create(
            ReportBudgetLine(report=accepted, partner=unit, year=2025, spent_eur=1_000)
            for unit in units)
    return stage.call


READS_ROWS = re.compile(r'\b(FROM|JOIN) "(calls_application|calls_review|calls_assignment|'
                        r'governance_agendaitem|projects_project|projects_projectreport|'
                        r'projects_deliverable|projects_reportbudgetline)"')


def measured(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
        assert response.status_code == 200, address
    for query in queries.captured_queries:
        sql = query["sql"]
        # Every read of a table that grows with the applications is grouped or LIMITed.
        if sql.startswith("SELECT") and READS_ROWS.search(sql):
            assert re.search(r"GROUP BY|LIMIT|COUNT\(|SUM\(", sql), sql
    return len(queries), response


def test_queries_do_not_grow_with_the_number_of_applications(client, pilot, ccs_member):
    small = populate(3, by=pilot, code="aap-small")
    client.force_login(pilot)
    few = {name: measured(client, reverse(name) + f"?call={small.pk}")[0]
           for name in DASHBOARDS}
    client.force_login(ccs_member)
    few_ccs = measured(client, reverse("dashboards:call") + f"?call={small.pk}")[0]

    large = populate(30, by=pilot, code="aap-large")
    client.force_login(pilot)
    for name in DASHBOARDS:
        many, response = measured(client, reverse(name) + f"?call={large.pk}")
        assert many == few[name], name
    # The projects page read the new rows: 33 late reports and deliverables, 33 projects and
    # the governance.
    context = response.context
    assert context["late"].paginator.count == 33
    assert context["deliverables"].paginator.count == 33
    assert context["projects"].paginator.count == 34
    assert context["report_counts"]["accepted"] == 33
    many, response = measured(client, reverse("dashboards:call") + f"?call={large.pk}")
    assert response.context["breakdown"]["competing"] == 30
    client.force_login(ccs_member)
    many_ccs, response = measured(client, reverse("dashboards:call") + f"?call={large.pk}")
    assert many_ccs == few_ccs
    assert response.context["votes"]["applications"] == 30
