"""Roles as rules predicates: committee memberships and staff-granted roles."""
import pytest

from tests.factories import UserFactory


@pytest.mark.parametrize("fixture,allowed", [
    ("applicant", False), ("reviewer", False), ("ccs_member", False),
    ("pilot", True), ("anr_officer", True), ("administrator", True),
])
def test_who_reads_dashboards(db, request, fixture, allowed):
    user = request.getfixturevalue(fixture)
    assert user.has_perm("pepr.view_dashboard") is allowed


def test_anonymous_has_no_role(db):
    from django.contrib.auth.models import AnonymousUser

    assert not AnonymousUser().has_perm("pepr.view_dashboard")


def test_membership_of_another_committee_does_not_make_a_pilot(ccs_member):
    from pepr.core.rules import is_ccs_member, is_pilot

    assert is_ccs_member(ccs_member)
    assert not is_pilot(ccs_member)


def test_only_staff_manage_reference_data(administrator, pilot):
    assert administrator.has_perm("pepr.manage_reference_data")
    assert not pilot.has_perm("pepr.manage_reference_data")
    assert not UserFactory().has_perm("pepr.manage_reference_data")
