"""factory_boy factories of the portal's objects; writes that have a service go through it."""
from datetime import timedelta

import factory
from django.utils import timezone

from calls.applications.models import Application, Partner
from calls.setup import services as call_services
from calls.setup.models import CallKind, StageKind
from governance.models import Committee, CommitteeMembership
from pepr.core.models import Axis, Organisation, Programme, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    kind = "research"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Researcher{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    laboratory = factory.Sequence(lambda n: f"Laboratoire {n}")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Accounts are confirmed unless a test asks for `verified=False`."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def member_of(code, **user_fields):
    user = UserFactory(**user_fields)
    committee = Committee.objects.get(code=code)
    CommitteeMembership.objects.create(committee=committee, user=user)
    return user


def programme():
    return Programme.objects.get(code="bbti")


def make_call(*, kind=CallKind.AAP, code=None, published=True, stages=None, **fields):
    """A call with its stages; `stages` is a list of (kind, opens_at, closes_at)."""
    now = timezone.now()
    make_call.counter = getattr(make_call, "counter", 0) + 1
    call = call_services.create_call(
        programme=programme(), kind=kind, code=code or f"call-{make_call.counter}",
        title_fr=fields.pop("title_fr", f"Appel {make_call.counter}"),
        title_en=fields.pop("title_en", f"Call {make_call.counter}"),
        axes=Axis.objects.all(), **fields,
    )
    for stage_kind, opens, closes in stages or [
        (StageKind.LETTER_OF_INTENT, now - timedelta(days=1), now + timedelta(days=10))
    ]:
        call_services.add_stage(call, kind=stage_kind, opens_at=opens, closes_at=closes)
    if published:
        call_services.publish_call(call)
    return call


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    stage = factory.LazyFunction(lambda: make_call().stages.get())
    reference = factory.Sequence(lambda n: f"TEST-{n:06d}")
    coordinator = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Projet {n}")
    acronym = factory.Sequence(lambda n: f"P{n}")
    axis = factory.LazyFunction(lambda: Axis.objects.first())


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    application = factory.SubFactory(ApplicationFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    laboratory = "Unité de recherche"
    lead_name = "Marie Curie"
    lead_email = factory.Sequence(lambda n: f"lead{n}@example.org")


def same_unit(person):
    """Fields of an account in `person`'s research unit (ANR's conflict rule compares units)."""
    return {"organisation": person.organisation, "laboratory": person.laboratory,
            "unit": person.unit}
