"""A staff member changing someone's affiliation in the admin is audited like the profile page
(pepr.core.services.update_profile): conflicts of interest are detected from it."""
from django.urls import reverse

from pepr.core.models import AuditEvent
from tests.admin_forms import change_form_data
from tests.factories import OrganisationFactory, UserFactory


def _post_user(client, user, **changes):
    url = reverse("admin:pepr_user_change", args=[user.pk])
    response = client.post(url, {**change_form_data(client.get(url), "user"), **changes})
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()


def test_a_laboratory_changed_in_the_admin_is_audited(client, administrator):
    user = UserFactory(laboratory="Ancien labo")
    client.force_login(administrator)
    _post_user(client, user, laboratory="Nouveau labo")
    assert user.laboratory == "Nouveau labo"
    event = AuditEvent.objects.get(action="profile.affiliation")
    assert (event.actor, event.target_id) == (administrator, user.pk)
    organisation = str(user.organisation_id)
    assert event.data == {
        "before": {"organisation": organisation, "unit": "", "laboratory": "Ancien labo"},
        "after": {"organisation": organisation, "unit": "", "laboratory": "Nouveau labo"}}
    assert user.email in event.summary


def test_an_organisation_changed_in_the_admin_is_audited_and_a_name_is_not(client,
                                                                             administrator):
    user = UserFactory()
    client.force_login(administrator)
    _post_user(client, user, first_name="Grace")
    assert user.first_name == "Grace"
    assert not AuditEvent.objects.filter(action="profile.affiliation").exists()
    moved_to = OrganisationFactory()
    _post_user(client, user, organisation=str(moved_to.pk))
    event = AuditEvent.objects.get(action="profile.affiliation")
    assert event.data["after"]["organisation"] == str(moved_to.pk) == str(user.organisation_id)
