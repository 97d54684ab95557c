"""A session's agenda to a reader with a conflict of interest on one of its files: the item keeps
its place and says it is withheld, and the page names no file (reference, acronym, title, link),
whether the reader is a pilot running the session or a member sitting on it; the agenda's picker
leaves the file out too. A reader without the conflict sees the whole agenda."""
import pytest
from django.urls import reverse
from django.utils import timezone

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from governance import services as voting
from governance.models import Committee
from pepr.core.models import Axis, CommitteeCode
from tests.calls.helpers import COMPLETE
from tests.factories import UserFactory, make_call, member_of, same_unit
from tests.pdfs import pdf_upload

S = ApplicationStatus
WITHHELD = "Item withheld: conflict of interest"


def submitted(stage, coordinator, *, acronym, title, lead_email="lead@example.org"):
    """A submitted application with its own acronym and title, through the services."""
    application = submission.start_application(stage, by=coordinator)
    submission.save_draft(application, by=coordinator, data={
        **COMPLETE, "acronym": acronym, "title": title, "axis": Axis.objects.get(number=2)},
        partners=[{"organisation": None, "laboratory": "Lab A", "rnsr": "", "lead_name": "Ada",
                   "lead_email": lead_email, "role": "coordinator"}])
    for requirement in stage.document_requirements.all():
        submission.upload_document(application, requirement, pdf_upload(2), by=coordinator)
    return submission.submit(application, by=coordinator)[0]


def identity(application):
    return (application.reference, application.acronym, application.title,
            reverse("calls:application", args=[application.pk]))


@pytest.fixture
def stage(db):
    return make_call(kind="ami").stages.get()


@pytest.fixture
def coordinator(db):
    return UserFactory(language="en")


@pytest.fixture
def arranged(stage, coordinator, pilot, ccs_member):
    """A CCS session with two files: `conflicted` (its ballot closed with a vote and a decision)
    and `fair`; a member of the coordinator's unit sits on it, present, and a third file of the
    stage, also theirs, waits for the agenda."""
    conflicted = submitted(stage, coordinator, acronym="CONFLIT", title="Capsides du conflit",
                           lead_email="partner-lead@example.org")
    fair = submitted(stage, UserFactory(), acronym="LIBRE", title="Vecteurs sans conflit")
    waiting = submitted(stage, coordinator, acronym="ATTENTE", title="Dossier en attente")
    member = member_of(CommitteeCode.CCS, language="en", **same_unit(coordinator))
    session = voting.create_session(committee=Committee.objects.get(code=CommitteeCode.CCS),
                                    title="CCS selection", held_at=timezone.now(), by=pilot,
                                    stage=stage)
    voting.set_attendance(session, present_ids=[ccs_member.pk, member.pk], by=pilot)
    first, second = voting.add_to_agenda(session, [conflicted, fair], motion=S.SELECTED, by=pilot)
    voting.open_ballot(first, by=pilot)
    voting.cast_vote(first, voter=ccs_member, choice="for")
    voting.decide_from_ballot(voting.close_ballot(first, by=pilot), by=pilot)
    voting.open_ballot(second, by=pilot)
    return {"session": session, "conflicted": conflicted, "fair": fair, "waiting": waiting,
            "member": member, "items": (first, second)}


def page(client, user, session):
    client.force_login(user)
    response = client.get(reverse("governance:session", args=[session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def item_block(html, item):
    return html.split(f'id="item-{item.pk}"')[1].split("</article>")[0]


def assert_withheld(html, arranged):
    first, second = arranged["items"]
    block = item_block(html, first)
    assert "1. " + WITHHELD in " ".join(block.split())
    for shown in identity(arranged["conflicted"]):
        assert shown not in html, shown
    for tally in ('id="tally-', 'id="votes-', 'id="decision-', "Motion:"):
        assert tally not in block, tally
    assert arranged["fair"].acronym in item_block(html, second)  # the rest of the agenda stays


def test_a_conflicted_member_sees_the_item_withheld_and_their_recusal(client, arranged):
    html = page(client, arranged["member"], arranged["session"])
    assert_withheld(html, arranged)
    block = item_block(html, arranged["items"][0])
    assert "You are recused from this item" in block  # the recusal note, without the file


def test_a_conflicted_pilot_sees_the_item_withheld_and_the_picker_leaves_it_out(
        client, arranged, coordinator):
    pilot = member_of(CommitteeCode.STEERING, language="en", **same_unit(coordinator))
    html = page(client, pilot, arranged["session"])
    assert_withheld(html, arranged)
    for shown in identity(arranged["waiting"]):
        assert shown not in html, shown  # not offered for the agenda either
    assert "Record the decision" not in item_block(html, arranged["items"][0])
    first = arranged["items"][0]
    assert client.post(reverse("governance:record_decision",
                               args=[arranged["session"].pk, first.pk])).status_code == 404


def test_a_partner_lead_on_the_committee_sees_the_item_withheld(client, arranged, pilot):
    lead = member_of(CommitteeCode.CCS, language="en", email="partner-lead@example.org")
    html = page(client, lead, arranged["session"])
    assert_withheld(html, arranged)
    assert "You are recused" not in html  # not present at the opening: no recusal


def test_an_unconflicted_member_and_pilot_see_every_item(client, arranged, ccs_member, pilot):
    for reader in (ccs_member, pilot):
        html = page(client, reader, arranged["session"])
        assert WITHHELD not in html
        for shown in (*identity(arranged["conflicted"]), *identity(arranged["fair"])):
            assert shown in html, shown
    assert arranged["waiting"].acronym in html  # the pilot's picker offers it
