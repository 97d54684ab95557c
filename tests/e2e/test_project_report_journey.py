"""A coordinator follows a project in the browser: records a deliverable's delivery with its
PDF, writes the annual report with the budget spent by each partner team and submits it; a pilot
sends it back with a comment; the coordinator reads the comment, edits and resubmits; the pilot
accepts; the project page and the projects dashboard then show the accepted report."""

from playwright.sync_api import expect

from pepr.core.models import CommitteeCode
from tests.factories import UserFactory, member_of
from tests.pdfs import pdf_bytes
from tests.projects.factories import annual_report, running_project

PASSWORD = "correct-horse-battery"
COMMENT = "Detail the progress of WP1 and the spending of the second team."
UNITS = ("U1234 Immunothérapie", "UMR 9876 Bioprocédés")


def _pdf(name, pages):
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes(pages)}


def _sign_in(page, live_server, email):
    # The login page is French until someone signs in; the cookie gives it in English.
    page.context.add_cookies([{"name": "pepr_language", "value": "en",
                               "url": live_server.url}])
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="My profile")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    return page


def _new_person(browser, live_server, email):
    """A browser context of its own (own cookies), signed in as `email`."""
    page = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    return _sign_in(page, live_server, email)


def _menu(page, name):
    return page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name=name, exact=True)


def _status(page):
    return page.get_by_role("status")


def _state(page):
    """The report's line "Status: … · Due … · last submitted on … (version N)"."""
    return page.locator("main p").filter(has=page.locator("strong", has_text="Status:"))


def _row(page, table, text):
    return page.get_by_role("table", name=table).get_by_role("row").filter(has_text=text)


def test_an_annual_report_is_submitted_sent_back_resubmitted_and_accepted(browser, live_server,
                                                                         page):
    coordinator = UserFactory(email="grace@example.org", first_name="Grace",
                              last_name="Hopper", language="en")
    project = running_project(coordinator, units=UNITS)
    report = annual_report(project, year=2025)
    pilot = member_of(CommitteeCode.STEERING, email="pilot@example.org", first_name="Paula",
                      last_name="Pilot", language="en")

    # --- 1. The coordinator records the delivery of D1.1 with its evidence. ---
    team = _sign_in(page, live_server, coordinator.email)
    _menu(team, "My projects").click()
    expect(team.get_by_role("heading", name="My projects", level=1)).to_be_visible()
    team.get_by_role("table", name="My projects").get_by_role("link", name="CARTHERA").click()
    expect(team.get_by_role("heading", level=1)).to_contain_text("CARTHERA")
    item = _row(team, "Milestones and deliverables, by due date", "D1.1")
    expect(item).to_contain_text("Late")
    item.get_by_role("link", name="Record delivery D1.1").click()
    expect(team.get_by_role("heading", level=1)).to_have_text(
        "Record the delivery of D1.1 “Lot clinique”")
    team.get_by_label("Evidence (PDF)").set_input_files(_pdf("clinical-batch.pdf", 2))
    team.get_by_role("button", name="Record as delivered").click()
    expect(_status(team)).to_contain_text("D1.1 is recorded as delivered.")
    item = _row(team, "Milestones and deliverables, by due date", "D1.1")
    expect(item).to_contain_text("Delivered")
    expect(item).to_contain_text("by Grace Hopper")
    expect(item.get_by_role("link", name="clinical-batch.pdf")).to_be_visible()
    expect(item).not_to_contain_text("Late")

    # --- 2. The annual report: summaries, counts, the scientific report, the budget. ---
    _row(team, "Reports", report.title).get_by_role("link", name=report.title).click()
    expect(team.get_by_role("heading", name=report.title, level=1)).to_be_visible()
    expect(_state(team)).to_contain_text("Status: Draft")
    team.get_by_label("Public summary in French").fill("Premiers lots cliniques produits.")
    team.get_by_label("Public summary in English").fill("First clinical batches produced.")
    team.get_by_label("Publications").fill("4")
    team.get_by_label("Patents").fill("1")
    team.get_by_label("Fixed-term staff recruited").fill("3")
    team.get_by_label("Scientific report (PDF)").set_input_files(_pdf("report-2025.pdf", 3))
    for unit, (allocated, spent) in zip(UNITS, [(600_000, 450_000), (400_000, 380_000)]):
        team.get_by_label(f"{unit}: allocated in 2025 (€)").fill(str(allocated))
        team.get_by_label(f"{unit}: spent in 2025 (€)").fill(str(spent))
    team.get_by_role("button", name="Submit the report").click()
    expect(_status(team)).to_contain_text("The report is submitted to the Comité de Pilotage.")
    expect(_state(team)).to_contain_text("Status: Submitted")
    expect(_state(team)).to_contain_text("(version 1)")
    expect(team.get_by_role("heading", name="Submitted version 1")).to_be_visible()
    expect(team.get_by_role("button", name="Submit the report")).to_have_count(0)
    budget = team.get_by_role("table", name="Budget by partner team")
    expect(budget.get_by_role("row").filter(has_text=UNITS[1])).to_contain_text("380,000 €")

    # --- 3. A pilot reads it from the projects list and sends it back with a comment. ---
    steering = _new_person(browser, live_server, pilot.email)
    _menu(steering, "Projects").click()
    expect(steering.get_by_role("heading", name="Projects", level=1)).to_be_visible()
    steering.get_by_role("table", name="Projects").get_by_role("link", name="CARTHERA").click()
    _row(steering, "Reports", report.title).get_by_role("link", name=report.title).click()
    expect(steering.get_by_role("heading", name=report.title, level=1)).to_be_visible()
    expect(steering.get_by_text("First clinical batches produced.")).to_be_visible()
    steering.get_by_label("Comments to the coordinator").fill(COMMENT)
    steering.get_by_role("button", name="Send back with comments").click()
    expect(_status(steering)).to_contain_text(
        "The report is sent back to the coordinator with your comments.")
    expect(_state(steering)).to_contain_text("Status: Sent back")
    expect(steering.get_by_role("button", name="Accept the report")).to_have_count(0)

    # --- 4. The coordinator reads the comment, edits and resubmits. ---
    team.reload()
    expect(team.get_by_role("note")).to_contain_text(COMMENT)
    expect(team.get_by_label("Patents")).to_have_value("1")
    expect(team.get_by_label(f"{UNITS[1]}: spent in 2025 (€)")).to_have_value("380000")
    team.get_by_label("Patents").fill("2")
    team.get_by_label(f"{UNITS[1]}: spent in 2025 (€)").fill("395000")
    team.get_by_role("button", name="Submit the report").click()
    expect(_status(team)).to_contain_text("The report is submitted to the Comité de Pilotage.")
    expect(_state(team)).to_contain_text("(version 2)")
    expect(team.get_by_text("2 versions submitted.")).to_be_visible()

    # --- 5. The pilot accepts; the project page and the dashboard show it. ---
    steering.reload()
    expect(steering.get_by_role("heading", name="Submitted version 2")).to_be_visible()
    expect(steering.get_by_role("table", name="Budget by partner team")).to_contain_text(
        "395,000 €")
    steering.get_by_role("button", name="Accept the report").click()
    expect(_status(steering)).to_contain_text("The report is accepted.")
    steering.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="CARTHERA").click()
    expect(_row(steering, "Reports", report.title)).to_contain_text("Accepted")
    # 450,000 + 395,000 € spent, in the accepted report.
    expect(steering.get_by_text("4,000,000 € allocated, 845,000 € spent")).to_be_visible()
    expect(_row(steering, "Milestones and deliverables, by due date", "D1.1")
           .get_by_role("button", name="Accept D1.1")).to_be_visible()

    team.reload()
    expect(_state(team)).to_contain_text("Status: Accepted")
    expect(team.get_by_role("button", name="Save draft")).to_have_count(0)

    steering.goto("/dashboards/projects/")
    expect(steering.get_by_role("heading", name="Projects dashboard", level=1)).to_be_visible()
    counts = steering.locator("#report-counts")
    expect(counts.get_by_role("row").filter(has_text="Reports accepted")
           .get_by_role("cell")).to_have_text("1")
    expect(counts.get_by_role("row").filter(has_text="Reports awaiting review")
           .get_by_role("cell")).to_have_text("0")
    # The accepted report's spending reaches the project's row of the dashboard.
    row = steering.locator("#projects").get_by_role("row").filter(has_text="CARTHERA")
    expect(row).to_contain_text("845,000")
    steering.context.close()
