"""Security headers: a Content-Security-Policy without 'unsafe-inline' on every page, templates
that need no inline script or style, and production defaults that pass Django's deployment
checklist with the values of .env.example."""
import json
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from calls.applications import services as submission
from calls.applications.models import ApplicationStatus
from calls.decisions import services as decisions
from calls.setup.models import StageKind
from pepr.core.models import User
from tests.calls.helpers import complete
from tests.factories import UserFactory, make_call

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATES = BASE_DIR / "templates"
DEMO_DOMAIN = "demo.pepr-bbti.fr"
DEMO_ROLES = ["applicant", "reviewer", "ccs", "csi", "pilot", "directeur", "anr", "admin"]
POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
    "img-src": "'self' data:", "font-src": "'self'", "connect-src": "'self'",
    "frame-ancestors": "'none'", "form-action": "'self'", "base-uri": "'self'",
    "object-src": "'none'",
}
# Read by WeasyPrint on the server, never served to a browser: their inline styles are fine.
PDF_TEMPLATES = ("reports/pdf_*.html", "reports/_pdf_*.html", "calls/pdf/*.html")
# Links a page shows that are files, not pages (their answers still carry the header).
NOT_PAGES = {"calls:download_document", "reports:download", "exports:download",
             "projects:evidence", "projects:scientific_report", "account_logout"}
# <script> elements that hold data for a script, never run (json_script).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def _policy(response):
    header = response.headers.get("Content-Security-Policy", "")
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


class _InlineCode(HTMLParser):
    """What a browser would refuse under the policy: inline scripts, styles and handlers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._script = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f'<{tag} {name}="{value}">')
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f'<{tag} {name}="{value}">')
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script":
            runs = (attrs.get("type") or "").lower() not in DATA_SCRIPT_TYPES
            self._script = [] if runs and "src" not in attrs else None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            if "".join(self._script).strip():
                self.found.append(f"<script> with a body: {''.join(self._script)[:80]!r}")
            self._script = None


def inline_code(html):
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def _links(html):
    """Same-site addresses of the page's links, in order, without their fragments."""
    seen = []
    for href in re.findall(r'<a\b[^>]*\bhref="([^"#]+)', html):
        parts = urlsplit(href.replace("&amp;", "&"))
        if not parts.scheme and not parts.netloc and parts.path.startswith("/") \
                and href not in seen:
            seen.append(href)
    return seen


def _url_name(path):
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _check_page(client, path, problems):
    response = client.get(path)
    policy = _policy(response)
    if policy != POLICY:
        problems.append(f"{path}: policy {policy}")
    if "unsafe-inline" in response.headers.get("Content-Security-Policy", "unsafe-inline"):
        problems.append(f"{path}: 'unsafe-inline'")
    is_page = response.headers.get("Content-Type", "").startswith("text/html")
    if response.status_code == 200 and is_page:
        html = response.content.decode()
        problems.extend(f"{path}: {found}" for found in inline_code(html))
        return response.status_code, html
    return response.status_code, ""


def _main_pages(html):
    """The main menu's destinations, the profile and the home page."""
    menu = html.split('aria-label="Main menu"', 1)[-1].split("</nav>", 1)[0]
    return ["/", reverse("profile"), *_links(menu)]


# --- The policy on every page ----------------------------------------------------------------

@pytest.fixture
def demo(db):
    call_command("seed_demo", applications=40, reviewers=4)


def _walk(client, role, problems, depth=3):
    """From the home page, the main pages, then one page of each kind they lead to, `depth`
    links deep; answers {path: status}."""
    status, home = _check_page(client, "/", problems)
    assert status == 200, role
    main = _main_pages(home)
    kinds = {_url_name(path) for path in main}
    answers, level = {}, [(path, True) for path in main]
    for _step in range(depth):
        following = []
        for path, is_main in level:
            answers[path], html = _check_page(client, path, problems)
            assert answers[path] == 200 or not is_main, f"{role}: {path} answers {answers[path]}"
            for link in _links(html):
                name = _url_name(link)
                if name is None or name in kinds or name in NOT_PAGES or \
                        name.startswith(("admin:", "api:")):
                    continue
                kinds.add(name)
                following.append((link, False))
        level = following
    return answers


def test_every_main_page_of_each_demo_role_has_the_policy_and_no_inline_code(client, demo):
    """Each demo account's main pages, and one page of every kind they lead to, answer with the
    policy, and their HTML holds nothing the policy would refuse."""
    problems, reached = [], set()
    for role in DEMO_ROLES:
        user = User.objects.get(email=f"{role}@{DEMO_DOMAIN}")
        user.language = "en"
        user.save(update_fields=["language"])
        client.force_login(user)
        answers = _walk(client, role, problems)
        reached |= {_url_name(path) for path, status in answers.items() if status == 200}
        client.logout()
    assert not problems, "\n".join(problems)
    # The walk reached the pages that matter: applications, reviews, decisions, dashboards,
    # committees, projects and their reports.
    assert {"calls:application", "evaluation:review",
            "evaluation:assignments", "decisions:letters", "dashboards:programme",
            "governance:session", "projects:detail", "projects:report",
            "calls_manage:edit"} <= reached, sorted(reached)


def test_an_application_being_written_and_its_decision_letter_have_the_policy(client, pilot):
    """Two pages the demo may not show: a draft's edit form (with its character counters) and a
    decision letter, drafted then sent (its text keeps its line breaks through a class)."""
    now = timezone.now()
    stage = make_call(stages=[(StageKind.FULL_PROPOSAL, now - timedelta(days=1),
                               now + timedelta(days=10))]).stages.get()
    coordinator = UserFactory()
    application = complete(submission.start_application(stage, by=coordinator), coordinator)
    problems = []
    client.force_login(coordinator)
    edit = reverse("calls:edit_application", args=[application.pk])
    assert _check_page(client, edit, problems)[0] == 200
    application = submission.submit(application, by=coordinator)[0]
    decisions.decide(application, ApplicationStatus.RECOMMENDED, by=pilot, rationale="Strong")
    [letter] = decisions.draft_letters(stage, by=pilot)
    client.force_login(pilot)
    page = reverse("decisions:letter", args=[letter.pk])
    assert _check_page(client, page, problems)[0] == 200
    decisions.send_letter(letter.pk)
    status, html = _check_page(client, page, problems)
    assert status == 200 and '<pre class="border rounded p-3 pre-wrap">' in html
    assert not problems, "\n".join(problems)


def test_anonymous_pages_have_the_policy(client, db):
    problems = []
    for path in ["/", reverse("account_login"), reverse("account_signup"), reverse("calls:list"),
                 reverse("privacy"), reverse("accessibility"), reverse("account_reset_password")]:
        status, _html = _check_page(client, path, problems)
        assert status == 200, path
    assert not problems, "\n".join(problems)


def test_the_admin_change_forms_load_their_scripts_from_files(client, administrator):
    """Django's admin keeps working under the policy: its change forms carry the header and
    load every script from a file."""
    call = make_call()
    user = UserFactory()
    client.force_login(administrator)
    problems = []
    for url in [reverse("admin:index"), reverse("admin:pepr_user_change", args=[user.pk]),
                reverse("admin:calls_call_change", args=[call.pk]),
                reverse("admin:pepr_user_add")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _policy(response) == POLICY, url
        html = response.content.decode()
        problems.extend(f"{url}: {found}" for found in inline_code(html))
        scripts = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html)
        assert any("admin/js/" in src for src in scripts), url
    assert not problems, "\n".join(problems)


def test_the_inline_code_finder_sees_what_the_policy_refuses():
    found = inline_code('<p style="color:red">a</p><button onclick="go()">b</button>'
                        '<style>p{}</style><script>alert(1)</script><a href="javascript:x()">c</a>'
                        '<script src="/static/a.js"></script>'
                        '<script type="application/json" id="d">{"a": 1}</script>')
    assert len(found) == 5, found


# --- Templates: no inline code in any page's template ----------------------------------------

def _page_templates():
    exempt = {path for pattern in PDF_TEMPLATES for path in TEMPLATES.glob(pattern)}
    return [path for path in sorted(TEMPLATES.rglob("*.html")) if path not in exempt], exempt


SCRIPT_WITH_BODY = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>",
                              re.DOTALL | re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.DOTALL)
HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""\b(?:href|src|action)\s*=\s*["']\s*javascript:""",
                            re.IGNORECASE)


def test_no_page_template_holds_inline_script_or_style():
    pages, exempt = _page_templates()
    assert len(pages) > 40 and exempt
    problems = []
    for path in pages:
        text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", path.read_text(),
                      flags=re.DOTALL)
        name = path.relative_to(TEMPLATES)
        for match in SCRIPT_WITH_BODY.finditer(text):
            data = re.search(r"type=[\"']application/(ld\+)?json", match["attrs"])
            if match["body"].strip() and not data:
                problems.append(f"{name}: inline <script>")
        for label, pattern in [("<style> element", STYLE_ELEMENT), ("style= attribute",
                               STYLE_ATTRIBUTE), ("on*= handler", HANDLER),
                               ("javascript: URL", JAVASCRIPT_URL)]:
            if pattern.search(text):
                problems.append(f"{name}: {label}")
    assert not problems, "\n".join(problems)


def test_the_pdf_templates_are_never_served_as_pages():
    """The exemption holds only while WeasyPrint alone reads them: none extends the page layout."""
    _pages, exempt = _page_templates()
    for path in exempt:
        assert '{% extends "base.html" %}' not in path.read_text(), path


def test_htmx_indicator_style_is_in_the_stylesheet_not_injected(client, db):
    html = client.get("/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert config and json.loads(config.group(1))["includeIndicatorStyles"] is False
    css = (BASE_DIR / "static/css/portal.css").read_text()
    assert ".htmx-indicator" in css and ".htmx-request .htmx-indicator" in css


# --- Production defaults: Django's deployment checklist ---------------------------------------

def _env_example():
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def _production_env(**overrides):
    """The environment of a process started with .env.example's values only. Its
    DJANGO_SECRET_KEY is a placeholder the checklist refuses, so a real-looking key replaces it
    (README: Security)."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(_env_example())
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DJANGO_SETTINGS_MODULE"] = "pepr.settings"
    env.update(overrides)
    return env


def _run(args, env):
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_deploy_checklist_passes_with_the_values_of_env_example(tmp_path):
    example = _env_example()
    assert example["DJANGO_DEBUG"] == "0"
    # As after collectstatic (else pepr.W001 warns: tests/pepr/test_checks.py).
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  _production_env(STATIC_ROOT=str(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_checklist_refuses_the_placeholder_secret_key():
    env = _production_env(DJANGO_SECRET_KEY=_env_example()["DJANGO_SECRET_KEY"])
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0 and "security.W009" in result.stderr


# Asks the probe and a page as a browser would, with the settings of the environment it gets.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
# No database here: a page that gets past the middleware answers 500, which is enough.
client, host = Client(raise_request_exception=False), "portail.pepr-bbti.fr"
answers = {}
for name, path, secure in [("http_page", "/calls/", False), ("https_probe", "/healthz", True),
                           ("http_probe", "/healthz", False)]:
    r = client.get(path, secure=secure, HTTP_HOST=host)
    answers[name] = [r.status_code, r.headers.get("Location"),
                     r.headers.get("Strict-Transport-Security"),
                     r.headers.get("Content-Security-Policy")]
answers["cookies_secure"] = [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE]
print(json.dumps(answers))
"""


def test_production_redirects_to_https_and_sends_hsts_for_a_year():
    result = _run(["-c", PROBE], _production_env())
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.splitlines()[-1])
    assert answers["http_page"][:2] == [301, "https://portail.pepr-bbti.fr/calls/"]
    status, _location, hsts, csp = answers["https_probe"]
    # includeSubDomains and preload stay off unless the operator sets them.
    assert (status, hsts) == (200, "max-age=31536000")
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    # The container's healthcheck asks over plain HTTP: answered, not redirected.
    assert answers["http_probe"][:3] == [200, None, None]
    assert answers["cookies_secure"] == [True, True]


def test_an_operator_behind_a_proxy_that_does_https_turns_the_portal_s_own_off():
    env = _production_env(DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SECURE_HSTS_SECONDS="0")
    answers = json.loads(_run(["-c", PROBE], env).stdout.splitlines()[-1])
    assert answers["http_page"][0] != 301 and answers["http_page"][1] is None
    assert answers["https_probe"][2] is None


def test_hsts_subdomains_and_preload_are_the_operator_s_choice():
    env = _production_env(DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
                          DJANGO_SECURE_HSTS_PRELOAD="1")
    answers = json.loads(_run(["-c", PROBE], env).stdout.splitlines()[-1])
    assert answers["https_probe"][2] == "max-age=31536000; includeSubDomains; preload"


def test_make_run_debug_serves_plain_http_without_redirect_or_hsts():
    env = _production_env(DJANGO_DEBUG="1", SITE_URL="http://127.0.0.1:8000")
    del env["DJANGO_SECRET_KEY"]
    probe = PROBE.replace('"portail.pepr-bbti.fr"', '"127.0.0.1:8000"').replace(
        '"/calls/"', '"/static/css/portal.css"')
    result = _run(["-c", probe], {**env, "DJANGO_ALLOWED_HOSTS": "127.0.0.1"})
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.splitlines()[-1])
    assert answers["http_page"][:3] == [200, None, None]
    assert answers["cookies_secure"] == [False, False]
