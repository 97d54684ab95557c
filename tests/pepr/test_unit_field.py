"""A person picks their research unit by typing its RNSR id, its code or words of its name,
without JavaScript; an ambiguous text lists the matching units and keeps what was typed; an
empty field with a laboratory name is a unit not listed."""
import pytest
from django.urls import reverse

from pepr.core.research_units import ResearchUnit
from tests.factories import UserFactory


@pytest.fixture
def units(db):
    return [ResearchUnit.objects.create(rnsr="201220345K", code="U1111", name="Immunologie",
                                        city="Lyon"),
            ResearchUnit.objects.create(rnsr="201220346L", code="UMR 2222", name="Immunologie",
                                        city="Strasbourg")]


def _profile(client, user, **changes):
    data = {"first_name": user.first_name, "last_name": user.last_name, "language": "en",
            "organisation": "", "unit": "", "laboratory": "", "orcid": "",
            "optional_reminders": "on", **changes}
    return client.post(reverse("profile"), data, follow=True)


@pytest.mark.parametrize("typed", ["U1111", "u 1111", "201220345k", "immunologie lyon",
                                   "U1111 – Immunologie [201220345K]"])
def test_a_unit_is_found_from_its_code_rnsr_id_or_name(client, units, typed):
    user = UserFactory(language="en", laboratory="")
    client.force_login(user)
    response = _profile(client, user, unit=typed)
    assert "Your profile has been saved." in response.content.decode()
    user.refresh_from_db()
    assert user.unit == units[0]
    # The page shows the unit as it was picked, to be read and kept as is.
    assert units[0].label in client.get(reverse("profile")).content.decode()


def test_an_ambiguous_text_lists_the_units_and_keeps_what_was_typed(client, units):
    user = UserFactory(language="en")
    client.force_login(user)
    page = _profile(client, user, unit="Immunologie", first_name="Grace").content.decode()
    assert "Several units match" in page and "201220345K" in page and "201220346L" in page
    assert 'value="Grace"' in page and 'value="Immunologie"' in page
    user.refresh_from_db()
    assert user.unit is None and user.first_name != "Grace"


def test_an_unknown_unit_is_refused_and_an_unlisted_one_is_a_typed_name(client, units):
    user = UserFactory(language="en")
    client.force_login(user)
    assert "No research unit matches" in _profile(client, user, unit="U9999").content.decode()
    _profile(client, user, unit="", laboratory="Laboratoire de bioprocédés")
    user.refresh_from_db()
    assert (user.unit, user.laboratory) == (None, "Laboratoire de bioprocédés")


def test_sign_up_picks_the_unit(client, units):
    client.post(reverse("account_signup"), {
        "email": "new@example.org", "password1": "a-long-Passw0rd!", "password2":
        "a-long-Passw0rd!", "first_name": "Rosalind", "last_name": "Franklin",
        "unit": "UMR 2222", "laboratory": ""})
    from pepr.core.models import User

    user = User.objects.get(email="new@example.org")
    assert (user.unit, user.laboratory) == (units[1], "Immunologie")
