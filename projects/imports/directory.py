"""The people and organisations an import names: found by e-mail or name, else created, so
that a file naming someone new is not rejected."""
from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils.translation import gettext_noop

from pepr.core import audit
from pepr.core.models import Organisation, OrganisationKind, User


def account_of(email, *, by=None):
    """(user, created): the account of `email`, or a new invited one.

    No core service creates an account for someone else (application invitations wait for
    the person to sign up), so it is done here. The account is active with an unusable
    password: the person sets one through “forgotten password”, which proves they own the
    address, then confirms it as at sign-up (the address is kept unconfirmed)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    user = User(email=User.objects.normalize_email(email), is_active=True)
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    audit.record(by, "account.invited", user,
                 gettext_noop("created the invited account %(email)s (project import)"),
                 {"email": user.email})
    return user, True


def organisation_named(name):
    """(organisation, created): matched by acronym, then by name, ignoring case; an unknown
    one is created of kind “other” for staff to complete in the admin."""
    matches = list(Organisation.objects.filter(Q(acronym__iexact=name) | Q(name__iexact=name)))
    for organisation in matches:
        if organisation.acronym.casefold() == name.casefold():
            return organisation, False
    if matches:
        return matches[0], False
    return Organisation.objects.create(name=name, kind=OrganisationKind.OTHER), True
