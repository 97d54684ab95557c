"""Failed sign-ins are throttled per address and per (address, account), never per account alone:
a stranger who knows an e-mail address cannot lock its owner out. The counters live in Redis,
as in production (tests/settings.py)."""
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse

import pepr
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
STRANGER, OWNER = "203.0.113.7", "198.51.100.20"
TOO_MANY = "Trop de tentatives de connexion échouées"
WRONG = "L’adresse e-mail ou le mot de passe sont incorrects."


def _sign_in(client, address, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password},
                       REMOTE_ADDR=address)


def _text(response):
    return response.content.decode().replace("&#x27;", "’")


@pytest.fixture
def owner(db):
    return UserFactory(email="ada@example.org")


def test_a_stranger_cannot_lock_the_owner_out(client, owner):
    for _ in range(5):
        assert WRONG in _text(_sign_in(client, STRANGER, owner.email, "wrong"))
    # The stranger's address is now throttled for this account, even with the right password...
    refused = _sign_in(client, STRANGER, owner.email, PASSWORD)
    assert refused.status_code == 200 and TOO_MANY in _text(refused)
    assert WRONG not in _text(refused)
    # ...while the owner, from their own address, signs in at once.
    own = Client()
    response = _sign_in(own, OWNER, owner.email, PASSWORD)
    assert response.status_code == 302
    assert own.get(reverse("profile")).status_code == 200


def test_the_owner_may_mistype_from_their_own_address_after_a_stranger(client, owner):
    for _ in range(5):
        _sign_in(client, STRANGER, owner.email, "wrong")
    own = Client()
    for _ in range(4):
        assert WRONG in _text(_sign_in(own, OWNER, owner.email, "wrong"))
    assert _sign_in(own, OWNER, owner.email, PASSWORD).status_code == 302


def test_the_count_is_per_account_on_one_address(client, owner):
    other = UserFactory(email="grace@example.org")
    for _ in range(5):
        _sign_in(client, STRANGER, owner.email, "wrong")
    # Another account from the same address is not throttled by the first one's failures.
    assert _sign_in(client, STRANGER, other.email, PASSWORD).status_code == 302


def test_an_address_trying_many_accounts_is_throttled(client, owner):
    # 20 failures a minute from one address, whatever the accounts (RATE_LIMIT_LOGIN_FAILED).
    for number in range(20):
        response = _sign_in(client, STRANGER, f"nobody{number}@example.org", "wrong")
        assert WRONG in _text(response), number
    refused = _sign_in(client, STRANGER, owner.email, PASSWORD)
    assert refused.status_code == 200 and TOO_MANY in _text(refused)
    assert _sign_in(Client(), OWNER, owner.email, PASSWORD).status_code == 302


def test_the_email_case_does_not_reset_the_count(client, owner):
    for number in range(5):
        login = owner.email.upper() if number % 2 else owner.email
        _sign_in(client, STRANGER, login, "wrong")
    assert TOO_MANY in _text(_sign_in(client, STRANGER, owner.email, PASSWORD))


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_clients_address_is_counted(client, owner):
    # Every request comes from the proxy; it appends the client's address to X-Forwarded-For.
    def through_proxy(http, address, password):
        return http.post(reverse("account_login"), {"login": owner.email, "password": password},
                         REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.1, {address}")

    for _ in range(5):
        through_proxy(client, STRANGER, "wrong")
    assert TOO_MANY in _text(through_proxy(client, STRANGER, PASSWORD))
    assert through_proxy(Client(), OWNER, PASSWORD).status_code == 302


def test_a_per_account_rate_is_refused_at_start_up(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "probe")
    monkeypatch.setenv("RATE_LIMIT_LOGIN_FAILED", "20/m/ip,5/5m/key")
    with pytest.raises(ImproperlyConfigured, match="RATE_LIMIT_LOGIN_FAILED_ACCOUNT"):
        runpy.run_path(str(Path(pepr.__file__).parent / "settings.py"))
