"""The audit trail in the reader's language: an event recorded by a French-speaking member reads
in English for an English reader and in French for a French one, its translatable parameters
(a committee's name, a ballot's result) too, on the audit page and on a project's history;
events written before messages were stored still show their summary; the admin searches the
English text."""
import html
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from governance import services as voting
from governance.models import Committee
from pepr.core.models import AuditEvent, CommitteeCode
from projects.models import Project
from tests.calls.helpers import complete
from tests.factories import UserFactory, make_call, member_of
from tests.projects.factories import running_project


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def fr_pilot(db):
    return member_of(CommitteeCode.STEERING, language="fr", email="pilote@example.org")


@pytest.fixture
def en_pilot(db):
    return member_of(CommitteeCode.STEERING, language="en", email="pilot-en@example.org")


@pytest.fixture
def ballot(client, fr_pilot):
    """A French-speaking pilot puts a file on a CCS session's agenda, then opens and closes its
    ballot from the session page, in French."""
    applicant = UserFactory(email="porteur@example.org")
    stage = make_call(kind="ami").stages.get()
    application = complete(submission.start_application(stage, by=applicant), applicant)
    application = submission.submit(application, by=applicant)[0]
    with translation.override("fr"):
        session = voting.create_session(
            committee=Committee.objects.get(code=CommitteeCode.CCS), title="Séance de juin",
            held_at=timezone.now() + timedelta(days=1), by=fr_pilot, stage=stage)
        (item,) = voting.add_to_agenda(session, [application], motion=ApplicationStatus.SELECTED,
                                       by=fr_pilot)
    client.force_login(fr_pilot)
    for name in ("open_ballot", "close_ballot"):
        response = client.post(reverse(f"governance:{name}", args=[session.pk, item.pk]))
        assert response.status_code == 302
    client.logout()
    return application.reference


def test_the_audit_page_reads_in_the_language_of_its_reader(client, ballot, fr_pilot, en_pilot):
    url = reverse("evaluation:audit")
    english = _page(client, en_pilot, url)
    assert f"opened the ballot on {ballot}" in english
    assert (f"put {ballot} on the agenda of Scientific Advisory Board (CCS) – Séance de juin"
            in english)
    assert (f"closed the ballot on {ballot}: 0 for, 0 against, 0 abstentions, No quorum"
            in english)
    assert "a ouvert le scrutin" not in english and "Conseil Consultatif" not in english

    french = _page(client, fr_pilot, url)
    assert f"a ouvert le scrutin sur {ballot}" in french
    assert "Conseil Consultatif Scientifique – Séance de juin" in french
    assert "Scientific Advisory Board" not in french and "No quorum" not in french
    assert f"opened the ballot on {ballot}" not in french


def test_the_admin_searches_the_english_summary_and_shows_the_readers_language(
        client, ballot, administrator):
    administrator.language = "fr"
    administrator.save(update_fields=["language"])
    url = reverse("admin:pepr_auditevent_changelist") + "?q=opened+the+ballot"
    page = _page(client, administrator, url)
    assert f"a ouvert le scrutin sur {ballot}" in page
    assert "a inscrit" not in page  # the search left the other events out


def test_a_projects_history_reads_in_the_language_of_its_reader(client, en_pilot, fr_pilot):
    coordinator = UserFactory(email="coordinatrice@example.org", language="fr")
    project = running_project(coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("projects:invite_editor", args=[project.pk]),
                           {"email": "coediteur@example.org"})
    assert response.status_code == 302
    url = reverse("projects:detail", args=[project.pk])

    english = _page(client, en_pilot, url)
    assert "invited coediteur@example.org to co-edit" in english
    assert "a invité" not in english
    french = _page(client, fr_pilot, url)
    assert "a invité coediteur@example.org à co-rédiger le projet" in french
    assert "invited coediteur@example.org" not in french


def test_events_written_before_messages_were_stored_show_their_summary(client, en_pilot,
                                                                       fr_pilot):
    project = running_project(UserFactory())
    AuditEvent.objects.create(
        actor=fr_pilot, action="project.changed", summary="a modifié le projet dans l’admin",
        target_type=ContentType.objects.get_for_model(Project), target_id=project.pk)
    url = reverse("projects:detail", args=[project.pk])
    for reader in (en_pilot, fr_pilot):
        assert "a modifié le projet dans l’admin" in _page(client, reader, url)
