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
from projects.models import FundedProject, PriorityProject, ProjectReport
from tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    UserFactory,
    make_call,
    member_of,
)

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
    FundedProject.objects.create(
        application=arranged["applications"][3], acronym="FUND", title="Funded",
        axis=arranged["applications"][3].axis, coordinator=arranged["applications"][3].coordinator,
        budget_eur=600_000)
    for name, count in [("dashboards:programme", 5), ("dashboards:projects", 3)]:
        response = client.get(reverse(name))
        charts = named_charts(response)
        assert len(charts) == count, name
        assert_charts_drawn_with_tables(response, charts)


# --- The programme dashboard ---------------------------------------------------------------------

def test_programme_dashboard_numbers_match_the_arranged_data(client, pilot):
    english(pilot)
    programme = Programme.objects.get(code="bbti")
    assert (programme.budget_eur, programme.priority_projects_share,
            programme.governance_budget_eur) == (80_000_000, 61, 4_000_000)
    budgets = {(1, 1): (5_000_000, date(2024, 3, 1)), (2, 1): (3_000_000, date(2025, 1, 15)),
               (3, 2): (2_000_000, None)}
    for (axis, position), (budget, start) in budgets.items():
        PriorityProject.objects.filter(axis__number=axis, position=position).update(
            budget_eur=budget, start_date=start)
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
    funded = [(ami.stages.get(number=2), 1, 700_000, datetime(2025, 6, 1, 10, tzinfo=UTC)),
              (aap.stages.get(), 2, 900_000, datetime(2025, 12, 31, 23, 30, tzinfo=UTC))]
    for stage, axis, budget, created in funded:
        application = ApplicationFactory(stage=stage, status=S.FUNDED, version=1,
                                         axis=Axis.objects.get(number=axis))
        project = FundedProject.objects.create(
            application=application, acronym=application.acronym, title=application.title,
            axis=application.axis, coordinator=application.coordinator, budget_eur=budget)
        FundedProject.objects.filter(pk=project.pk).update(created_at=created)

    client.force_login(pilot)
    response = client.get(reverse("dashboards:programme"))
    assert response.status_code == 200
    found = tables(response)
    priority_planned = 80_000_000 * 61 // 100
    priority_committed = sum(budget for budget, _start in budgets.values())
    planned = {"priority": priority_planned, "governance": 4_000_000, "ami": 8_000_000,
               "aap": 13_000_000}
    planned["unallocated"] = 80_000_000 - sum(planned.values())
    committed = {"priority": priority_committed, "governance": None, "ami": 700_000,
                 "aap": 900_000, "unallocated": None}
    lines = response.context["overview"]["lines"]
    assert {line.key: (line.planned, line.committed) for line in lines} == {
        key: (planned[key], committed[key]) for key in planned}
    assert planned["unallocated"] == 6_200_000
    split = {row[0]: row[1:] for row in body(found["budget-split"])}
    assert split["Priority projects"] == [num(48_800_000), num(10_000_000),
                                          num(Decimal("20.5"), 1)]
    assert split["Governance"] == [num(4_000_000), "–", "–"]
    assert split["AMI (call envelopes)"] == [num(8_000_000), num(700_000),
                                             num(Decimal("8.8"), 1)]
    assert split["AAP (call envelopes)"] == [num(13_000_000), num(900_000),
                                             num(Decimal("6.9"), 1)]
    assert split["Total"] == [num(80_000_000), num(11_600_000), num(Decimal("14.5"), 1)]
    assert body(found["chart:planned"]) == [
        [label, num(planned[key])] for key, label in [
            ("priority", "Priority projects"), ("governance", "Governance"),
            ("ami", "AMI (call envelopes)"), ("aap", "AAP (call envelopes)"),
            ("unallocated", "Not yet in a call envelope")]]

    # Per axis: the twelve slots (three per axis) and the funded projects.
    slots = Counter(PriorityProject.objects.values_list("axis__number", flat=True))
    axis_budget = {1: (5_000_000, 700_000, 0), 2: (3_000_000, 0, 900_000),
                   3: (2_000_000, 0, 0), 4: (0, 0, 0)}
    with translation.override("en"):
        labels = {axis.number: str(axis) for axis in Axis.objects.all()}
    assert body(found["budget-by-axis"]) == [
        [labels[n], num(slots[n]), num(p), "1" if a else "0", num(a), "1" if b else "0", num(b),
         num(p + a + b)] for n, (p, a, b) in axis_budget.items()]
    assert body(found["chart:by-axis"]) == [[labels[n], num(sum(v))]
                                            for n, v in axis_budget.items()]

    # Per year: envelopes by the year (Paris) of the call's first opening, funded projects by
    # their creation (Paris), priority projects by their start.
    years = {year: [0, 0, 0, 0, 0] for year in range(2023, 2031)}  # AMI env, AAP env, prio, AMI, AAP
    years[2024][0] += 8_000_000
    years[2025][1] += 12_000_000
    years[2026][1] += 1_000_000
    years[2024][2] += 5_000_000
    years[2025][2] += 3_000_000
    years[2025][3] += 700_000
    years[2026][4] += 900_000  # 31 December 2025 23:30 UTC is 2026 in Paris
    expected_rows = [[str(year), *map(num, values), num(sum(values[2:]))]
                     for year, values in years.items()]
    # "No date": the call without an envelope has stages; the undated slot has a budget.
    expected_rows.append(["No date", "0", "0", num(2_000_000), "0", "0", num(2_000_000)])
    assert body(found["budget-by-year"]) == expected_rows
    assert body(found["chart:envelopes-by-year"]) == [
        [row[0], num(int(row[1].replace(",", "")) + int(row[2].replace(",", "")))]
        for row in expected_rows]


# --- The projects dashboard ---------------------------------------------------------------------

def funded_project(axis, budget, *, acronym):
    stage = make_call(code=f"call-{acronym.lower()}").stages.get()
    application = ApplicationFactory(stage=stage, status=S.FUNDED, version=1, acronym=acronym,
                                     axis=Axis.objects.get(number=axis))
    return FundedProject.objects.create(
        application=application, acronym=acronym, title=f"Projet {acronym}",
        axis=application.axis, coordinator=application.coordinator, budget_eur=budget)


def test_projects_dashboard_lists_reports_and_budgets(client, pilot):
    english(pilot)
    now = timezone.now()
    alpha = funded_project(1, 800_000, acronym="ALPHA")
    beta = funded_project(2, 1_200_000, acronym="BETA")
    slot = PriorityProject.objects.get(axis__number=2, position=1)
    slot.acronym, slot.budget_eur = "PRIO21", 4_000_000
    slot.save()
    reports = {
        "alpha late": dict(funded_project=alpha, due_at=now - timedelta(days=5)),
        "prio late": dict(priority_project=slot, due_at=now - timedelta(days=40)),
        "alpha done": dict(funded_project=alpha, due_at=now - timedelta(days=10),
                           submitted_at=now - timedelta(days=11)),
        "beta soon": dict(funded_project=beta, due_at=now + timedelta(days=10)),
        "beta later": dict(funded_project=beta, due_at=now + timedelta(days=60)),
        "beta done soon": dict(funded_project=beta, due_at=now + timedelta(days=3),
                               submitted_at=now),
    }
    for title, fields in reports.items():
        ProjectReport.objects.create(title=title, **fields)
    late = sorted([t for t, f in reports.items() if not f.get("submitted_at")
                   and f["due_at"] < now], key=lambda t: reports[t]["due_at"])
    soon = [t for t, f in reports.items() if not f.get("submitted_at")
            and now <= f["due_at"] < now + timedelta(days=30)]

    client.force_login(pilot)
    response = client.get(reverse("dashboards:projects"))
    assert response.status_code == 200
    found = tables(response)
    assert [r.title for r in response.context["late_reports"]] == late == ["prio late",
                                                                           "alpha late"]
    assert [row[3] for row in body(found["late-reports"])] == late
    assert [row[0] for row in body(found["late-reports"])] == ["PRIO21", "ALPHA"]
    assert [r.title for r in response.context["soon_reports"]] == soon == ["beta soon"]
    assert [row[3] for row in body(found["reports-due-soon"])] == soon
    assert response.context["late"].paginator.count == 2
    assert response.context["soon"].paginator.count == 1

    with translation.override("en"):
        labels = {axis.number: str(axis) for axis in Axis.objects.all()}
    assert body(found["projects-by-axis"]) == [
        [labels[1], "3", "0", "0", "0", "1", num(800_000), num(800_000)],
        [labels[2], "3", num(4_000_000), "0", "0", "1", num(1_200_000), num(5_200_000)],
        [labels[3], "3", "0", "0", "0", "0", "0", "0"],
        [labels[4], "3", "0", "0", "0", "0", "0", "0"]]
    assert [row[0::4] for row in body(found["funded-projects"])] == [
        ["BETA", num(1_200_000)], ["ALPHA", num(800_000)]]
    assert body(found["chart:funded-budgets"]) == [["BETA", num(1_200_000)],
                                                   ["ALPHA", num(800_000)]]

    axis_2 = Axis.objects.get(number=2)
    filtered = client.get(reverse("dashboards:projects"), {"axis": axis_2.pk})
    found = tables(filtered)
    assert [r.title for r in filtered.context["late_reports"]] == ["prio late"]
    assert [r.title for r in filtered.context["soon_reports"]] == ["beta soon"]
    assert body(found["projects-by-axis"]) == [
        [labels[2], "3", num(4_000_000), "0", "0", "1", num(1_200_000), num(5_200_000)]]
    assert [row[0] for row in body(found["funded-projects"])] == ["BETA"]
    assert f'<option value="{axis_2.pk}" selected>' in filtered.content.decode()


def test_the_projects_lists_are_paged_and_keep_the_other_parameters(client, pilot):
    """Django's Paginator with the total the page counted: 25 rows a page, links that keep the
    filter and the other lists' pages, a wrong page number read as the first page and a number
    past the end as the last."""
    english(pilot)
    now = timezone.now()
    project = funded_project(2, 100_000, acronym="PAGED")
    ProjectReport.objects.bulk_create(
        ProjectReport(funded_project=project, title=f"Late {n:02d}",
                      due_at=now - timedelta(days=40 - n)) for n in range(27))
    axis = project.axis
    client.force_login(pilot)
    address = reverse("dashboards:projects")
    first = client.get(address, {"axis": axis.pk, "soon_page": 1})
    page = first.context["late"]
    assert page.number == 1 and page.paginator.num_pages == 2 and page.paginator.count == 27
    assert [r.title for r in first.context["late_reports"]] == [f"Late {n:02d}"
                                                              for n in range(25)]
    html = first.content.decode()
    assert "27 reports late" in html and "Page 1 of 2" in html
    assert f'href="?axis={axis.pk}&amp;soon_page=1&amp;late_page=2">Next</a>' in html
    second = client.get(address, {"axis": axis.pk, "late_page": 2})
    assert [r.title for r in second.context["late_reports"]] == ["Late 25", "Late 26"]
    assert f'href="?axis={axis.pk}&amp;late_page=1">Previous</a>' in second.content.decode()
    assert client.get(address, {"late_page": "x"}).context["late"].number == 1
    assert client.get(address, {"late_page": 9}).context["late"].number == 2


# --- Queries do not grow with the rows --------------------------------------------------------

def populate(count, *, by, code):
    """A call with `count` sent applications, each reviewed, on a CCS agenda and followed as a
    funded project with a late report."""
    now = timezone.now()
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
        project = FundedProject.objects.create(
            application=application, acronym=application.acronym, title=application.title,
            axis=application.axis, coordinator=application.coordinator, budget_eur=100_000)
        ProjectReport.objects.create(funded_project=project, title="Annual",
                                     due_at=now - timedelta(days=1))
        ProjectReport.objects.create(funded_project=project, title="Next",
                                     due_at=now + timedelta(days=10))
    return stage.call


READS_ROWS = re.compile(r'\b(FROM|JOIN) "(calls_application|calls_review|calls_assignment|'
                        r'governance_agendaitem|projects_fundedproject|projects_projectreport)"')


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
    assert response.context["late"].paginator.count == 33  # the projects page read the new rows
    many, response = measured(client, reverse("dashboards:call") + f"?call={large.pk}")
    assert response.context["breakdown"]["competing"] == 30
    client.force_login(ccs_member)
    many_ccs, response = measured(client, reverse("dashboards:call") + f"?call={large.pk}")
    assert many_ccs == few_ccs
    assert response.context["votes"]["applications"] == 30
