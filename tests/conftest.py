"""Fixtures shared by the whole suite."""
import pytest
from django.core.cache import cache
from django.core.management import call_command

from pepr.core.models import CommitteeCode, Role
from pepr.core.services import grant_role
from tests.factories import UserFactory, member_of


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The programme's reference data is there in every test, as after a deployment."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters live in the cache: one test's failed logins must not block the next.
    cache.clear()
    yield


@pytest.fixture
def applicant(db):
    return UserFactory(email="applicant@example.org")


@pytest.fixture
def other_applicant(db):
    return UserFactory(email="other@example.org")


@pytest.fixture
def pilot(db):
    return member_of(CommitteeCode.STEERING, email="pilot@example.org")


@pytest.fixture
def ccs_member(db):
    return member_of(CommitteeCode.CCS, email="ccs@example.org")


@pytest.fixture
def anr_officer(db):
    user = UserFactory(email="anr@example.org")
    grant_role(user, Role.ANR_OFFICER)
    return user


@pytest.fixture
def reviewer(db):
    user = UserFactory(email="reviewer@example.org")
    grant_role(user, Role.REVIEWER)
    return user


@pytest.fixture
def administrator(db):
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
