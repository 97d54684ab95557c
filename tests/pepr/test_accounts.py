"""Account flows: sign-up with e-mail confirmation, login, logout, reset, profile, rate limit."""
import re

from django.core import mail
from django.urls import reverse

from pepr.core.models import OutboundEmail, User
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def _link(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_sign_up_requires_confirming_the_email(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), {
            "email": "new@example.org", "password1": "a-Long-passphrase-42",
            "password2": "a-Long-passphrase-42", "first_name": "Rosalind",
            "last_name": "Franklin", "laboratory": "Biophysique",
        })
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert (user.first_name, user.laboratory, user.language) == ("Rosalind", "Biophysique", "fr")
    assert len(mail.outbox) == 1
    # Account e-mails leave through the outbox like every other e-mail.
    assert OutboundEmail.objects.get(recipient="new@example.org").status == "sent"
    # Before confirming, signing in leads back to the confirmation notice.
    response = client.post(reverse("account_login"),
                           {"login": "new@example.org", "password": "a-Long-passphrase-42"})
    assert response.url == reverse("account_email_verification_sent")
    confirm_url = _link(mail.outbox[-1])
    client.post(confirm_url)
    response = client.post(reverse("account_login"),
                           {"login": "new@example.org", "password": "a-Long-passphrase-42"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").context["user"].email == "new@example.org"


def test_sign_up_errors_are_translated_and_keep_the_input(client, db):
    UserFactory(email="taken@example.org")
    response = client.post(reverse("account_signup"), {
        "email": "taken@example.org", "password1": "short", "password2": "short",
        "first_name": "Rosalind", "last_name": "", "laboratory": "Biophysique",
    })
    assert response.status_code == 200
    html = response.content.decode()
    # An address already in use is not revealed (allauth prevents account enumeration).
    assert "Un autre utilisateur" not in html
    assert "Ce mot de passe est trop court." in html
    assert "Ce champ est obligatoire." in html
    assert 'value="Rosalind"' in html and 'value="Biophysique"' in html


def test_login_and_logout(client, db):
    UserFactory(email="ada@example.org")
    response = client.post(reverse("account_login"),
                           {"login": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("profile")).status_code == 302


def test_failed_logins_are_rate_limited(client, db):
    UserFactory(email="ada@example.org")
    for _ in range(5):
        response = client.post(reverse("account_login"),
                               {"login": "ada@example.org", "password": "wrong"})
        assert "L’adresse e-mail ou le mot de passe sont incorrects." in \
            response.content.decode().replace("&#x27;", "’")
    response = client.post(reverse("account_login"),
                           {"login": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Trop de tentatives de connexion échouées" in response.content.decode()


def test_password_reset(client, db, django_capture_on_commit_callbacks):
    UserFactory(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    assert len(mail.outbox) == 1
    reset_url = client.get(_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(reset_url, {"password1": "brand-New-passphrase-7",
                                       "password2": "brand-New-passphrase-7"})
    assert response.status_code == 302
    assert client.login(email="ada@example.org", password="brand-New-passphrase-7")


def test_profile_rejects_a_bad_orcid_and_keeps_the_rest(client, applicant):
    client.force_login(applicant)
    response = client.post(reverse("profile"), {
        "first_name": "Grace", "last_name": "Hopper", "language": "en", "laboratory": "COBOL",
        "orcid": "0000-0002-1825-0098",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "ne correspond pas à sa somme de contrôle" in html
    assert 'value="Grace"' in html and 'value="COBOL"' in html
    applicant.refresh_from_db()
    assert applicant.first_name == "Ada"


def test_profile_saves_language_and_orcid(client, applicant):
    client.force_login(applicant)
    response = client.post(reverse("profile"), {
        "first_name": "Grace", "last_name": "Hopper", "language": "en", "laboratory": "COBOL",
        "orcid": "0000-0002-1825-0097",
    }, follow=True)
    applicant.refresh_from_db()
    assert (applicant.orcid, applicant.language) == ("0000-0002-1825-0097", "en")
    assert "Your profile has been saved." in response.content.decode()


def test_an_evaluator_cannot_change_the_affiliation_that_decides_conflicts(client, reviewer):
    from pepr.core.models import AuditEvent

    organisation = reviewer.organisation
    client.force_login(reviewer)
    client.post(reverse("profile"), {
        "first_name": "Jonas", "last_name": "Weber", "language": "en", "laboratory": "",
        "organisation": "", "orcid": "",
    })
    reviewer.refresh_from_db()
    assert reviewer.first_name == "Jonas"
    assert reviewer.organisation == organisation and reviewer.laboratory
    assert not AuditEvent.objects.filter(action="profile.affiliation").exists()


def test_an_applicant_may_change_affiliation_and_it_is_audited(client, applicant):
    from pepr.core.models import AuditEvent

    client.force_login(applicant)
    client.post(reverse("profile"), {
        "first_name": "Ada", "last_name": "L", "language": "fr", "laboratory": "Nouveau labo",
        "orcid": "",
    })
    applicant.refresh_from_db()
    assert applicant.laboratory == "Nouveau labo" and applicant.organisation is None
    event = AuditEvent.objects.get(action="profile.affiliation")
    assert event.data["after"]["laboratory"] == "Nouveau labo"
