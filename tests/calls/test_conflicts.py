"""ANR's conflict-of-interest rule on research units: the same unit conflicts, the same name in
another organisation does not, the same organisation only when the call says so; the SQL twin
that lists use agrees with the rule for one file, and staff get no exemption."""
import pytest
from django.urls import reverse
from django.utils import translation

from calls.applications.models import Application
from calls.evaluation import conflicts
from pepr.core.models import CommitteeCode
from pepr.core.research_units import ResearchUnit
from tests.factories import (ApplicationFactory, OrganisationFactory, PartnerFactory,
                             UserFactory, member_of)


@pytest.fixture
def inserm(db):
    return OrganisationFactory(name="Inserm (test)", acronym="INS-T")


@pytest.fixture
def units(inserm):
    lyon = ResearchUnit.objects.create(rnsr="201220345K", code="U1111", name="Immunologie",
                                       city="Lyon")
    strasbourg = ResearchUnit.objects.create(rnsr="201220346L", code="U2222",
                                             name="Immunologie", city="Strasbourg")
    for unit in (lyon, strasbourg):
        unit.tutelles.add(inserm)
    return lyon, strasbourg


@pytest.fixture
def application(units, inserm):
    lyon, _strasbourg = units
    application = ApplicationFactory(status="submitted", version=1,
                                     coordinator=UserFactory(organisation=inserm, unit=lyon))
    PartnerFactory(application=application, organisation=inserm, unit=lyon,
                   laboratory="Immunologie", lead_email="lead@example.org")
    PartnerFactory(application=application, organisation=None,
                   laboratory="Laboratoire de bioprocédés", lead_email="bio@example.org")
    return application


def reason(application, person):
    with translation.override("en"):
        return conflicts.detected_conflict(Application.objects.get(pk=application.pk), person)


def agrees(application, person):
    """The SQL twin leaves the file out exactly when the rule for one file says so."""
    listed = Application.objects.filter(conflicts.conflicted_with(person),
                                        pk=application.pk).exists()
    assert listed == conflicts.is_conflicted(application, person)
    return listed


def test_a_member_of_the_same_unit_has_a_conflict(application, units, inserm):
    colleague = UserFactory(organisation=inserm, unit=units[0], laboratory="")
    assert "same research unit" in reason(application, colleague)
    assert agrees(application, colleague)


def test_the_same_name_in_another_unit_is_no_conflict(application, units, inserm):
    strasbourg = UserFactory(organisation=inserm, unit=units[1], laboratory="Immunologie")
    assert reason(application, strasbourg) is None
    assert not agrees(application, strasbourg)


def test_the_same_organisation_conflicts_only_when_the_call_says_so(application, inserm):
    pilot = member_of(CommitteeCode.STEERING, organisation=inserm, laboratory="Siège")
    assert reason(application, pilot) is None
    assert not agrees(application, pilot)
    call = application.stage.call
    call.conflict_same_organisation = True
    call.save(update_fields=["conflict_same_organisation"])
    assert "same organisation" in reason(application, pilot)
    assert agrees(application, pilot)


def test_an_unlisted_unit_is_compared_by_name_within_its_organisation(application):
    bio_org = OrganisationFactory()
    application.partners.filter(lead_email="bio@example.org").update(organisation=bio_org)
    same = UserFactory(organisation=bio_org, unit=None, laboratory=" laboratoire  de BIOPROCÉDÉS ")
    elsewhere = UserFactory(organisation=OrganisationFactory(), unit=None,
                            laboratory="Laboratoire de bioprocédés")
    assert reason(application, same) and agrees(application, same)
    assert reason(application, elsewhere) is None and not agrees(application, elsewhere)


def test_coordinator_partner_lead_invited_and_declared_conflicts(application, applicant):
    lead = UserFactory(email="lead@example.org")
    assert reason(application, application.coordinator) == "is the coordinator"
    assert reason(application, lead) == "leads a partner team"
    assert agrees(application, lead) and agrees(application, application.coordinator)
    stranger = UserFactory()
    assert not agrees(application, stranger)
    application.invitations.create(email=stranger.email.upper(), invited_by=applicant)
    assert reason(application, stranger) == "is invited to the application"
    assert agrees(application, stranger)


def test_a_superuser_of_the_same_unit_gets_no_exemption(application, units, inserm):
    admin = UserFactory(organisation=inserm, unit=units[0], is_superuser=True, is_staff=True)
    assert not admin.has_perm("calls.view_application", application)
    assert not admin.has_perm("calls.view_reviews", application)
    outsider = UserFactory(is_superuser=True, is_staff=True)
    assert outsider.has_perm("calls.view_application", application)
    # The admin's own model permissions are untouched.
    assert admin.has_perm("calls.change_call")


def test_the_comite_directeur_reads_the_files_at_funding_decision_only(application, units):
    directeur = member_of(CommitteeCode.BOARD)
    assert not directeur.has_perm("calls.view_application", application)
    Application.objects.filter(pk=application.pk).update(status="recommended")
    recommended = Application.objects.get(pk=application.pk)
    assert directeur.has_perm("calls.view_application", recommended)
    assert directeur.has_perm("calls.view_reviews", recommended)
    conflicted = member_of(CommitteeCode.BOARD, unit=units[0])
    assert not conflicted.has_perm("calls.view_application", recommended)


def test_pilots_read_what_the_same_organisation_rule_does_where_they_set_it(client, db):
    pilot = member_of(CommitteeCode.STEERING, language="en")
    client.force_login(pilot)
    page = client.get(reverse("calls_manage:create")).content.decode()
    assert "A member of the same organisation as a team has a conflict of interest" in page
    assert "Off by default" in page and "all of Inserm or CEA" in page
