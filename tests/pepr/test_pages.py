"""Public pages: home, language, accessibility and privacy, health probes."""
from django.test import override_settings
from django.urls import reverse

from pepr.core.models import Programme


def test_home_is_french_by_default_even_for_an_english_browser(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en")
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Accompagner le développement des thérapies cellulaires" in html
    assert "Accessibilité : non conforme" in html
    assert 'href="#main"' in html and '<main id="main"' in html


def test_switching_to_english_sticks(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/calls/"})
    assert response.url == "/calls/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Supporting the development of cell therapies" in html
    assert "Accessibility: not compliant" in html


def test_language_switch_refuses_foreign_redirects(client, db):
    response = client.post(reverse("set_language"),
                           {"language": "en", "next": "https://evil.example/"})
    assert response.url == "/"


def test_signed_in_users_language_preference_wins(client, applicant):
    applicant.language = "en"
    applicant.save()
    client.force_login(applicant)
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "fr"})
    applicant.refresh_from_db()
    assert applicant.language == "fr"


def test_home_shows_programme_and_no_open_call(client, db):
    html = client.get("/").content.decode()
    assert Programme.objects.get().name_fr in html.replace("&#x27;", "'").replace("&quot;", '"') \
        or "Biothérapies et Bioproduction" in html
    assert "Aucun appel n’est ouvert pour le moment." in html.replace("'", "’")


def test_privacy_and_accessibility_pages(client, db):
    privacy = client.get(reverse("privacy")).content.decode()
    assert "Responsable du traitement" in privacy and "dpo@" in privacy
    assert "Durées de conservation" in privacy
    accessibility = client.get(reverse("accessibility")).content.decode()
    assert "Accessibilité : non conforme" in accessibility
    assert "RGAA" in accessibility


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_readyz_reports_database_and_broker(client, db):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert (body["ready"], body["status"]) == (True, "ok")
    assert body["database"] == {"ok": True, "vendor": "postgresql"}
    assert body["broker"] == {"ok": True, "mode": "broker"}
    assert body["cache"] == {"ok": True, "mode": "redis"}


def test_readyz_says_degraded_but_ready_when_the_broker_is_down(client, db):
    # The load balancer keeps the portal while Redis is down: pages still work (issue 17).
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False,
                           CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert (body["ready"], body["status"]) == (True, "degraded")
    assert body["broker"]["ok"] is False and body["database"]["ok"] is True
