"""The count, mean and spread of the submitted reviews are read once
(calls.evaluation.selectors.review_aggregates): the pilots' progress page, the decision page, the
API, the call report and the dashboard give the same numbers, over the applications in
competition only, and the per-criterion aggregates agree with the scores given."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token

from calls.applications import services as submission
from calls.applications.models import Application
from calls.evaluation import services as evaluation
from calls.evaluation.models import Assignment
from calls.evaluation.selectors import (
    criterion_aggregates,
    review_counts_by_stage,
    review_summary,
    with_review_aggregates,
)
from pepr.reports.sources import call_statistics, ranked_lines
from tests.factories import UserFactory, make_call
from tests.pepr.test_exports import review, submitted_application


@pytest.fixture
def arranged(db, pilot):
    """On one letter-of-intent stage (two criteria, A=3, B=2, C=1): an application with reviews
    A A (3.00) and B C (1.50) and a pending assignment, one without any review, and a withdrawn
    one with a review."""
    stage = make_call(code="aap-aggregates").stages.get()
    reviewed = submitted_application(stage, UserFactory(), acronym="REVIEWED")
    review(reviewed, UserFactory(), by=pilot, values=["A", "A"])
    review(reviewed, UserFactory(), by=pilot, values=["B", "C"])
    evaluation.assign(reviewed, UserFactory(), by=pilot)
    unreviewed = submitted_application(stage, UserFactory(), acronym="UNREVIEWED")
    withdrawn = submitted_application(stage, UserFactory(), acronym="WITHDRAWN")
    review(withdrawn, UserFactory(), by=pilot, values=["C", "C"])
    submission.withdraw(withdrawn, by=withdrawn.coordinator)
    return {"stage": stage, "reviewed": reviewed, "unreviewed": unreviewed,
            "withdrawn": withdrawn}


EXPECTED = {"assigned": 3, "done": 2, "mean": Decimal("2.25"), "spread": Decimal("1.50")}
NOTHING = {"assigned": 0, "done": 0, "mean": None, "spread": None}


def _values(row):
    return {name: getattr(row, name) for name in EXPECTED}


def test_grouped_and_correlated_reads_give_the_same_aggregates(arranged):
    applications = Application.objects.filter(
        pk__in=[arranged["reviewed"].pk, arranged["unreviewed"].pk]).order_by("pk")
    for correlated in (False, True):
        rows = list(with_review_aggregates(applications, correlated=correlated))
        assert [_values(row) for row in rows] == [EXPECTED, NOTHING], correlated
    assert review_summary(arranged["reviewed"]) == EXPECTED
    [mean_only] = with_review_aggregates(applications.filter(pk=arranged["reviewed"].pk), "mean")
    assert mean_only.mean == EXPECTED["mean"] and not hasattr(mean_only, "spread")


def test_per_criterion_aggregates(arranged):
    rows = list(criterion_aggregates(Application.objects.filter(stage=arranged["stage"])))
    reviewed, withdrawn = arranged["reviewed"].pk, arranged["withdrawn"].pk
    assert rows == [
        {"application": reviewed, "position": 1, "count": 2, "mean": Decimal("2.5"),
         "lowest": 2, "highest": 3, "spread": 1},
        {"application": reviewed, "position": 2, "count": 2, "mean": Decimal("2"),
         "lowest": 1, "highest": 3, "spread": 2},
        {"application": withdrawn, "position": 1, "count": 1, "mean": Decimal("1"),
         "lowest": 1, "highest": 1, "spread": 0},
        {"application": withdrawn, "position": 2, "count": 1, "mean": Decimal("1"),
         "lowest": 1, "highest": 1, "spread": 0},
    ]


def test_pages_api_and_report_show_the_same_numbers(client, pilot, anr_officer, arranged):
    stage, reviewed = arranged["stage"], arranged["reviewed"]
    pilot.language = "en"
    pilot.save()
    client.force_login(pilot)
    progress = client.get(reverse("evaluation:progress", args=[stage.pk]))
    rows = {row.pk: _values(row) for row in progress.context["page"].object_list}
    # In competition: the withdrawn application is not followed.
    assert rows == {reviewed.pk: EXPECTED, arranged["unreviewed"].pk: NOTHING}
    decide = client.get(reverse("decisions:decide", args=[reviewed.pk]))
    assert decide.context["summary"] == EXPECTED

    token = Token.objects.create(user=anr_officer).key
    results = client.get(reverse("api:reviews-summary"), {"stage": stage.pk},
                         HTTP_AUTHORIZATION=f"Token {token}").json()["results"]
    assert [(r["id"], r["reviews_assigned"], r["reviews_submitted"], r["mean"], r["spread"])
            for r in results] == [(reviewed.pk, 3, 2, "2.25", "1.50"),
                                  (arranged["unreviewed"].pk, 0, 0, None, None)]

    with translation.override("en"):
        _header, best, last = list(ranked_lines(stage))
    assert best.split()[:2] == ["1", reviewed.reference] and " 2.25 " in best
    assert last.split()[1] == arranged["unreviewed"].reference
    completion = {row["stage"].pk: (row["applications"], row["assigned"], row["submitted"])
                  for row in call_statistics(stage.call)["completion"]}
    # Assignments are counted over the stage; applications in competition only.
    assert completion == {stage.pk: (2, 4, 3)}
    assert review_counts_by_stage(Assignment.objects.filter(application__stage=stage)) == {
        stage.pk: (4, 3)}
