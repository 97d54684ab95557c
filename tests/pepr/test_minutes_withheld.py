"""The minutes PDF of a session to a reader with a conflict of interest on one of its files: a
version of their own, where that item keeps its number and says it is withheld, and where no
table (agenda, recusals, decisions) names the file. Readers without the conflict get the full
minutes, which the conflicted reader cannot download even by its id."""
import pytest
from django.urls import reverse
from django.utils import timezone

from calls.applications.models import ApplicationStatus
from governance import services as voting
from governance.models import Committee
from pepr.core.models import CommitteeCode
from pepr.reports.models import Report, ReportKind
from tests.factories import UserFactory, make_call, member_of, same_unit
from tests.governance.test_withheld_items import submitted
from tests.pdfs import pdf_text

S = ApplicationStatus
WITHHELD = "Item withheld: conflict of interest"


@pytest.fixture
def coordinator(db):
    return UserFactory()


@pytest.fixture
def arranged(coordinator, pilot, ccs_member):
    """A CCS session on two files, the first one the coordinator's: both ballots closed and
    decided; a member of the coordinator's unit present, hence recused from the first one."""
    stage = make_call(kind="ami").stages.get()
    conflicted = submitted(stage, coordinator, acronym="CONFLIT", title="Capsides du conflit")
    fair = submitted(stage, UserFactory(), acronym="LIBRE", title="Vecteurs sans conflit")
    member = member_of(CommitteeCode.CCS, language="en", first_name="Irène",
                       last_name="Recusée", **same_unit(coordinator))
    session = voting.create_session(committee=Committee.objects.get(code=CommitteeCode.CCS),
                                    title="CCS selection", held_at=timezone.now(), by=pilot,
                                    stage=stage)
    voting.set_attendance(session, present_ids=[ccs_member.pk, member.pk], by=pilot)
    for item in voting.add_to_agenda(session, [conflicted, fair], motion=S.SELECTED, by=pilot):
        voting.open_ballot(item, by=pilot)
        voting.cast_vote(item, voter=ccs_member, choice="for")
        voting.decide_from_ballot(voting.close_ballot(item, by=pilot), by=pilot)
    return {"session": session, "conflicted": conflicted, "fair": fair, "member": member}


def minutes_of(client, reader, session, capture):
    """Request the minutes as `reader` does, let the build run, download them: (report, text)."""
    client.force_login(reader)
    with capture(execute=True):
        response = client.post(reverse("reports:request", args=[ReportKind.MINUTES, session.pk]))
    assert response.status_code == 302
    report = Report.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert download.status_code == 200, report.error
    return report, pdf_text(b"".join(download.streaming_content))


def identity(application):
    return application.reference, application.acronym, application.title


def assert_withheld(text, arranged):
    for shown in identity(arranged["conflicted"]):
        assert shown not in text, shown
    for shown in identity(arranged["fair"]):
        assert shown in text, shown  # the rest of the minutes stays
    assert f"1 {WITHHELD}" in text  # its number on the agenda, then the notice
    assert "Item 1 (withheld) Irène Recusée" in text  # the recusal, without the file
    assert text.count("Item 1 (withheld)") == 2  # and its decision


def test_a_conflicted_member_reads_minutes_without_the_file(
        client, arranged, django_capture_on_commit_callbacks):
    report, text = minutes_of(client, arranged["member"], arranged["session"],
                              django_capture_on_commit_callbacks)
    assert report.excluded_ids == [arranged["conflicted"].pk]
    assert_withheld(text, arranged)


def test_a_conflicted_pilot_reads_minutes_without_the_file_and_not_the_full_ones(
        client, arranged, coordinator, pilot, django_capture_on_commit_callbacks):
    full, full_text = minutes_of(client, pilot, arranged["session"],
                                 django_capture_on_commit_callbacks)
    assert full.audience == "" and full.excluded_ids == []
    for shown in (*identity(arranged["conflicted"]), *identity(arranged["fair"])):
        assert shown in full_text, shown  # the full minutes, unchanged for a fair reader
    assert WITHHELD not in full_text and "withheld" not in full_text

    conflicted_pilot = member_of(CommitteeCode.STEERING, language="en", **same_unit(coordinator))
    trimmed, text = minutes_of(client, conflicted_pilot, arranged["session"],
                               django_capture_on_commit_callbacks)
    assert trimmed.pk != full.pk
    assert_withheld(text, arranged)
    for url in ("reports:status", "reports:download"):
        assert client.get(reverse(url, args=[full.pk])).status_code == 404
