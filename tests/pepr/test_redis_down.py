"""With Redis stopped, signing in (wrong then right password), a page as a signed-in user and
signing out all work: the cache falls back to local memory and warns (pepr/core/cache.py), and
/readyz says "degraded" with a 200. The Redis stopped is a server of the test's own, on its own
port; the suite's Redis is never touched."""
import logging

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory
from tests.servers import RedisServer, free_port

PASSWORD = "correct-horse-battery"
WRONG = "L’adresse e-mail ou le mot de passe sont incorrects."


@pytest.fixture
def own_redis():
    server = RedisServer()
    server.start()
    # Tried again at once after a failure (RETRY_AFTER 0), so that the test sees Redis come back.
    caches = {"default": {"BACKEND": "pepr.core.cache.ResilientRedisCache",
                          "LOCATION": server.url, "KEY_PREFIX": "pepr-redis-down",
                          "OPTIONS": {"RETRY_AFTER": 0}}}
    with override_settings(CACHES=caches, CELERY_TASK_ALWAYS_EAGER=False,
                           CELERY_BROKER_URL=server.url):
        yield server
    server.stop()


def _sign_in(client, password):
    return client.post(reverse("account_login"),
                       {"login": "ada@example.org", "password": password})


def test_sign_in_a_page_and_sign_out_work_with_redis_stopped(client, db, own_redis, caplog):
    UserFactory(email="ada@example.org", first_name="Ada", password=PASSWORD)
    cache.set("before", 1)
    assert redis.Redis(port=own_redis.port).exists(cache.make_key("before"))
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="pepr.core.cache"):
        assert WRONG in _sign_in(client, "wrong").content.decode().replace("&#x27;", "’")
        assert _sign_in(client, PASSWORD).status_code == 302
        profile = client.get(reverse("profile"))
        assert profile.status_code == 200 and "Ada" in profile.content.decode()
        assert client.post(reverse("account_logout")).status_code == 302
        assert client.get(reverse("profile")).status_code == 302  # signed out: to the sign-in
    warnings = [r for r in caplog.records if r.name == "pepr.core.cache"]
    # One warning for the whole outage, naming the server, however many calls fell back.
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert own_redis.url in warnings[0].getMessage()


def test_the_failed_sign_ins_are_still_counted_while_redis_is_stopped(client, db, own_redis):
    UserFactory(email="ada@example.org", password=PASSWORD)
    own_redis.stop()
    for _ in range(5):
        _sign_in(client, "wrong")
    refused = _sign_in(client, PASSWORD)
    assert refused.status_code == 200 and "Trop de tentatives" in refused.content.decode()


def test_readyz_says_degraded_with_a_200_and_the_cache_returns_to_redis(client, db, own_redis):
    own_redis.stop()
    response = client.get("/readyz")
    assert response.status_code == 200
    report = response.json()
    assert (report["ready"], report["status"]) == (True, "degraded")
    assert report["database"]["ok"] is True
    assert report["broker"]["ok"] is False and report["cache"]["ok"] is False
    cache.set("during", 1)
    assert cache.get("during") == 1  # kept in local memory
    own_redis.start()  # same port
    cache.set("after", 2)
    assert redis.Redis(port=own_redis.port).exists(cache.make_key("after"))
    assert client.get("/readyz").json()["status"] == "ok"


def test_healthz_reads_no_database_session_or_cache(client, db, django_assert_num_queries):
    client.force_login(UserFactory())
    # Any cache call would raise: a plain RedisCache on a port where nothing listens.
    nowhere = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                           "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}
    with override_settings(CACHES=nowhere), django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")
