"""While PostgreSQL cannot be reached, pages answer a translated 503 (not a 500) that reads nothing
from the database, /healthz still answers and /readyz says 503. The portal runs in a process of its
own whose DATABASE_URL points at a closed port: the database of the suite stays untouched."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# Runs in `manage.py shell`: Django's test Client against the real handler, middleware and urls.
REQUESTS = """
import json
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(raise_request_exception=False)
answers = {}
for name, path, headers in [
    ("english", "/", {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}),
    ("french", "/calls/", {"HTTP_ACCEPT_LANGUAGE": "en", "HTTP_COOKIE": "pepr_language=fr"}),
    ("signed_in", "/profile/", {"HTTP_COOKIE": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}),
    ("healthz", "/healthz", {}),
    ("readyz", "/readyz", {}),
]:
    response = client.get(path, **headers)
    answers[name] = {"status": response.status_code, "body": response.content.decode(),
                     "retry_after": response.headers.get("Retry-After"),
                     "language": response.headers.get("Content-Language")}
print(json.dumps(answers))
"""


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def answers():
    database = settings.DATABASES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DJANGO_DEBUG": "0",
           "DATABASE_URL": f"postgres://postgres@127.0.0.1:{_closed_port()}/{database['NAME']}"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", REQUESTS], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_a_page_answers_503_with_retry_after_while_the_database_is_unreachable(answers):
    english = answers["english"]
    assert (english["status"], english["retry_after"], english["language"]) == (503, "30", "en")
    assert "Service temporarily unavailable" in english["body"]
    assert "cannot reach its database" in english["body"]
    # A signed-in user's session is read by a middleware, before any view: a 503 all the same.
    signed_in = answers["signed_in"]
    assert (signed_in["status"], signed_in["retry_after"]) == (503, "30")


def test_the_503_page_is_in_french_by_default_and_from_the_language_cookie(answers):
    for name in ("french", "signed_in"):
        assert answers[name]["language"] == "fr", name
        assert '<html lang="fr">' in answers[name]["body"]
        assert "Service momentanément indisponible" in answers[name]["body"], name
        assert "Le portail ne peut pas joindre sa base de données" in answers[name]["body"], name


def test_healthz_answers_and_readyz_says_down(answers):
    assert (answers["healthz"]["status"], answers["healthz"]["body"]) == (200, "ok")
    readyz = answers["readyz"]
    assert readyz["status"] == 503
    report = json.loads(readyz["body"])
    assert (report["ready"], report["status"], report["database"]["ok"]) == (False, "down", False)
