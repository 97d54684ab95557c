"""Chromium refuses nothing on the portal's pages under its Content-Security-Policy: the home page,
the sign-in page, an application being written, a review, the pilots' assignments, a dashboard
and the admin's change forms run their scripts and styles, and htmx injects no style."""
from playwright.sync_api import expect

from calls.applications import services as submission
from calls.evaluation import services as evaluation
from pepr.core.models import CommitteeCode, Role
from pepr.core.services import grant_role
from tests.calls.helpers import complete
from tests.factories import UserFactory, make_call, member_of

PASSWORD = "correct-horse-battery"
# Records every violation the page reports, from the first script on (Playwright adds it to each
# document before the page's own, outside the policy).
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


class Watcher:
    """The violations of one browser page: Chromium's console messages and the DOM events."""

    def __init__(self, page):
        self.page, self.messages = page, []
        page.add_init_script(WATCH)
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.messages.append(message.text)

    def visit(self, path):
        response = self.page.goto(path)
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "unsafe-inline" not in policy and "style-src 'self'" in policy, path
        self.page.wait_for_load_state("load")
        return self.violations(path)

    def violations(self, where):
        events = self.page.evaluate("window.__cspViolations")
        return [f"{where}: {text}" for text in [*self.messages, *events]]


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="My profile")).to_be_visible()


def _person(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies([{"name": "pepr_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    watcher = Watcher(page)
    _sign_in(page, email)
    return watcher


def _scripts_ran(page):
    """Bootstrap and htmx loaded from their files, htmx read its config and injected no style."""
    assert page.evaluate("typeof bootstrap === 'object' && typeof htmx === 'object'")
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.locator("style").count() == 0


def test_no_page_breaks_the_content_security_policy(page, browser, live_server):
    call = make_call(title_en="Bioimaging frontiers 2025")
    stage = call.stages.get()
    applicant = UserFactory(email="rosalind@example.org", language="en")
    draft = complete(submission.start_application(stage, by=applicant), applicant)
    author = UserFactory(email="francis@example.org", language="en")
    submitted = complete(submission.start_application(stage, by=author), author)
    submitted = submission.submit(submitted, by=author)[0]
    pilot = member_of(CommitteeCode.STEERING, email="pilot@example.org", language="en")
    expert = UserFactory(email="expert@example.org", language="en")
    grant_role(expert, Role.REVIEWER)
    assignment = evaluation.assign(submitted, expert, by=pilot)
    evaluation.sign_declaration(call, reviewer=expert)
    administrator = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True,
                                language="en")

    # A visitor: the home page and the sign-in page.
    visitor = Watcher(page)
    problems = visitor.visit("/") + visitor.visit("/accounts/login/")
    _scripts_ran(page)

    # The applicant signs in and writes; the character counters come from char-count.js.
    writer = _person(browser, live_server, applicant.email)
    problems += writer.violations("sign-in")
    problems += writer.visit(f"/calls/applications/{draft.pk}/edit/")
    _scripts_ran(writer.page)
    expect(writer.page.locator("p.char-count").first).to_be_visible()

    # The expert's review page, the pilot's assignments page and dashboard.
    reviewer = _person(browser, live_server, expert.email)
    problems += reviewer.visit(f"/evaluation/reviews/{assignment.pk}/")
    expect(reviewer.page.get_by_role("heading", level=1)).to_contain_text(submitted.reference)
    steering = _person(browser, live_server, pilot.email)
    problems += steering.visit(f"/evaluation/stages/{stage.pk}/assignments/")
    problems += steering.visit("/dashboards/")
    expect(steering.page.locator("svg.chart").first).to_be_visible()
    _scripts_ran(steering.page)

    # Django's admin: its change forms and the import page run their own scripts.
    admin = _person(browser, live_server, administrator.email)
    for path in [f"/admin/pepr/user/{applicant.pk}/change/",
                 f"/admin/calls/call/{call.pk}/change/", "/admin/projects/project/import/"]:
        problems += admin.visit(path)
        assert admin.page.evaluate("typeof django === 'object' && "
                                   "typeof django.jQuery === 'function'"), path
    assert problems == []

    # The watcher is not blind: what htmx would have done with its indicator style is refused.
    admin.page.evaluate(
        "document.head.insertAdjacentHTML('beforeend', '<style>p { color: red }</style>')")
    admin.page.wait_for_function("window.__cspViolations.length > 0")
    admin.page.wait_for_timeout(200)  # the console message follows the event
    assert admin.messages and "style-src" in admin.violations("injected")[-1]
