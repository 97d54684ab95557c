"""Committee sessions through their pages: permissions on every URL, creation, attendance and agenda,
secret votes until closing, the tally, the quorum, recusals, closed ballots that nothing can alter
(services, ORM, database triggers), the vote racing the closing, decisions, and query counts."""
import re
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from governance import selectors as governance_selectors
from governance import services as voting
from governance.models import (
    AgendaItem,
    Attendance,
    BallotResult,
    BallotStatus,
    Committee,
    Recusal,
    Session,
    Vote,
    VoteChoice,
)
from pepr.core.models import CommitteeCode
from tests.calls.helpers import complete
from tests.concurrency import in_thread
from tests.factories import UserFactory, make_call, member_of, same_unit

PARIS = ZoneInfo("Europe/Paris")
S = ApplicationStatus


# --- arrangement, through the services --------------------------------------------------------

def _ccs():
    return Committee.objects.get(code=CommitteeCode.CCS)


def _members(count, code=CommitteeCode.CCS, **fields):
    return [member_of(code, language="en", **fields) for _ in range(count)]


def _submitted(stage, applicant, count=1):
    applications = []
    for _ in range(count):
        application = complete(submission.start_application(stage, by=applicant), applicant)
        applications.append(submission.submit(application, by=applicant)[0])
    return applications


def _session(pilot, *, stage=None, present=(), applications=(), quorum=50, title="CCS session"):
    session = voting.create_session(committee=_ccs(), title=title, by=pilot, stage=stage,
                                    held_at=timezone.now() + timedelta(days=1),
                                    quorum_percent=quorum)
    voting.set_attendance(session, present_ids=[m.pk for m in present], by=pilot)
    items = voting.add_to_agenda(session, applications, motion=S.SELECTED, by=pilot)
    return session, items


def _page(client, user, session):
    client.force_login(user)
    response = client.get(reverse("governance:session", args=[session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _tally(html, item):
    block = re.search(rf'id="tally-{item.pk}"(.*?)</dl>', html, re.DOTALL).group(1)
    return {key: value.strip() for key, value in
            re.findall(r'data-tally="(\w+)">(?:<strong>)?([^<]*)', block)}


def _messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def en_pilot(db):
    return member_of(CommitteeCode.STEERING, language="en", email="pilot-en@example.org")


@pytest.fixture
def en_applicant(db):
    return UserFactory(language="en", email="applicant-en@example.org")


@pytest.fixture
def stage(db):
    return make_call(kind="ami").stages.get()


# --- permissions ------------------------------------------------------------------------------

def _urls(session, item):
    pk = session.pk
    gets = [reverse("governance:session_list"), reverse("governance:session_create"),
            reverse("governance:session", args=[pk])]
    pilot_posts = [reverse("governance:attendance", args=[pk]),
                   reverse("governance:agenda_add", args=[pk]),
                   reverse("governance:open_ballot", args=[pk, item.pk]),
                   reverse("governance:close_ballot", args=[pk, item.pk]),
                   reverse("governance:record_decision", args=[pk, item.pk])]
    vote = reverse("governance:vote", args=[pk, item.pk])
    return gets, pilot_posts, vote


@pytest.fixture
def arranged(en_pilot, en_applicant, stage):
    member = _members(1)[0]
    application = _submitted(stage, en_applicant)[0]
    session, items = _session(en_pilot, stage=stage, present=[member], applications=[application])
    return {"member": member, "session": session, "item": items[0]}


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(client, arranged):
    gets, posts, vote = _urls(arranged["session"], arranged["item"])
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for url in [*posts, vote]:
        response = client.post(url, {"choice": "for"})
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not Vote.objects.exists()
    arranged["item"].refresh_from_db()
    assert arranged["item"].ballot_status == BallotStatus.PENDING


def test_an_applicant_reaches_nothing(client, arranged, en_applicant):
    gets, posts, vote = _urls(arranged["session"], arranged["item"])
    client.force_login(en_applicant)
    assert client.get(gets[0]).status_code == 403
    assert client.get(gets[1]).status_code == 403
    assert client.get(gets[2]).status_code == 404
    for url in posts:
        assert client.post(url).status_code == 403
    assert client.post(vote, {"choice": "for"}).status_code == 404


def test_a_member_of_another_committee_does_not_see_the_session(client, arranged):
    outsider = _members(1, CommitteeCode.CSI)[0]
    session = arranged["session"]
    gets, posts, vote = _urls(session, arranged["item"])
    client.force_login(outsider)
    listing = client.get(gets[0])
    assert listing.status_code == 200
    assert session.title not in listing.content.decode()
    assert client.get(gets[1]).status_code == 403
    assert client.get(gets[2]).status_code == 404
    for url in posts:
        assert client.post(url).status_code == 403
    assert client.post(vote, {"choice": "for"}).status_code == 404


def test_a_member_reads_the_session_but_runs_nothing(client, arranged):
    session, item = arranged["session"], arranged["item"]
    gets, posts, _vote = _urls(session, item)
    client.force_login(arranged["member"])
    listing = client.get(gets[0]).content.decode()
    assert session.title in listing and "New session" not in listing
    assert client.get(gets[1]).status_code == 403
    html = client.get(gets[2]).content.decode()
    assert "Open ballot" not in html and "Add applications to the agenda" not in html
    assert 'type="checkbox"' not in html  # attendance is read-only
    for url in posts:
        assert client.post(url).status_code == 403
    item.refresh_from_db()
    assert item.ballot_status == BallotStatus.PENDING


def test_a_pilot_sees_every_session_and_the_post_only_urls_refuse_get(client, arranged,
                                                                      en_pilot):
    session, item = arranged["session"], arranged["item"]
    gets, posts, _vote = _urls(session, item)
    client.force_login(en_pilot)
    listing = client.get(gets[0]).content.decode()
    assert session.title in listing and "New session" in listing
    row = re.search(rf'<tr id="session-{session.pk}">(.*?)</tr>', listing, re.DOTALL).group(1)
    assert row.rstrip().endswith("<td>1</td>")  # items on the agenda
    assert client.get(gets[1]).status_code == 200
    html = client.get(gets[2]).content.decode()
    assert "Open ballot" in html and "Add applications to the agenda" in html
    for url in posts:
        assert client.get(url).status_code == 405
    assert client.get(reverse("governance:session", args=[session.pk + 1000])).status_code == 404


# --- creation, attendance, agenda through the pages -------------------------------------------

def test_a_pilot_creates_a_session_records_attendance_and_builds_the_agenda(
        client, en_pilot, en_applicant, stage):
    members = _members(3)
    first, second, third = _submitted(stage, en_applicant, 3)
    client.force_login(en_pilot)
    refused = client.post(reverse("governance:session_create"), {
        "committee": _ccs().pk, "title": "", "held_at": "2030-05-12T14:30", "quorum_percent": 101})
    assert refused.status_code == 400 and not Session.objects.exists()
    response = client.post(reverse("governance:session_create"), {
        "committee": _ccs().pk, "title": "Sélection des lettres", "held_at": "2030-05-12T14:30",
        "stage": stage.pk, "quorum_percent": 60})
    session = Session.objects.get(title="Sélection des lettres")
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:session", args=[session.pk])
    assert session.held_at == datetime(2030, 5, 12, 14, 30, tzinfo=PARIS)
    assert session.quorum_percent == 60 and session.stage == stage
    assert session.created_by == en_pilot
    assert set(session.attendances.values_list("member_id", flat=True)) == {m.pk for m in members}

    url = reverse("governance:attendance", args=[session.pk])
    client.post(url, {"present": [members[0].pk, members[2].pk]})
    assert set(Attendance.objects.filter(session=session, present=True)
               .values_list("member_id", flat=True)) == {members[0].pk, members[2].pk}

    html = _page(client, en_pilot, session)
    assert f'value="{first.pk}"' in html and f'value="{third.pk}"' in html  # candidates

    add = reverse("governance:agenda_add", args=[session.pk])
    response = client.post(add, {"applications": [first.pk], "references": third.reference,
                                 "motion": S.SELECTED}, follow=True)
    assert "2 applications added to the agenda." in _messages(response)
    items = list(session.items.order_by("position"))
    assert [i.application for i in items] == [first, third]
    assert {i.motion for i in items} == {S.SELECTED}
    html = response.content.decode()
    for application in (first, third):
        assert reverse("calls:application", args=[application.pk]) in html
        assert application.reference in html
    assert f'value="{second.pk}"' in html and f'value="{first.pk}"' not in html

    refused = client.post(add, {"references": "NOPE-1", "motion": S.SELECTED})
    assert refused.status_code == 400 and "Unknown references: NOPE-1." in refused.content.decode()
    refused = client.post(add, {"applications": [second.pk], "motion": S.RECOMMENDED})
    assert refused.status_code == 400 and "does not apply to" in refused.content.decode()
    assert session.items.count() == 2


def test_a_ballot_opened_from_the_page_closes_at_a_paris_time(client, arranged, en_pilot):
    session, item = arranged["session"], arranged["item"]
    client.force_login(en_pilot)
    url = reverse("governance:open_ballot", args=[session.pk, item.pk])
    response = client.post(url, {"closes_at": "2020-01-01T10:00"}, follow=True)
    assert "The closing time must be in the future." in _messages(response)
    response = client.post(url, {"closes_at": "2031-06-01T17:00"}, follow=True)
    item.refresh_from_db()
    assert item.ballot_status == BallotStatus.OPEN
    assert item.closes_at == datetime(2031, 6, 1, 17, 0, tzinfo=PARIS)
    assert "closes at" in response.content.decode()


# --- votes: secret until closing, then the tally ----------------------------------------------

def test_a_member_votes_changes_the_vote_and_nobody_sees_it_before_closing(
        client, en_pilot, en_applicant, stage):
    voter, other = _members(2)
    voter.first_name, voter.last_name = "Grace", "Hopper"
    voter.save(update_fields=["first_name", "last_name"])
    application = _submitted(stage, en_applicant)[0]
    session, (item,) = _session(en_pilot, stage=stage, present=[voter, other],
                                applications=[application])
    voting.open_ballot(item, by=en_pilot)
    before_other = _without_csrf(_page(client, other, session))
    before_pilot = _without_csrf(_page(client, en_pilot, session))
    assert 'name="choice"' in before_other

    vote_url = reverse("governance:vote", args=[session.pk, item.pk])
    client.force_login(voter)
    response = client.post(vote_url, {"choice": VoteChoice.FOR}, follow=True)
    assert any(m.startswith("Your vote on") for m in _messages(response))
    assert "Your current vote: For." in response.content.decode()
    response = client.post(vote_url, {"choice": VoteChoice.AGAINST}, follow=True)
    html = response.content.decode()
    assert "Your current vote: Against." in html
    assert re.search(r'value="against" required checked', html)
    assert list(Vote.objects.values_list("voter_id", "choice")) == [(voter.pk, "against")]

    # Another member and a pilot get exactly the page they had before anyone voted.
    after_other = _without_csrf(_page(client, other, session))
    after_pilot = _without_csrf(_page(client, en_pilot, session))
    assert after_other == before_other
    assert after_pilot == before_pilot
    for html in (after_other, after_pilot):
        assert f'id="tally-{item.pk}"' not in html and f'id="votes-{item.pk}"' not in html
        assert "Your current vote" not in html and "Votes of the members" not in html

    voting.close_ballot(item, by=en_pilot)
    html = _page(client, en_pilot, session)
    assert re.search(r"Grace Hopper</td><td>Against</td>", html)
    assert _tally(html, item)["against"] == "1"
    other_html = _page(client, other, session)
    assert _tally(other_html, item)["against"] == "1"
    assert f'id="votes-{item.pk}"' not in other_html  # per-member votes are for pilots only


def test_closing_shows_the_tally_of_the_eligible_votes(client, en_pilot, en_applicant, stage):
    present = _members(5)
    absent = _members(1)[0]
    application = _submitted(stage, en_applicant)[0]
    session, (item,) = _session(en_pilot, stage=stage, present=present,
                                applications=[application])
    voting.open_ballot(item, by=en_pilot)
    choices = [VoteChoice.FOR, VoteChoice.FOR, VoteChoice.AGAINST, VoteChoice.ABSTAIN]
    for member, choice in zip(present, choices):
        client.force_login(member)
        client.post(reverse("governance:vote", args=[session.pk, item.pk]), {"choice": choice})
    with pytest.raises(PermissionDenied):
        voting.cast_vote(item, voter=absent, choice=VoteChoice.AGAINST)
    counts = Counter(Vote.objects.filter(item=item).values_list("choice", flat=True))

    client.force_login(en_pilot)
    response = client.post(reverse("governance:close_ballot", args=[session.pk, item.pk]),
                           follow=True)
    assert any("is closed: Adopted" in m for m in _messages(response))
    for user in (present[4], absent, en_pilot):
        tally = _tally(_page(client, user, session), item)
        assert tally == {"eligible": "5", "for": str(counts["for"]),
                         "against": str(counts["against"]),
                         "abstentions": str(counts["abstain"]), "result": "Adopted"}
    assert (counts["for"], counts["against"], counts["abstain"]) == (2, 1, 1)
    item.refresh_from_db()
    assert (item.eligible, item.votes_for, item.votes_against, item.abstentions) == (5, 2, 1, 1)
    assert "No member was recused." in _page(client, present[0], session)


def test_the_quorum_counts_the_eligible_members_present(client, en_pilot, en_applicant, stage):
    present = _members(4)
    _members(2)  # absent: they do not count towards the quorum
    one_vote, two_votes = _submitted(stage, en_applicant, 2)
    session, (short, enough) = _session(en_pilot, stage=stage, present=present, quorum=50,
                                        applications=[one_vote, two_votes])
    for item in (short, enough):
        voting.open_ballot(item, by=en_pilot)
    voting.cast_vote(short, voter=present[0], choice=VoteChoice.FOR)
    voting.cast_vote(enough, voter=present[0], choice=VoteChoice.FOR)
    voting.cast_vote(enough, voter=present[1], choice=VoteChoice.FOR)
    for item in (short, enough):
        voting.close_ballot(item, by=en_pilot)
        item.refresh_from_db()
    assert (short.eligible, short.result) == (4, BallotResult.NO_QUORUM)
    assert (enough.eligible, enough.votes_for, enough.result) == (4, 2, BallotResult.ADOPTED)
    html = _page(client, present[3], session)
    assert _tally(html, short)["result"] == "No quorum"
    assert _tally(html, enough)["result"] == "Adopted"

    client.force_login(en_pilot)
    response = client.post(reverse("governance:record_decision", args=[session.pk, short.pk]),
                           follow=True)
    assert "The quorum was not reached: vote again in another session." in _messages(response)
    one_vote.refresh_from_db()
    assert one_vote.status == S.SUBMITTED and not short.decisions.exists()


def test_a_conflicted_member_is_recused_and_cannot_vote(client, en_pilot, en_applicant, stage):
    fair = _members(1)[0]
    conflicted = _members(1, **same_unit(en_applicant))[0]
    application = _submitted(stage, en_applicant)[0]
    session, (item,) = _session(en_pilot, stage=stage, present=[fair, conflicted],
                                applications=[application])
    client.force_login(en_pilot)
    client.post(reverse("governance:open_ballot", args=[session.pk, item.pk]), {"closes_at": ""})
    assert list(Recusal.objects.filter(item=item).values_list("member_id", flat=True)) == [
        conflicted.pk]
    assert governance_selectors.eligible_voter_ids(item) == {fair.pk}

    html = _page(client, conflicted, session)
    assert "You are recused from this item" in html
    assert 'name="choice"' not in html
    assert reverse("calls:application", args=[application.pk]) not in html
    assert client.get(reverse("calls:application", args=[application.pk])).status_code == 404
    response = client.post(reverse("governance:vote", args=[session.pk, item.pk]),
                           {"choice": VoteChoice.FOR}, follow=True)
    assert ("You have a conflict of interest on this application: your vote was not recorded."
            in _messages(response))
    assert not Vote.objects.filter(item=item).exists()
    with pytest.raises(PermissionDenied, match="absent or recused"):  # the service refuses too
        voting.cast_vote(item, voter=conflicted, choice=VoteChoice.FOR)

    fair_html = _page(client, fair, session)
    assert 'name="choice"' in fair_html and "recused" not in fair_html
    voting.cast_vote(item, voter=fair, choice=VoteChoice.FOR)
    voting.close_ballot(item, by=en_pilot)
    html = _page(client, fair, session)
    assert _tally(html, item)["eligible"] == "1"
    assert re.search(rf'id="recusals-{item.pk}"><li>{conflicted.get_full_name()} – ', html)


def test_a_conflicted_member_marked_present_after_opening_cannot_vote_from_the_page(
        client, en_pilot, en_applicant, stage):
    fair = _members(1)[0]
    conflicted = _members(1, **same_unit(en_applicant))[0]
    application = _submitted(stage, en_applicant)[0]
    session, (item,) = _session(en_pilot, stage=stage, present=[fair], applications=[application])
    voting.open_ballot(item, by=en_pilot)
    voting.set_attendance(session, present_ids=[fair.pk, conflicted.pk], by=en_pilot)
    assert not Recusal.objects.filter(item=item).exists()  # recusals are made at opening only
    client.force_login(conflicted)
    response = client.post(reverse("governance:vote", args=[session.pk, item.pk]),
                           {"choice": VoteChoice.FOR}, follow=True)
    assert ("You have a conflict of interest on this application: your vote was not recorded."
            in _messages(response))
    assert not Vote.objects.filter(item=item).exists()


# --- a closed ballot is final -----------------------------------------------------------------

@pytest.fixture
def closed(en_pilot, en_applicant, stage):
    first, second = _members(2)
    application = _submitted(stage, en_applicant)[0]
    session, (item,) = _session(en_pilot, stage=stage, present=[first, second],
                                applications=[application])
    voting.open_ballot(item, by=en_pilot)
    voting.cast_vote(item, voter=first, choice=VoteChoice.FOR)
    voting.close_ballot(item, by=en_pilot)
    item.refresh_from_db()
    return {"session": session, "item": item, "first": first, "second": second}


def test_voting_after_closing_is_refused_with_a_message(client, closed):
    session, item = closed["session"], closed["item"]
    for member, choice in ((closed["second"], VoteChoice.AGAINST),
                           (closed["first"], VoteChoice.AGAINST)):
        client.force_login(member)
        response = client.post(reverse("governance:vote", args=[session.pk, item.pk]),
                               {"choice": choice}, follow=True)
        assert "This ballot is closed: your vote was not recorded." in _messages(response)
        assert 'name="choice"' not in response.content.decode()
    assert list(Vote.objects.values_list("voter_id", "choice")) == [(closed["first"].pk, "for")]


def test_a_closed_ballot_cannot_be_altered_through_the_services(closed, en_pilot):
    item = closed["item"]
    with pytest.raises(ValidationError) as error:
        voting.cast_vote(item, voter=closed["first"], choice=VoteChoice.AGAINST)
    assert error.value.code == "closed"
    with pytest.raises(ValidationError):
        voting.close_ballot(item, by=en_pilot)
    with pytest.raises(ValidationError):
        voting.open_ballot(item, by=en_pilot)
    item.refresh_from_db()
    assert (item.votes_for, item.votes_against, item.result) == (1, 0, BallotResult.ADOPTED)
    assert Vote.objects.get(item=item).choice == VoteChoice.FOR


def test_a_closed_ballot_cannot_be_altered_with_the_orm(closed):
    item, first, second = closed["item"], closed["first"], closed["second"]
    alterations = [
        lambda: Vote.objects.filter(item=item).update(choice=VoteChoice.AGAINST),
        lambda: Vote.objects.filter(item=item).delete(),
        lambda: Vote.objects.create(item=item, voter=second, choice=VoteChoice.AGAINST),
        lambda: AgendaItem.objects.filter(pk=item.pk).update(votes_for=99),
        lambda: AgendaItem.objects.filter(pk=item.pk).update(ballot_status=BallotStatus.OPEN),
    ]
    for alter in alterations:
        with pytest.raises(DatabaseError, match="ballot .* is closed"), transaction.atomic():
            alter()
    item.refresh_from_db()
    assert (item.ballot_status, item.votes_for, item.votes_against) == ("closed", 1, 0)
    assert list(Vote.objects.values_list("voter_id", "choice")) == [(first.pk, "for")]


# --- decisions --------------------------------------------------------------------------------

def test_an_adopted_selection_motion_selects_the_application(client, closed, en_pilot):
    session, item = closed["session"], closed["item"]
    assert item.result == BallotResult.ADOPTED and item.motion == S.SELECTED
    client.force_login(en_pilot)
    url = reverse("governance:record_decision", args=[session.pk, item.pk])
    response = client.post(url, follow=True)
    assert f"Decision recorded for {item.application.reference}: Selected." in _messages(response)
    item.application.refresh_from_db()
    assert item.application.status == S.SELECTED
    html = response.content.decode()
    assert f'id="decision-{item.pk}"' in html and "Record the decision" not in html
    again = client.post(url, follow=True)
    assert "A decision was already recorded from this ballot." in _messages(again)
    assert item.decisions.count() == 1


# --- the vote racing the closing, on real row locks -------------------------------------------



def _waiting_on_locks():
    with connection.cursor() as cursor:
        # pg_stat_activity is a snapshot taken once per transaction: refresh it on each poll.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                       "AND datname = current_database()")
        return cursor.fetchone()[0]


def _until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_a_vote_queued_behind_the_closing_is_refused_and_not_counted():
    call_command("load_reference_data", verbosity=0)
    pilot = member_of(CommitteeCode.STEERING, language="en")
    applicant = UserFactory(language="en")
    stage = make_call(kind="ami").stages.get()
    late, early = _members(2)
    application = _submitted(stage, applicant)[0]
    _, (item,) = _session(pilot, stage=stage, present=[late, early],
                                applications=[application])
    voting.open_ballot(item, by=pilot)
    voting.cast_vote(item, voter=early, choice=VoteChoice.FOR)
    voting.cast_vote(item, voter=late, choice=VoteChoice.FOR)

    locked, holder_results, closer_results = threading.Event(), [], []

    def hold_the_row():
        with transaction.atomic():
            AgendaItem.objects.select_for_update().get(pk=item.pk)
            locked.set()
            _until(lambda: _waiting_on_locks() >= 2)  # the closer, then the vote, queue up
        return "released"

    def close():
        return voting.close_ballot(AgendaItem.objects.get(pk=item.pk), by=pilot)

    holder = in_thread(hold_the_row, holder_results)
    assert locked.wait(5)
    closer = in_thread(close, closer_results)
    _until(lambda: _waiting_on_locks() >= 1)
    assert AgendaItem.objects.get(pk=item.pk).ballot_status == BallotStatus.OPEN
    with pytest.raises(ValidationError) as error:  # waits behind the closer, then finds it closed
        voting.cast_vote(AgendaItem.objects.get(pk=item.pk), voter=late,
                         choice=VoteChoice.AGAINST)
    holder.join(10)
    closer.join(10)
    assert holder_results == ["released"]
    assert isinstance(closer_results[0], AgendaItem), closer_results
    assert error.value.code == "closed"
    item.refresh_from_db()
    assert (item.ballot_status, item.votes_for, item.votes_against) == ("closed", 2, 0)
    assert Vote.objects.get(item=item, voter=late).choice == VoteChoice.FOR


# --- query counts -----------------------------------------------------------------------------

def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_session_list_runs_the_same_queries_for_3_and_15_sessions(client, en_pilot,
                                                                      en_applicant, stage):
    member = _members(1)[0]
    application = _submitted(stage, en_applicant)[0]
    url = reverse("governance:session_list")
    counts = {}
    for total in (3, 15):
        while Session.objects.count() < total:
            _session(en_pilot, stage=stage, title=f"Session {Session.objects.count()}",
                     applications=[application])
        counts[total] = {}
        for user in (en_pilot, member):
            client.force_login(user)
            counts[total][user.pk] = _count_queries(client, url)
    print(counts)
    assert counts[3] == counts[15]


def _agenda_of(session, pilot, applications, members, conflicted):
    items = voting.add_to_agenda(session, applications, motion=S.SELECTED, by=pilot)
    for index, item in enumerate(items):
        voting.open_ballot(item, by=pilot)
        for member in members:
            voting.cast_vote(item, voter=member, choice=VoteChoice.values[index % 3])
        if index % 2:
            voting.close_ballot(item, by=pilot)
    assert all(item.recusals.filter(member=conflicted).exists() for item in items)


def test_the_session_page_runs_the_same_queries_for_3_and_15_items(client, en_pilot,
                                                                   en_applicant, stage):
    members = _members(3)
    conflicted = _members(1, **same_unit(en_applicant))[0]
    applications = _submitted(stage, en_applicant, 15)
    session, _items = _session(en_pilot, stage=stage, present=[*members, conflicted])
    url = reverse("governance:session", args=[session.pk])
    counts = {}
    _agenda_of(session, en_pilot, applications[:3], members, conflicted)
    for total in (3, 15):
        if total == 15:
            _agenda_of(session, en_pilot, applications[3:], members, conflicted)
        assert session.items.count() == total
        counts[total] = {}
        for user in (en_pilot, members[0], conflicted):
            client.force_login(user)
            counts[total][user.pk] = _count_queries(client, url)
    print(counts)
    assert counts[3] == counts[15]


def test_a_pilot_with_a_conflict_does_not_run_the_ballot_nor_see_its_votes(
        client, arranged, en_pilot, en_applicant):
    session, item, member = arranged["session"], arranged["item"], arranged["member"]
    conflicted = member_of(CommitteeCode.STEERING, **same_unit(en_applicant),
                           language="en")
    client.force_login(conflicted)
    assert client.post(reverse("governance:open_ballot", args=[session.pk, item.pk]),
                       {"closes_at": ""}).status_code == 404
    voting.open_ballot(item, by=en_pilot)
    voting.cast_vote(item, voter=member, choice=VoteChoice.AGAINST)
    assert client.post(reverse("governance:close_ballot", args=[session.pk, item.pk])
                       ).status_code == 404
    voting.close_ballot(item, by=en_pilot)
    def votes_table(html):
        return html.split(f'id="votes-{item.pk}"')[1].split("</table>")[0]

    assert "Against" in votes_table(_page(client, en_pilot, session))
    # The item is withheld from them (tests/governance/test_withheld_items.py): no votes table.
    hidden = _page(client, conflicted, session)
    assert f'id="votes-{item.pk}"' not in hidden and "Item withheld: conflict of interest" in hidden
    assert client.post(reverse("governance:record_decision", args=[session.pk, item.pk])
                       ).status_code == 404
