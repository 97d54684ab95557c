"""The audit trail of votes: one entry per change. The same vote sent again twenty times writes
nothing and leaves the vote as it was; changing it writes one "changed their vote" entry, which
the pilots' audit page shows; the choice itself stays out of the trail."""
import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from governance import services as voting
from governance.models import Committee, Vote, VoteChoice
from pepr.core.models import AuditEvent, CommitteeCode
from tests.calls.helpers import complete
from tests.factories import UserFactory, make_call, member_of


@pytest.fixture
def en_pilot(db):
    return member_of(CommitteeCode.STEERING, language="en", email="pilot-en@example.org")


@pytest.fixture
def arranged(en_pilot):
    applicant = UserFactory(email="applicant-en@example.org", language="en")
    stage = make_call(kind="ami").stages.get()
    application = complete(submission.start_application(stage, by=applicant), applicant)
    application = submission.submit(application, by=applicant)[0]
    voter = member_of(CommitteeCode.CCS, language="en", email="voter@example.org")
    session = voting.create_session(committee=Committee.objects.get(code=CommitteeCode.CCS),
                                    title="CCS session", by=en_pilot, stage=stage,
                                    held_at=timezone.now() + timedelta(days=1))
    voting.set_attendance(session, present_ids=[voter.pk], by=en_pilot)
    (item,) = voting.add_to_agenda(session, [application], motion=ApplicationStatus.SELECTED,
                                   by=en_pilot)
    voting.open_ballot(item, by=en_pilot)
    return {"session": session, "item": item, "voter": voter,
            "reference": application.reference}


def _audit_lines(client, pilot, reference):
    client.force_login(pilot)
    page = html.unescape(client.get(reverse("evaluation:audit")).content.decode())
    return [line for line in ("voted on", "changed their vote on")
            for _ in range(page.count(f"{line} {reference}"))]


def test_the_same_vote_twenty_times_is_one_entry_and_a_change_is_one_more(client, arranged,
                                                                          en_pilot):
    session, item, voter = arranged["session"], arranged["item"], arranged["voter"]
    url = reverse("governance:vote", args=[session.pk, item.pk])
    client.force_login(voter)
    for _ in range(20):
        response = client.post(url, {"choice": VoteChoice.FOR})
        assert response.status_code == 302
    cast = Vote.objects.get(item=item, voter=voter)
    assert _audit_lines(client, en_pilot, arranged["reference"]) == ["voted on"]

    client.force_login(voter)
    client.post(url, {"choice": VoteChoice.AGAINST})
    client.post(url, {"choice": VoteChoice.AGAINST})
    assert _audit_lines(client, en_pilot, arranged["reference"]) == [
        "voted on", "changed their vote on"]
    changed = Vote.objects.get(item=item, voter=voter)
    assert changed.choice == VoteChoice.AGAINST and changed.cast_at > cast.cast_at
    events = AuditEvent.objects.filter(action__startswith="vote.", actor=voter)
    assert sorted(events.values_list("action", flat=True)) == ["vote.cast", "vote.changed"]
    assert all("against" not in str(e.params) + str(e.data) for e in events)  # still secret


def test_the_same_vote_again_leaves_the_vote_as_it_was(arranged):
    item, voter = arranged["item"], arranged["voter"]
    first = voting.cast_vote(item, voter=voter, choice=VoteChoice.ABSTAIN)
    again = voting.cast_vote(item, voter=voter, choice=VoteChoice.ABSTAIN)
    assert again.pk == first.pk
    assert Vote.objects.get(pk=first.pk).cast_at == first.cast_at
    assert AuditEvent.objects.filter(action="vote.cast", actor=voter).count() == 1
