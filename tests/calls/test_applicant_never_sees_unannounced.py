"""A decision recorded but not yet announced by its letter stays invisible to the applicant side,
whichever page shows the application: the detail page, the invitation form sent back with an
error, and the refusal of a withdrawal. Once the letter is sent, the page shows the decision."""
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from calls.decisions import services as decisions
from calls.setup.models import StageKind
from pepr.core.models import CommitteeCode
from tests.calls.helpers import complete
from tests.factories import UserFactory, make_call, member_of

PILOT_NAME = "Philibert Tranchemontagne"
SUBMITTED_FR, RECOMMENDED_FR, WITHDRAWN_FR = "Déposée", "Recommandée pour financement", "Retirée"


@pytest.fixture
def coordinator(db):
    return UserFactory(first_name="Hortense", last_name="Zylberstein",
                       email="hortense@example.org")  # French, the portal's default language


@pytest.fixture
def deciding_pilot(db):
    first, last = PILOT_NAME.split()
    return member_of(CommitteeCode.STEERING, first_name=first, last_name=last,
                     email="philibert@example.org")


@pytest.fixture
def decided(coordinator, deciding_pilot):
    """A full proposal the pilots recommended for funding; its letter is not drafted yet."""
    now = timezone.now()
    stage = make_call(stages=[(StageKind.FULL_PROPOSAL, now - timedelta(days=1),
                               now + timedelta(days=10))]).stages.get()
    application = complete(submission.start_application(stage, by=coordinator), coordinator)
    application = submission.submit(application, by=coordinator)[0]
    decisions.decide(application, ApplicationStatus.RECOMMENDED, by=deciding_pilot,
                     rationale="Excellent consortium")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RECOMMENDED  # recorded, not announced
    return application


def _status(html):
    return re.search(r'<span[^>]*id="status">([^<]*)</span>', html).group(1).strip()


def _timeline(html):
    """The timeline's entries as text, e.g. "– Déposée (version 1) – Hortense Zylberstein"."""
    block = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()).split(" – ", 1)[1]
            for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def _shows_only_the_submitted_state(html, *, submitted, decided_label, draft="Brouillon"):
    assert _status(html) == submitted
    timeline = _timeline(html)
    assert timeline == [f"{draft} – Hortense Zylberstein",
                        f"{submitted} (version 1) – Hortense Zylberstein"], timeline
    assert decided_label not in html
    assert PILOT_NAME not in html and "Tranchemontagne" not in html
    assert "Excellent consortium" not in html
    assert 'id="decision-title"' not in html


@pytest.mark.parametrize("email", ["", "not-an-email"])
def test_the_invitation_form_sent_back_with_an_error_shows_the_announced_status(
        client, decided, coordinator, email):
    client.force_login(coordinator)
    response = client.post(reverse("calls:invite_partner", args=[decided.pk]),
                           {"email": email, "access": "view"})
    assert response.status_code == 200
    html = response.content.decode()
    expected = "Ce champ est obligatoire." if not email else "Saisissez une adresse e-mail valide."
    assert re.search(r'id="id_email_error"[^>]*>\s*<p[^>]*><strong>' + re.escape(expected), html)
    if email:
        assert f'value="{email}"' in html  # what was typed comes back
    _shows_only_the_submitted_state(html, submitted=SUBMITTED_FR, decided_label=RECOMMENDED_FR)
    assert not decided.invitations.exists()


def test_the_same_in_english(client, decided, coordinator):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    response = client.post(reverse("calls:invite_partner", args=[decided.pk]),
                           {"email": "not-an-email", "access": "view"})
    html = response.content.decode()
    assert '<html lang="en">' in html and "Enter a valid email address." in html
    _shows_only_the_submitted_state(html, submitted="Submitted", draft="Draft",
                                    decided_label="Recommended for funding")
    response = client.post(reverse("calls:withdraw_application", args=[decided.pk]),
                           follow=True)
    assert _messages(response) == [
        "This application cannot go from “Submitted” to “Withdrawn”."]


def test_a_refused_withdrawal_names_only_the_announced_status(client, decided, coordinator):
    client.force_login(coordinator)
    url = reverse("calls:withdraw_application", args=[decided.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert RECOMMENDED_FR not in page.content.decode()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("calls:application", args=[decided.pk])
    assert _messages(response) == [
        f"Cette candidature ne peut pas passer du statut « {SUBMITTED_FR} » au statut "
        f"« {WITHDRAWN_FR} »."]
    html = response.content.decode()
    _shows_only_the_submitted_state(html, submitted=SUBMITTED_FR, decided_label=RECOMMENDED_FR)
    decided.refresh_from_db()
    assert decided.status == ApplicationStatus.RECOMMENDED  # nothing withdrawn


def test_the_page_shows_the_decision_only_once_its_letter_is_sent(
        client, decided, coordinator, deciding_pilot, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    url = reverse("calls:application", args=[decided.pk])
    _shows_only_the_submitted_state(client.get(url).content.decode(), submitted=SUBMITTED_FR,
                                     decided_label=RECOMMENDED_FR)
    [letter] = decisions.draft_letters(decided.stage, by=deciding_pilot)
    # A drafted letter announces nothing yet.
    _shows_only_the_submitted_state(client.get(url).content.decode(), submitted=SUBMITTED_FR,
                                    decided_label=RECOMMENDED_FR)
    with django_capture_on_commit_callbacks(execute=True):
        assert decisions.request_sending(decided.stage, by=deciding_pilot) == 1
    letter.refresh_from_db()
    assert letter.status == "sent"
    html = client.get(url).content.decode()
    assert _status(html) == RECOMMENDED_FR
    decision = re.search(r'<section[^>]*aria-labelledby="decision-title">(.*?)</section>', html,
                         re.S).group(1)
    assert "Décision" in decision and RECOMMENDED_FR in decision
    assert _timeline(html) == ["Brouillon – Hortense Zylberstein",
                               f"{SUBMITTED_FR} (version 1) – Hortense Zylberstein",
                               RECOMMENDED_FR]  # the step, never who decided
    assert PILOT_NAME not in html
