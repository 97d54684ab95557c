"""Account e-mails greet with the programme's name and link to the address the portal is served
at, whatever host name the request used."""
from django.test import override_settings
from django.urls import reverse

from pepr.core.models import OutboundEmail


@override_settings(SITE_URL="http://127.0.0.1:8111", ACCOUNT_DEFAULT_HTTP_PROTOCOL="http",
                   PORTAL_NAME="PEPR BBTI")
def test_the_confirmation_e_mail_names_the_programme_and_the_served_address(client, db):
    client.post(reverse("account_signup"), {
        "email": "new@example.org", "password1": "a-long-Passw0rd!",
        "password2": "a-long-Passw0rd!", "first_name": "Rosalind", "last_name": "Franklin"},
        HTTP_HOST="127.0.0.1:8111")
    body = OutboundEmail.objects.get(recipient="new@example.org").body
    greeting = body.splitlines()[0]
    assert "PEPR BBTI" in greeting and "127.0.0.1" not in greeting
    assert "http://127.0.0.1:8111/accounts/confirm-email/" in body and "https://" not in body
