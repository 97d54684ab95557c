"""The evaluation pages: who reaches which object URL, the declaration gate, anonymity, the
review form, assignments and suggestions, progress and ranking, decisions, letters and the audit
trail; list pages keep a constant number of queries."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calls.applications import services as submission
from calls.applications.models import Application, ApplicationStatus
from calls.decisions import services as decisions
from calls.decisions.models import DecisionLetter
from calls.evaluation import conflicts
from calls.evaluation import services as evaluation
from calls.evaluation.conflicts import conflicted_with
from calls.evaluation.models import Assignment, Conflict, Declaration, ReviewStatus
from calls.setup.models import Stage, StageKind
from pepr.core.models import AuditEvent, CommitteeCode, Role
from pepr.core.services import grant_role
from projects.models import Project
from tests.calls.helpers import complete
from tests.factories import OrganisationFactory, UserFactory, make_call, member_of, same_unit

LOGIN = "/accounts/login/"


# --- Arrangement, through the services ---

def _stage(kind=StageKind.LETTER_OF_INTENT, **options):
    now = timezone.now()
    stage = make_call(stages=[(kind, now - timedelta(days=1), now + timedelta(days=10))]
                      ).stages.get()
    if options:  # the call's evaluation settings, as a pilot sets them
        Stage.objects.filter(pk=stage.pk).update(**options)
        stage.refresh_from_db()
    return stage


def _submitted(stage, coordinator):
    application = complete(submission.start_application(stage, by=coordinator), coordinator)
    return submission.submit(application, by=coordinator)[0]


def _expert(**fields):
    user = UserFactory(language="en", **fields)
    grant_role(user, Role.REVIEWER)
    return user


def _review(assignment, values, recommendation="support", **comments):
    """Sign, score each criterion with `values` in order, submit."""
    reviewer = assignment.reviewer
    evaluation.sign_declaration(assignment.application.stage.call, reviewer=reviewer)
    criteria = list(assignment.application.stage.criteria.all())
    evaluation.save_review(assignment, by=reviewer, recommendation=recommendation,
                           scores={c.pk: (v, "") for c, v in zip(criteria, values)}, **comments)
    return evaluation.submit_review(assignment, by=reviewer)


def _messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def coordinator(db):
    return UserFactory(first_name="Hortense", last_name="Zylberstein",
                       email="hortense.zylberstein@example.org", laboratory="Unité Gènes")


@pytest.fixture
def stage(db):
    return _stage()


@pytest.fixture
def application(stage, coordinator):
    return _submitted(stage, coordinator)


@pytest.fixture
def en_pilot(db):
    return member_of(CommitteeCode.STEERING, language="en", email="pilot.en@example.org")


@pytest.fixture
def expert(db):
    return _expert(email="expert@example.org")


@pytest.fixture
def assignment(application, expert, en_pilot):
    return evaluation.assign(application, expert, by=en_pilot)


def _reviewer_urls(assignment):
    return [reverse("evaluation:review", args=[assignment.pk]),
            reverse("evaluation:declare_conflict", args=[assignment.pk]),
            reverse("evaluation:declaration", args=[assignment.application.stage.call_id])]


def _pilot_get_urls(application, letter=None):
    stage_pk = application.stage_id
    urls = [reverse(f"evaluation:{name}", args=[stage_pk])
            for name in ("assignments", "suggest", "progress")]
    urls.append(reverse("decisions:letters", args=[stage_pk]))
    urls += [reverse("evaluation:stages"), reverse("decisions:decide", args=[application.pk]),
             reverse("evaluation:audit")]
    if letter:
        urls.append(reverse("decisions:letter", args=[letter.pk]))
    return urls


def _pilot_post_urls(application, assignment):
    stage_pk = application.stage_id
    return [reverse("evaluation:assign", args=[application.pk]),
            reverse("evaluation:unassign", args=[assignment.pk]),
            reverse("projects:create_from_application", args=[application.pk]),
            reverse("decisions:draft_letters", args=[stage_pk]),
            reverse("decisions:send_letters", args=[stage_pk])]


@pytest.fixture
def letter(application, assignment, en_pilot):
    decisions.decide(application, ApplicationStatus.SELECTED, by=en_pilot)
    return decisions.draft_letters(application.stage, by=en_pilot)[0]


# --- Who reaches what ---

def test_anonymous_is_sent_to_login_everywhere(client, application, assignment, letter):
    for url in [reverse("evaluation:my_reviews"), *_reviewer_urls(assignment),
                *_pilot_get_urls(application, letter)]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(LOGIN), url
    for url in _pilot_post_urls(application, assignment):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302 and response.url.startswith(LOGIN), url
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_applicant_and_other_reviewers_cannot_reach_someone_elses_files(
        client, application, assignment, letter, coordinator):
    someone = _expert()
    for user in (coordinator, someone):
        client.force_login(user)
        assert client.get(reverse("evaluation:my_reviews")).status_code == 200
        for url in _reviewer_urls(assignment):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"reason": "x", "recommendation": "support",
                                     "submit": "1"}).status_code == 404, url
        for url in _pilot_get_urls(application, letter):
            assert client.get(url).status_code == 403, url
        for url in _pilot_post_urls(application, assignment):
            assert client.post(url, {"reviewer": someone.pk, "role": "external"}
                               ).status_code == 403, url
    assert not Declaration.objects.exists() and not Conflict.objects.exists()
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert not hasattr(Assignment.objects.get(pk=assignment.pk), "review")


def test_a_pilot_with_a_conflict_neither_sees_nor_reaches_the_file(
        client, application, assignment, letter, coordinator):
    conflicted = member_of(CommitteeCode.STEERING, language="en",
                           **same_unit(coordinator))
    _review(assignment, ["A", "B"], comment_for_committee="Strong consortium remark")
    client.force_login(conflicted)
    for url in [*_reviewer_urls(assignment)[:2], reverse("decisions:decide", args=[
            application.pk]), reverse("decisions:letter", args=[letter.pk])]:
        assert client.get(url).status_code == 404, url
    for url in _pilot_post_urls(application, assignment)[:3]:
        assert client.post(url, {"reviewer": conflicted.pk, "role": "external"}
                           ).status_code == 404, url
    still_open = _submitted(application.stage, coordinator)  # the first one is decided
    for name in ("evaluation:assignments", "evaluation:progress", "decisions:letters",
                 "evaluation:suggest"):
        response = client.get(reverse(name, args=[application.stage_id]))
        assert response.status_code == 200, name  # the page works, it just leaves them out
        html = response.content.decode()
        assert application.reference not in html and still_open.reference not in html, name
        if name in ("evaluation:assignments", "evaluation:progress"):
            assert "not shown to you because of a conflict of interest" in html
    audit = client.get(reverse("evaluation:audit")).content.decode()
    assert "submitted a review" not in audit and application.reference not in audit
    assert not conflicted.has_perm("calls.view_reviews", application)
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_reviewer_conflicted_after_assignment_gets_404(client, application, assignment,
                                                         coordinator, expert):
    evaluation.sign_declaration(application.stage.call, reviewer=expert)
    client.force_login(expert)
    url = reverse("evaluation:review", args=[assignment.pk])
    assert client.get(url).status_code == 200
    submission.invite(application, email=expert.email, access="view", by=coordinator)
    assert client.get(url).status_code == 404


def test_the_sql_conflict_filter_agrees_with_the_service(application, coordinator):
    people = [
        coordinator, UserFactory(**same_unit(coordinator)),
        UserFactory(laboratory="  unité   GÈNES "), UserFactory(laboratory="lab a"),
        UserFactory(email="ADA@example.org"), UserFactory(), UserFactory(laboratory=""),
    ]
    invited = UserFactory()
    submission.invite(application, email=invited.email, access="view", by=coordinator)
    declared = UserFactory()
    evaluation.declare_conflict(application, person=declared, reason="Former student")
    for person in [*people, invited, declared]:
        in_sql = Application.objects.filter(pk=application.pk).filter(
            conflicted_with(person)).exists()
        assert in_sql == conflicts.is_conflicted(application, person), person.email
    # ANR's rule: the same unit (here, not listed: the same name in the same organisation);
    # the same name in another organisation is no conflict.
    assert [conflicts.is_conflicted(application, p) for p in people] == [
        True, True, False, False, True, False, False]


# --- Reviewer pages ---

def test_declaration_gate(client, application, assignment, expert):
    client.force_login(expert)
    review_url = reverse("evaluation:review", args=[assignment.pk])
    response = client.get(review_url, follow=True)
    declaration_url = reverse("evaluation:declaration", args=[application.stage.call_id])
    assert response.redirect_chain[0][0].startswith(declaration_url)
    html = response.content.decode()
    assert "keep the applications, their documents, the reviews" in html
    assert "recorded with its date and time" in html
    assert "Sign the confidentiality and no-conflict declaration" in html  # the message
    response = client.post(declaration_url, {"next": review_url})
    assert response.status_code == 302 and response.url == review_url
    assert Declaration.objects.filter(call=application.stage.call, reviewer=expert).exists()
    assert AuditEvent.objects.filter(action="declaration.signed", actor=expert).exists()
    assert client.get(review_url).status_code == 200
    off_site = client.post(declaration_url, {"next": "https://evil.example.com/"})
    assert off_site.url == reverse("evaluation:my_reviews")


def test_my_reviews_lists_assignments_with_due_date_late_flag_and_declarations(
        client, application, assignment, expert):
    due = timezone.now() - timedelta(hours=1)
    Stage.objects.filter(pk=application.stage_id).update(review_due_at=due)
    client.force_login(expert)
    html = client.get(reverse("evaluation:my_reviews")).content.decode()
    assert application.reference in html and application.acronym in html
    assert "External expert" in html and "Not started" in html and "Late" in html
    assert "Not signed" in html
    assert reverse("evaluation:declaration", args=[application.stage.call_id]) in html
    from pepr.core.paris import paris
    assert paris(due) in html
    _review(assignment, ["A", "A"])
    html = client.get(reverse("evaluation:my_reviews")).content.decode()
    assert "Submitted" in html and ">Late<" not in html and "Not signed" not in html


def test_identity_is_hidden_from_external_reviewers_when_the_call_says_so(
        client, coordinator, en_pilot):
    stage = _stage(hide_identity_from_external=True)
    application = _submitted(stage, coordinator)
    external, rapporteur = _expert(), _expert()
    pages = {}
    for person, role in ((external, "external"), (rapporteur, "rapporteur")):
        assignment = evaluation.assign(application, person, role=role, by=en_pilot)
        evaluation.sign_declaration(stage.call, reviewer=person)
        client.force_login(person)
        pages[role] = client.get(reverse("evaluation:review", args=[assignment.pk])
                                 ).content.decode()
    identity = ["Zylberstein", "hortense.zylberstein@example.org", "Unité Gènes",
                coordinator.organisation.name, "ada@example.org", "Lab A"]
    for text in identity:
        assert text not in pages["external"], text
        assert text in pages["rapporteur"], text
    assert "AAVCIB" in pages["external"] and "Summary." in pages["external"]
    assert "only the role of each team is shown" in pages["external"]
    document = application.documents.get()
    download = reverse("calls:download_document", args=[application.pk, document.pk])
    assert download in pages["external"]
    client.force_login(external)
    response = client.get(download)
    assert response.status_code == 200
    # Nor does the external expert get the team's file name, the application page or the dossier.
    assert document.original_name not in response["Content-Disposition"]
    assert client.get(reverse("calls:application", args=[application.pk])).status_code == 404
    assert client.post(reverse("reports:request", args=["dossier", application.pk])
                       ).status_code == 404
    client.force_login(rapporteur)
    assert client.get(reverse("calls:application", args=[application.pk])).status_code == 200
    colleague = member_of(CommitteeCode.STEERING, **same_unit(coordinator))
    client.force_login(colleague)
    assert client.get(download).status_code == 404


def test_submitting_an_incomplete_review_keeps_everything_typed(client, application,
                                                                assignment, expert):
    evaluation.sign_declaration(application.stage.call, reviewer=expert)
    first, second = application.stage.criteria.order_by("position")
    client.force_login(expert)
    url = reverse("evaluation:review", args=[assignment.pk])
    typed = {f"score_{first.pk}": "A", f"comment_{first.pk}": "Bold and well argued",
             "comment_for_committee": "Worth discussing", "submit": "1"}
    response = client.post(url, typed)
    assert response.status_code == 200
    [message] = _messages(response)
    assert "incomplete" in message and second.title_en in message
    assert "overall recommendation" in message
    html = response.content.decode()
    assert "Bold and well argued" in html and "Worth discussing" in html
    assert re.search(r'<option value="A" selected>', html)
    review = Assignment.objects.get(pk=assignment.pk).review
    assert review.status == ReviewStatus.DRAFT and review.comment_for_committee == \
        "Worth discussing"
    assert client.get(url).content.decode().count("Bold and well argued") == 1

    response = client.post(url, {**typed, f"score_{second.pk}": "C",
                                 "recommendation": "reservations"}, follow=True)
    assert "Your review is submitted" in _messages(response)[0]
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED and review.mean_points == Decimal("2.00")
    html = response.content.decode()
    assert 'id="review-form"' not in html and "can no longer change" in html
    assert client.post(url, {"recommendation": "reject"}).status_code == 302
    review.refresh_from_db()
    assert review.recommendation == "reservations"


def test_save_draft_then_come_back(client, application, assignment, expert):
    evaluation.sign_declaration(application.stage.call, reviewer=expert)
    client.force_login(expert)
    url = reverse("evaluation:review", args=[assignment.pk])
    response = client.post(url, {"comment_for_applicant": "Clarify the budget", "save": "1"},
                           follow=True)
    assert "draft review is saved" in _messages(response)[0]
    assert "Clarify the budget" in response.content.decode()


def test_other_reviews_appear_only_once_the_reviewer_submitted(client, application,
                                                               assignment, expert, en_pilot):
    colleague = evaluation.assign(application, _expert(), by=en_pilot)
    _review(colleague, ["B", "B"], comment_for_committee="Second opinion text")
    evaluation.sign_declaration(application.stage.call, reviewer=expert)
    client.force_login(expert)
    url = reverse("evaluation:review", args=[assignment.pk])
    html = client.get(url).content.decode()
    assert "Second opinion text" not in html and "once you have submitted yours" in html
    _review(assignment, ["A", "A"])
    html = client.get(url).content.decode()
    assert "Second opinion text" in html and colleague.reviewer.email not in html


def test_a_call_may_open_the_other_reviews_before_ones_own(client, coordinator, en_pilot):
    stage = _stage(reviews_visible_before_own=True)
    application = _submitted(stage, coordinator)
    first = evaluation.assign(application, _expert(), by=en_pilot)
    _review(evaluation.assign(application, _expert(), by=en_pilot), ["C", "C"],
            comment_for_applicant="Too ambitious")
    evaluation.sign_declaration(stage.call, reviewer=first.reviewer)
    client.force_login(first.reviewer)
    html = client.get(reverse("evaluation:review", args=[first.pk])).content.decode()
    assert "Too ambitious" in html and 'id="review-form"' in html


def test_declaring_a_conflict_removes_the_assignment(client, application, assignment, expert):
    client.force_login(expert)
    url = reverse("evaluation:declare_conflict", args=[assignment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "We published together in 2024"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("evaluation:my_reviews")
    assert "conflict of interest with " + application.reference in _messages(response)[0]
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert Conflict.objects.get(person=expert).reason == "We published together in 2024"
    assert client.get(reverse("evaluation:review", args=[assignment.pk])).status_code == 404


# --- Pilots: assignments and suggestions ---

def test_assigning_a_conflicted_reviewer_shows_the_reason_and_assigns_nobody(
        client, application, coordinator, en_pilot):
    colleague, stranger = _expert(**same_unit(coordinator)), _expert()
    client.force_login(en_pilot)
    page = reverse("evaluation:assignments", args=[application.stage_id])
    # The picker leaves people with a conflict of interest out; a forged post is refused.
    html = client.get(page).content.decode()
    assert f'value="{colleague.pk}"' not in html and f'value="{stranger.pk}"' in html
    response = client.post(reverse("evaluation:assign", args=[application.pk]),
                           {"reviewer": colleague.pk, "role": "external", "next": page},
                           follow=True)
    assert response.redirect_chain[-1][0] == page
    [message] = _messages(response)
    assert "cannot be assigned" in message and "same research unit" in message
    assert not Assignment.objects.exists()
    assert Conflict.objects.get(person=colleague).source == "detected"


def test_assign_and_unassign_from_the_assignments_page(client, application, en_pilot):
    person = _expert()
    client.force_login(en_pilot)
    client.post(reverse("evaluation:assign", args=[application.pk]),
                {"reviewer": person.pk, "role": "rapporteur"})
    assignment = Assignment.objects.get(application=application, reviewer=person)
    assert assignment.role == "rapporteur"
    html = client.get(reverse("evaluation:assignments", args=[application.stage_id])
                      ).content.decode()
    assert str(person) in html and "1 / 2" in html
    client.post(reverse("evaluation:unassign", args=[assignment.pk]))
    assert not Assignment.objects.exists()
    assert AuditEvent.objects.filter(action="assignment.removed").exists()


def test_suggestions_are_assigned_without_conflicts(client, stage, coordinator, en_pilot):
    applications = [_submitted(stage, coordinator) for _ in range(2)]
    colleague = _expert(**same_unit(coordinator))
    experts = [_expert() for _ in range(3)]
    client.force_login(en_pilot)
    url = reverse("evaluation:suggest", args=[stage.pk])
    html = client.get(url).content.decode()
    pairs = re.findall(r'name="pair" value="(\d+-\d+)"[^>]*checked', html)
    assert len(pairs) == 2 * stage.reviews_per_application
    assert all(not p.endswith(f"-{colleague.pk}") for p in pairs)
    response = client.post(url, {"pair": pairs, "role": "external"}, follow=True)
    assert "4 assigned, 0 refused" in _messages(response)[0]
    assigned = Assignment.objects.filter(application__in=applications)
    assert assigned.count() == 4 and not assigned.filter(reviewer=colleague).exists()
    assert all(not conflicts.is_conflicted(a.application, a.reviewer) for a in assigned)
    assert {a.reviewer for a in assigned} <= {*experts, en_pilot}
    # A forged pair with the colleague is refused by the service, not assigned.
    forged = f"{applications[0].pk}-{colleague.pk}"
    response = client.post(url, {"pair": [forged], "role": "external"}, follow=True)
    assert "0 assigned, 1 refused" in _messages(response)[0]
    assert not Assignment.objects.filter(reviewer=colleague).exists()


# --- Pilots: progress ---

def test_progress_ranks_by_mean_with_the_right_numbers(client, stage, coordinator, en_pilot):
    first, second, third = (_submitted(stage, coordinator) for _ in range(3))
    reviews = {
        first: [["A", "A"], ["B", "C"]],  # 3.00 and 1.50
        second: [["A", "B"]],  # 2.50
        third: [],
    }
    people = [_expert() for _ in range(2)]
    for application, scores in reviews.items():
        for person, values in zip(people, scores):
            _review(evaluation.assign(application, person, by=en_pilot), values)
    evaluation.assign(third, people[0], by=en_pilot)
    client.force_login(en_pilot)
    response = client.get(reverse("evaluation:progress", args=[stage.pk]))
    rows = list(response.context["page"].object_list)
    assert [r.pk for r in rows] == [second.pk, first.pk, third.pk]
    expected = {}
    for application in (first, second, third):
        means = [a.review.mean_points for a in Assignment.objects.filter(
            application=application, review__status="submitted").select_related("review")]
        expected[application.pk] = (
            len(means), sum(means) / len(means) if means else None,
            max(means) - min(means) if means else None)
    for row in rows:
        done, mean, spread = expected[row.pk]
        assert row.done == done and row.mean == mean and row.spread == spread
    assert [r.rank for r in rows[:2]] == [1, 2]
    html = response.content.decode()
    assert html.index(second.reference) < html.index(first.reference) < html.index(
        third.reference)
    assert "2.25" in html and "1.50" in html
    by_reviewer = {p.pk: (p.load, p.done) for p in response.context["reviewers"]}
    assert by_reviewer == {people[0].pk: (3, 2), people[1].pk: (1, 1)}
    Stage.objects.filter(pk=stage.pk).update(review_due_at=timezone.now() - timedelta(days=1))
    html = client.get(reverse("evaluation:progress", args=[stage.pk])).content.decode()
    assert re.search(rf'id="reviewer-{people[0].pk}".*?class="late"><span[^>]*>1<', html,
                     re.S)


# --- Query counts: constant whatever the number of applications ---

def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_run_a_constant_number_of_queries(client, stage, coordinator, en_pilot):
    person = _expert()
    helper = _expert()

    def add(count):
        for _ in range(count):
            application = _submitted(stage, coordinator)
            evaluation.assign(application, person, by=en_pilot)
            _review(evaluation.assign(application, helper, by=en_pilot), ["A", "B"])

    urls = [(en_pilot, reverse("evaluation:assignments", args=[stage.pk])),
            (en_pilot, reverse("evaluation:progress", args=[stage.pk])),
            (person, reverse("evaluation:my_reviews"))]
    add(3)
    small = []
    for user, url in urls:
        client.force_login(user)
        small.append(_queries(client, url))
    add(17)
    for (user, url), before in zip(urls, small):
        client.force_login(user)
        assert _queries(client, url) == before, url
    assert Assignment.objects.filter(reviewer=person).count() == 20


# --- Pilots and the Comité Directeur: decisions, projects ---

def test_a_pilot_records_the_stage_outcome(client, application, en_pilot):
    client.force_login(en_pilot)
    url = reverse("decisions:decide", args=[application.pk])
    html = client.get(url).content.decode()
    assert 'value="selected"' in html and 'value="not_selected"' in html
    assert 'value="recommended"' not in html and 'value="funded"' not in html
    response = client.post(url, {"outcome": "selected", "rationale": "Strong team"},
                           follow=True)
    assert "Decision recorded" in _messages(response)[0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SELECTED
    assert application.decisions.get().rationale == "Strong team"
    assert "There is no decision for you to record" in response.content.decode()


def test_funding_is_validated_by_the_comite_directeur_only(client, coordinator, en_pilot):
    application = _submitted(_stage(StageKind.FULL_PROPOSAL), coordinator)
    url = reverse("decisions:decide", args=[application.pk])
    client.force_login(en_pilot)
    client.post(url, {"outcome": "recommended"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RECOMMENDED
    assert 'value="funded"' not in client.get(url).content.decode()
    response = client.post(url, {"outcome": "funded"})
    assert response.status_code == 403
    assert "Only the Comité Directeur" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RECOMMENDED

    directeur = member_of(CommitteeCode.BOARD, language="en")
    client.force_login(directeur)
    assert 'value="funded"' in client.get(url).content.decode()
    response = client.post(url, {"outcome": "funded", "rationale": "Within the envelope"},
                           follow=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.FUNDED
    assert "Create the project" in response.content.decode()
    client.post(reverse("projects:create_from_application", args=[application.pk]))
    assert Project.objects.get(application=application).acronym == "AAVCIB"
    assert "Create the project" not in client.get(url).content.decode()
    # The Comité Directeur does not reach the pilots' other pages.
    assert client.get(reverse("evaluation:progress", args=[application.stage_id])
                      ).status_code == 403


# --- Letters ---

def _letter_row(html, letter):
    return html.split(f'id="letter-{letter.pk}"')[1].split("</tr>")[0]


def test_letters_are_drafted_in_the_coordinators_language_edited_and_sent(
        client, application, coordinator, en_pilot, django_capture_on_commit_callbacks):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    decisions.decide(application, ApplicationStatus.NOT_SELECTED, by=en_pilot)
    client.force_login(en_pilot)
    letters_url = reverse("decisions:letters", args=[application.stage_id])
    assert "1 decision without a letter" in client.get(letters_url).content.decode()
    response = client.post(reverse("decisions:draft_letters", args=[application.stage_id]),
                           follow=True)
    assert "1 letter drafted" in _messages(response)[0]
    letter = DecisionLetter.objects.get()
    assert letter.language == "en" and "Not selected" in letter.body
    assert letter.subject in response.content.decode()
    edit_url = reverse("decisions:letter", args=[letter.pk])
    response = client.post(edit_url, {"subject": letter.subject,
                                      "body": letter.body + "\nP.S. Apply again"}, follow=True)
    assert "The letter is saved." in _messages(response)
    assert '<span class="badge text-bg-secondary">Draft</span>' in _letter_row(
        response.content.decode(), letter)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("decisions:send_letters",
                                       args=[application.stage_id]), follow=True)
    assert "being sent in the background" in _messages(response)[0]
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert mail.outbox[0].body.endswith("P.S. Apply again")
    letter.refresh_from_db()
    assert letter.status == "sent"
    assert '<span class="badge text-bg-success">Sent</span>' in _letter_row(
        client.get(letters_url).content.decode(), letter)
    html = client.get(edit_url).content.decode()
    assert 'name="body"' not in html and "P.S. Apply again" in html
    client.post(edit_url, {"subject": "Changed", "body": "Changed"})
    letter.refresh_from_db()
    assert letter.subject != "Changed"


# --- Audit ---

def test_audit_lists_the_events_newest_first_and_filters_by_application(
        client, application, assignment, en_pilot, expert, anr_officer):
    other = _submitted(application.stage, UserFactory())
    evaluation.assign(other, _expert(), by=en_pilot)
    _review(assignment, ["A", "B"])
    for user in (anr_officer, en_pilot):  # the last reader reads in English
        client.force_login(user)
        response = client.get(reverse("evaluation:audit"))
        assert response.status_code == 200
    html = response.content.decode()
    assert "submitted a review of " + application.reference in html
    assert f"assigned {expert}" in html and other.reference in html
    assert html.index("submitted a review") < html.index(f"assigned {expert}")
    html = client.get(reverse("evaluation:audit") + f"?application={application.pk}"
                      ).content.decode()
    assert application.reference in html and other.reference not in html
    client.force_login(expert)
    assert client.get(reverse("evaluation:audit")).status_code == 403


def test_pages_use_the_users_language(client, application, assignment):
    french = member_of(CommitteeCode.STEERING, organisation=OrganisationFactory())
    client.force_login(french)
    response = client.get(reverse("evaluation:progress", args=[application.stage_id]))
    assert response.status_code == 200 and '<html lang="fr">' in response.content.decode()


def test_the_decision_pages_old_addresses_lead_to_the_new_ones(client, stage, coordinator,
                                                               en_pilot):
    application = _submitted(stage, coordinator)
    client.force_login(en_pilot)
    for old, new in [
        (f"/evaluation/applications/{application.pk}/decide/",
         reverse("decisions:decide", args=[application.pk])),
        (f"/evaluation/stages/{stage.pk}/letters/", reverse("decisions:letters", args=[stage.pk])),
    ]:
        response = client.get(old, follow=True)
        assert response.redirect_chain == [(new, 301)], old
        assert response.status_code == 200
