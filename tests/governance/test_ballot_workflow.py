"""The ballot's transition table (governance.workflow) as members and pilots meet it: what each
state allows, the refusal each wrong move gets on the page, the buttons the page offers (also to
a superuser, whom user.has_perm grants everything), the rules derived from the table, and a
decision recorded once, also when two pilots race."""
import threading
from datetime import timedelta

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calls.applications.models import ApplicationStatus
from calls.decisions import services as decisions
from calls.decisions.models import Decision
from calls.setup.models import StageKind
from governance import services as voting
from governance import workflow
from governance.models import AgendaItem, BallotStatus, Committee, Vote, VoteChoice
from pepr.core.models import CommitteeCode
from tests.concurrency import in_thread
from tests.factories import UserFactory, make_call, member_of
from tests.governance.test_sessions import _members, _messages, _page, _session, _submitted

S = ApplicationStatus
B = BallotStatus


@pytest.fixture
def en_pilot(db):
    return member_of(CommitteeCode.STEERING, language="en", email="pilot-en@example.org")


@pytest.fixture
def ballot(en_pilot):
    """One pending ballot on a selection motion, two members present and one absent."""
    applicant = UserFactory(language="en")
    stage = make_call(kind="ami").stages.get()
    present, absent = _members(2), _members(1)[0]
    application = _submitted(stage, applicant)[0]
    session, (item,) = _session(en_pilot, stage=stage, present=present,
                                applications=[application])
    return {"session": session, "item": item, "present": present, "absent": absent}


def _post(client, user, name, ballot, data=None):
    client.force_login(user)
    url = reverse(f"governance:{name}", args=[ballot["session"].pk, ballot["item"].pk])
    return client.post(url, data or {}, follow=True)


def _fresh(ballot):
    return AgendaItem.objects.get(pk=ballot["item"].pk)


def _offered(html, ballot):
    """The ballot actions the session page offers on the item, by their form's URL."""
    pk, item_pk = ballot["session"].pk, ballot["item"].pk
    return [name for name in ("open_ballot", "close_ballot", "record_decision")
            if reverse(f"governance:{name}", args=[pk, item_pk]) in html]


# --- the table, pure -----------------------------------------------------------------------

@pytest.mark.parametrize(("status", "allowed"), [
    (B.PENDING, {"open"}),
    (B.OPEN, {"vote", "close"}),
    (B.CLOSED, {"record_decision"}),
])
def test_each_state_allows_only_its_moves(status, allowed):
    item = AgendaItem(ballot_status=status)
    item.decision = None
    assert {action for action in workflow.TRANSITIONS if workflow.allows(action, item)} == allowed


def test_no_vote_once_the_closing_time_has_passed_and_one_decision_only():
    now = timezone.now()
    item = AgendaItem(ballot_status=B.OPEN, closes_at=now + timedelta(minutes=5))
    assert workflow.allows("vote", item, now=now)
    assert not workflow.allows("vote", item, now=now + timedelta(minutes=5))
    assert workflow.allows("close", item, now=now + timedelta(minutes=5))
    closed = AgendaItem(ballot_status=B.CLOSED)
    closed.decision = Decision(outcome=S.SELECTED)
    assert not workflow.allows("record_decision", closed)


# --- what members and pilots are told ------------------------------------------------------

def test_a_vote_before_the_ballot_opens_is_refused_and_no_form_is_shown(client, ballot):
    member = ballot["present"][0]
    assert 'name="choice"' not in _page(client, member, ballot["session"])
    response = _post(client, member, "vote", ballot, {"choice": VoteChoice.FOR})
    assert "This ballot is not open yet." in _messages(response)
    assert not Vote.objects.exists()
    assert not rules.has_perm("governance.vote", member, _fresh(ballot))


def test_a_vote_on_a_closed_ballot_is_refused(client, ballot, en_pilot):
    member = ballot["present"][0]
    voting.open_ballot(ballot["item"], by=en_pilot)
    voting.close_ballot(ballot["item"], by=en_pilot)
    response = _post(client, member, "vote", ballot, {"choice": VoteChoice.FOR})
    assert "This ballot is closed: your vote was not recorded." in _messages(response)
    assert 'name="choice"' not in response.content.decode()
    assert not Vote.objects.exists()
    assert _fresh(ballot).votes_for == 0


def test_after_the_closing_time_the_page_says_so_and_the_vote_is_refused(client, ballot,
                                                                         en_pilot):
    member = ballot["present"][0]
    voting.open_ballot(ballot["item"], by=en_pilot,
                       closes_at=timezone.now() + timedelta(hours=1))
    assert rules.has_perm("governance.vote", member, _fresh(ballot))
    # Time passes: the closing time is now behind us, the ballot not closed yet.
    AgendaItem.objects.filter(pk=ballot["item"].pk).update(
        closes_at=timezone.now() - timedelta(seconds=1))
    html = _page(client, member, ballot["session"])
    assert "The voting time is over: the ballot is waiting to be closed." in html
    assert 'name="choice"' not in html
    assert not rules.has_perm("governance.vote", member, _fresh(ballot))
    response = _post(client, member, "vote", ballot, {"choice": VoteChoice.FOR})
    assert "This ballot is closed: your vote was not recorded." in _messages(response)
    assert voting.close_due_ballots() == 1
    assert _fresh(ballot).ballot_status == B.CLOSED


def test_only_a_present_member_votes_while_the_ballot_is_open(ballot, en_pilot):
    voting.open_ballot(ballot["item"], by=en_pilot)
    item = _fresh(ballot)
    assert rules.has_perm("governance.vote", ballot["present"][0], item)
    assert not rules.has_perm("governance.vote", ballot["absent"], item)
    with pytest.raises(PermissionDenied, match="absent or recused"):
        voting.cast_vote(item, voter=ballot["absent"], choice=VoteChoice.FOR)


def test_wrong_moves_of_a_pilot_are_refused_with_a_message(client, ballot, en_pilot):
    response = _post(client, en_pilot, "close_ballot", ballot)
    assert "Only an open ballot can be closed." in _messages(response)
    response = _post(client, en_pilot, "record_decision", ballot)
    assert "Close the ballot before recording its decision." in _messages(response)
    _post(client, en_pilot, "open_ballot", ballot, {"closes_at": ""})
    response = _post(client, en_pilot, "open_ballot", ballot, {"closes_at": ""})
    assert "This ballot was already opened." in _messages(response)
    assert _fresh(ballot).ballot_status == B.OPEN
    assert not Decision.objects.exists()


@pytest.mark.parametrize("superuser", [False, True])
def test_the_page_offers_the_one_move_the_table_allows(client, ballot, en_pilot, superuser):
    pilot = (UserFactory(language="en", is_staff=True, is_superuser=True) if superuser
             else en_pilot)
    session, member = ballot["session"], ballot["present"][0]
    assert _offered(_page(client, pilot, session), ballot) == ["open_ballot"]
    voting.open_ballot(ballot["item"], by=en_pilot)
    assert _offered(_page(client, pilot, session), ballot) == ["close_ballot"]
    voting.cast_vote(ballot["item"], voter=member, choice=VoteChoice.FOR)
    voting.close_ballot(ballot["item"], by=en_pilot)
    assert _offered(_page(client, pilot, session), ballot) == ["record_decision"]
    assert _offered(_page(client, member, session), ballot) == []
    voting.decide_from_ballot(ballot["item"], by=en_pilot)
    assert _offered(_page(client, pilot, session), ballot) == []
    # No exemption for superusers (pepr.core.models.User.has_perm): the rules follow the table.
    assert not pilot.has_perm("governance.open_ballot", _fresh(ballot))
    assert not rules.has_perm("governance.open_ballot", pilot, _fresh(ballot))


def test_a_decision_is_recorded_once_from_a_ballot(client, ballot, en_pilot):
    voting.open_ballot(ballot["item"], by=en_pilot)
    voting.cast_vote(ballot["item"], voter=ballot["present"][0], choice=VoteChoice.FOR)
    voting.close_ballot(ballot["item"], by=en_pilot)
    reference = ballot["item"].application.reference
    response = _post(client, en_pilot, "record_decision", ballot)
    assert f"Decision recorded for {reference}: Selected." in _messages(response)
    response = _post(client, en_pilot, "record_decision", ballot)
    assert "A decision was already recorded from this ballot." in _messages(response)
    assert Decision.objects.filter(agenda_item=ballot["item"]).count() == 1


# --- the Comité Directeur's funding motion -------------------------------------------------

def test_the_comite_directeur_records_its_funding_vote_itself(client, en_pilot):
    now = timezone.now()
    stage = make_call(stages=[(StageKind.FULL_PROPOSAL, now - timedelta(days=1),
                               now + timedelta(days=5))]).stages.get()
    application = _submitted(stage, UserFactory(language="en"))[0]
    decisions.decide(application, S.RECOMMENDED, by=en_pilot)
    application.refresh_from_db()
    directeur = member_of(CommitteeCode.BOARD, language="en")
    session = voting.create_session(committee=Committee.objects.get(code=CommitteeCode.BOARD),
                                    title="CD session", held_at=now + timedelta(days=1),
                                    by=en_pilot, stage=stage)
    voting.set_attendance(session, present_ids=[directeur.pk], by=en_pilot)
    (item,) = voting.add_to_agenda(session, [application], motion=S.FUNDED, by=en_pilot)
    funding = {"session": session, "item": item}
    voting.open_ballot(item, by=en_pilot)
    assert _offered(_page(client, directeur, session), funding) == []
    voting.cast_vote(item, voter=directeur, choice=VoteChoice.FOR)
    voting.close_ballot(item, by=en_pilot)
    assert _offered(_page(client, directeur, session), funding) == ["record_decision"]
    response = _post(client, directeur, "record_decision", funding)
    assert f"Decision recorded for {application.reference}: Funded." in _messages(response)
    assert _offered(response.content.decode(), funding) == []
    application.refresh_from_db()
    assert application.status == S.FUNDED


def test_a_board_member_does_not_record_a_selection_vote(ballot, en_pilot):
    directeur = member_of(CommitteeCode.BOARD, language="en")
    voting.open_ballot(ballot["item"], by=en_pilot)
    voting.close_ballot(ballot["item"], by=en_pilot)
    item = _fresh(ballot)
    assert rules.has_perm("governance.record_decision", en_pilot, item)
    assert not rules.has_perm("governance.record_decision", directeur, item)


# --- two pilots record the same ballot at once, on real row locks ------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_pilots_recording_the_same_ballot_make_one_decision():
    call_command("load_reference_data", verbosity=0)
    first_pilot, second_pilot = (member_of(CommitteeCode.STEERING, language="en")
                                 for _ in range(2))
    stage = make_call(kind="ami").stages.get()
    member = _members(1)[0]
    application = _submitted(stage, UserFactory(language="en"))[0]
    _, (item,) = _session(first_pilot, stage=stage, present=[member],
                          applications=[application])
    voting.open_ballot(item, by=first_pilot)
    voting.cast_vote(item, voter=member, choice=VoteChoice.FOR)
    voting.close_ballot(item, by=first_pilot)

    start, results = threading.Barrier(2), []

    def record(pilot):
        start.wait(5)
        return voting.decide_from_ballot(AgendaItem.objects.get(pk=item.pk), by=pilot)

    threads = [in_thread(record, results, pilot) for pilot in (first_pilot, second_pilot)]
    for thread in threads:
        thread.join(20)
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(results) == 2 and len(refused) == 1, results
    assert refused[0].code == "decided"
    assert Decision.objects.filter(agenda_item=item).count() == 1
    application.refresh_from_db()
    assert application.status == S.SELECTED
