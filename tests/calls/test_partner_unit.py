"""A partner team picks its research unit as people do (RNSR id, code or name, no JavaScript):
the unit is what the conflict-of-interest rule compares; a team without a listed unit keeps its
typed laboratory name."""
import pytest
from django.urls import reverse

from calls.applications import services as submission
from pepr.core.research_units import ResearchUnit
from tests.factories import make_call

BASE = {"title": "Titre", "acronym": "T", "summary_fr": "", "summary_en": "", "keywords": "a",
        "partners-TOTAL_FORMS": "2", "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0", "partners-MAX_NUM_FORMS": "30"}


@pytest.fixture
def draft(db, applicant):
    return submission.start_application(make_call().stages.get(), by=applicant)


@pytest.fixture
def units(db):
    return [ResearchUnit.objects.create(rnsr="201220345K", code="U1111", name="Immunologie",
                                        city="Lyon"),
            ResearchUnit.objects.create(rnsr="201220346L", code="UMR 2222", name="Immunologie",
                                        city="Strasbourg")]


def _team(n, **fields):
    return {f"partners-{n}-{name}": value for name, value in
            {"role": "partner", "lead_name": f"Lead {n}",
             "lead_email": f"lead{n}@example.org", **fields}.items()}


def test_teams_pick_a_listed_unit_or_type_an_unlisted_one(client, draft, applicant, units):
    client.force_login(applicant)
    url = reverse("calls:edit_application", args=[draft.pk])
    response = client.post(url, {**BASE, **_team(0, unit="umr 2222"),
                                 **_team(1, laboratory="Start-up Vectalys")})
    assert response.status_code == 302
    assert list(draft.partners.values_list("unit", "laboratory", "rnsr")) == [
        (units[1].pk, "Immunologie", "201220346L"), (None, "Start-up Vectalys", "")]
    # The edit page shows the unit as it was picked.
    assert units[1].label in client.get(url).content.decode()


def test_an_ambiguous_unit_is_explained_on_the_team_and_nothing_is_lost(client, draft,
                                                                        applicant, units):
    applicant.language = "en"
    applicant.save(update_fields=["language"])
    client.force_login(applicant)
    url = reverse("calls:edit_application", args=[draft.pk])
    before = list(draft.partners.values_list("laboratory", "lead_email"))
    page = client.post(url, {**BASE, "title": "Titre gardé", **_team(0, unit="immunologie"),
                             **_team(1)}).content.decode()
    assert "Several units match" in page and "201220345K" in page
    assert 'value="Titre gardé"' in page and 'value="immunologie"' in page
    assert "Pick the team" in page  # the second team has neither a unit nor a name
    assert list(draft.partners.values_list("laboratory", "lead_email")) == before
