"""No exemption for administrators on an applicant's file: they reopen or withdraw it only
through the admin's explicit "on behalf of" action, with a reason kept on the audit trail, and
never on a file of their own research unit."""
import pytest
from django.urls import reverse

from calls.applications import services as submission
from calls.applications.models import Application, StatusChange
from pepr.core.models import AuditEvent
from tests.calls.helpers import complete
from tests.factories import UserFactory, make_call, same_unit


@pytest.fixture
def submitted(db, applicant):
    stage = make_call().stages.get()
    application = complete(submission.start_application(stage, by=applicant), applicant)
    return submission.submit(application, by=applicant)[0]


@pytest.fixture
def administrator(db):
    return UserFactory(is_staff=True, is_superuser=True, language="en")


def test_an_administrator_cannot_reopen_nor_withdraw_through_the_applicant_pages(
        client, submitted, administrator):
    client.force_login(administrator)
    response = client.get(reverse("calls:application", args=[submitted.pk]))
    page = response.content.decode()
    # The page opens (programme staff read it) and offers neither move.
    assert response.status_code == 200 and submitted.reference in page
    assert "Reopen" not in page and "Withdraw" not in page
    for name in ("calls:reopen_application", "calls:withdraw_application"):
        client.post(reverse(name, args=[submitted.pk]), {"confirm": "1"})
    assert Application.objects.get(pk=submitted.pk).status == "submitted"


def test_the_on_behalf_action_needs_a_reason_and_is_audited(client, submitted, administrator):
    client.force_login(administrator)
    url = reverse("admin:calls_application_on_behalf", args=[submitted.pk])
    change = client.get(reverse("admin:calls_application_change", args=[submitted.pk]))
    assert url in change.content.decode()
    refused = client.post(url, {"action": "reopen", "reason": ""})
    assert "This field is required." in refused.content.decode()
    assert Application.objects.get(pk=submitted.pk).status == "submitted"
    response = client.post(url, {"action": "reopen", "reason": "Asked by e-mail on 3 March"},
                           follow=True)
    assert "Done on behalf of the team" in response.content.decode()
    assert Application.objects.get(pk=submitted.pk).status == "draft"
    event = AuditEvent.objects.get(action="application.reopen_on_behalf")
    assert event.actor == administrator
    assert "Asked by e-mail on 3 March" in event.summary_text
    assert StatusChange.objects.filter(application=submitted, to_status="draft",
                                       actor=administrator).exists()


def test_an_administrator_of_the_teams_unit_cannot_act_on_its_file(client, submitted,
                                                                   applicant):
    colleague = UserFactory(is_staff=True, is_superuser=True, language="en",
                            **same_unit(applicant))
    client.force_login(colleague)
    url = reverse("admin:calls_application_on_behalf", args=[submitted.pk])
    response = client.post(url, {"action": "withdraw", "reason": "Asked by phone"})
    assert "You may not act on this application" in response.content.decode()
    assert Application.objects.get(pk=submitted.pk).status == "submitted"
