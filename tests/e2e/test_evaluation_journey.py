"""A submitted letter of intent goes through its whole evaluation in the browser: the pilot
assigns a CCS rapporteur and an external expert (a colleague of the applicant is refused for a
conflict), both reviewers sign the declaration and submit their reviews, the pilot follows the
progress, runs a CCS session whose vote selects the application, records the decision and sends
the letter; the applicant then reads the decision and the reviewers' comments meant for them."""
import re
from datetime import timedelta

from django.utils import timezone, translation
from playwright.sync_api import expect

from calls.applications import services as submission
from pepr.core.models import CommitteeCode, Role
from pepr.core.services import grant_role
from tests.calls.helpers import complete
from tests.factories import UserFactory, make_call, member_of, same_unit

PASSWORD = "correct-horse-battery"
CALL_TITLE = "Bioimaging frontiers 2025"
STAGE_TITLE = f"{CALL_TITLE} – Letter of intent"
FOR_APPLICANT = {
    "expert": "A clear and well-argued letter; detail the imaging pipeline.",
    "ccs": "Strong team; the second work package needs milestones.",
}
FOR_COMMITTEE = {
    "expert": "Confidential: the budget looks optimistic.",
    "ccs": "Confidential: overlaps with another PEPR project.",
}


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="My profile")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _english(context, live_server):
    # The login page is French until someone signs in; the cookie gives it in English.
    context.add_cookies([{"name": "pepr_language", "value": "en", "url": live_server.url}])


def _new_person(browser, live_server, email):
    """A fresh browser context (own cookies), signed in as `email`."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    _english(context, live_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _sign_in(page, email)
    return page


def _status(page):
    return page.get_by_role("status")


def _menu(page, name):
    """A link of the main menu (breadcrumbs repeat some of their names)."""
    return page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name=name, exact=True)


def _assign(page, reference, person_label, role=None):
    page.get_by_label(f"Reviewer for {reference}").select_option(label=person_label)
    if role:
        page.get_by_label(f"Role on {reference}").select_option(label=role)
    row = page.get_by_role("table", name="Submitted applications and their reviewers") \
        .get_by_role("row").filter(has_text=reference)
    row.get_by_role("button", name="Assign", exact=True).click()


def _sign_declaration_and_review(page, reference, *, scores, key):
    """From My reviews: sign the call's declaration, then fill and submit the whole review."""
    _menu(page, "My reviews").click()
    expect(page.get_by_role("heading", name="My reviews", level=1)).to_be_visible()
    declarations = page.get_by_role("region", name="Confidentiality and no-conflict declarations")
    expect(declarations).to_contain_text(f"{CALL_TITLE} – Not signed")
    rows = page.get_by_role("table", name="The files assigned to you, newest first") \
        .get_by_role("row")
    expect(rows).to_have_count(2)
    row = rows.filter(has_text=reference)
    expect(row).to_contain_text("Not started")
    # Without the declaration, the file cannot be opened: the row leads to the declaration.
    expect(row.get_by_role("link", name=f"Review {reference}", exact=True)).to_have_count(0)
    row.get_by_role("link", name="Sign the declaration first").click()

    expect(page.get_by_role("heading", name="Confidentiality and no-conflict declaration",
                            level=1)).to_be_visible()
    expect(page.locator("p.lead")).to_have_text(CALL_TITLE)
    page.get_by_role("button", name="I have read and I sign this declaration").click()
    expect(_status(page)).to_contain_text("Your declaration is signed and recorded.")
    expect(page.get_by_role("region", name="Confidentiality and no-conflict declarations")) \
        .to_contain_text(f"{CALL_TITLE} – Signed")

    page.get_by_role("row").filter(has_text=reference) \
        .get_by_role("link", name=f"Review {reference}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{reference} – AAVCIB")
    expect(page.get_by_role("region", name="The application")).to_contain_text(
        "Vecteurs AAV ciblés")

    for criterion, (score, comment) in scores.items():
        group = page.get_by_role("group", name=re.compile(f"^{re.escape(criterion)}"))
        group.get_by_label("Score", exact=True).select_option(score)
        group.get_by_label("Comment", exact=True).fill(comment)
    opinion = page.get_by_role("group", name="Overall opinion")
    opinion.get_by_label("Overall recommendation").select_option(label="Support")
    opinion.get_by_label("Comments for the committee").fill(FOR_COMMITTEE[key])
    opinion.get_by_label("Comments for the applicant").fill(FOR_APPLICANT[key])
    page.get_by_role("button", name="Submit review").click()

    expect(_status(page)).to_contain_text("Your review is submitted. Thank you.")
    mine = page.get_by_role("region", name="Your review")
    expect(mine).to_contain_text("Submitted")
    expect(mine).to_contain_text("A submitted review can no longer change.")
    expect(mine).to_contain_text(FOR_APPLICANT[key])
    expect(page.get_by_role("button", name="Submit review")).to_have_count(0)
    for criterion, (score, _comment) in scores.items():
        expect(mine.get_by_role("row").filter(has_text=criterion).get_by_role("cell").nth(1)) \
            .to_have_text(score)


def test_a_letter_of_intent_is_assigned_reviewed_voted_selected_and_announced(
        page, browser, live_server, mailoutbox):
    # --- Starting data: an open call, a submitted letter of intent, the people. ---
    call = make_call(title_en=CALL_TITLE, title_fr="Frontières de la bio-imagerie 2025")
    stage = call.stages.get()
    applicant = UserFactory(email="rosalind@example.org", first_name="Rosalind",
                            last_name="Franklin", language="en")
    application = submission.start_application(stage, by=applicant)
    complete(application, applicant)
    application, _submitted = submission.submit(application, by=applicant)
    reference = application.reference

    pilot = member_of(CommitteeCode.STEERING, email="pilot@example.org", first_name="Paula",
                      last_name="Pilot", language="en")
    rapporteur = member_of(CommitteeCode.CCS, email="ccs@example.org", first_name="Claude",
                           last_name="Bernard", language="en")
    expert = UserFactory(email="expert@example.org", first_name="Erwin", last_name="Neher",
                         language="en")
    grant_role(expert, Role.REVIEWER)
    # A reviewer of the applicant's own research unit: conflicted.
    colleague = UserFactory(email="colleague@example.org", first_name="Maurice",
                            last_name="Wilkins", **same_unit(applicant),
                            language="en")
    grant_role(colleague, Role.REVIEWER)
    assert len({p.organisation_id for p in (applicant, pilot, rapporteur, expert)}) == 4

    def pool_label(person):
        return f"{person} ({person.organisation})"

    with translation.override("en"):
        criteria = [str(c) for c in stage.criteria.order_by("position")]
    assert criteria == ["Scientific quality and ambition",
                        "Project organisation and implementation"]

    # --- 1. The pilot assigns a CCS rapporteur and an external expert. ---
    pilot_page = page
    _english(pilot_page.context, live_server)
    _sign_in(pilot_page, pilot.email)
    _menu(pilot_page, "Evaluation").click()
    expect(pilot_page.get_by_role("heading", name="Evaluation", level=1)).to_be_visible()
    stage_row = pilot_page.get_by_role("table", name="Stages that received applications") \
        .get_by_role("row").filter(has_text=STAGE_TITLE)
    stage_row.get_by_role("link", name="Assignments").click()
    expect(pilot_page.get_by_role("heading", name="Assignments", level=1)).to_be_visible()
    expect(pilot_page.get_by_text("2 reviews expected per application.")).to_be_visible()

    _assign(pilot_page, reference, pool_label(rapporteur), role="Committee rapporteur")
    expect(_status(pilot_page)).to_contain_text(f"{rapporteur} is assigned to {reference}.")
    _assign(pilot_page, reference, pool_label(expert))
    expect(_status(pilot_page)).to_contain_text(f"{expert} is assigned to {reference}.")

    # The colleague of the applicant's unit has a conflict of interest: not offered.
    picker = pilot_page.get_by_label(f"Reviewer for {reference}")
    expect(picker.locator("option", has_text=pool_label(expert))).to_have_count(1)
    expect(picker.locator("option", has_text=str(colleague))).to_have_count(0)
    row = pilot_page.get_by_role("table", name="Submitted applications and their reviewers") \
        .get_by_role("row").filter(has_text=reference)
    expect(row.get_by_role("listitem")).to_have_text([
        re.compile(rf"{rapporteur} – Committee rapporteur –\s+Not started"),
        re.compile(rf"{expert} – External expert –\s+Not started"),
    ])
    expect(row.get_by_role("cell")).to_have_text(
        [re.compile("Claude Bernard"), "2 / 2", "0", re.compile("Assign")])
    expect(row.get_by_role("list")).not_to_contain_text(str(colleague))

    # --- 2. The external expert signs the declaration and submits a review. ---
    expert_page = _new_person(browser, live_server, expert.email)
    _sign_declaration_and_review(expert_page, reference, key="expert", scores={
        criteria[0]: ("A", "Ambitious imaging of targeted vectors."),
        criteria[1]: ("B", "The consortium is small."),
    })
    others = expert_page.get_by_role("region", name="The other reviews")
    expect(others).to_contain_text("No other review is submitted yet.")
    _menu(expert_page, "My reviews").click()
    expert_row = expert_page.get_by_role("row").filter(has_text=reference)
    expect(expert_row).to_contain_text("Submitted")
    expect(expert_row.get_by_role("link", name=f"Read my review {reference}")).to_be_visible()
    expect(expert_row.get_by_role("link", name=re.compile("Declare a conflict"))) \
        .to_have_count(0)
    expert_page.context.close()

    # --- 3. The CCS rapporteur does the same, then reads the expert's review. ---
    rapporteur_page = _new_person(browser, live_server, rapporteur.email)
    _sign_declaration_and_review(rapporteur_page, reference, key="ccs", scores={
        criteria[0]: ("A", "Excellent science."),
        criteria[1]: ("A", "Well organised."),
    })
    others = rapporteur_page.get_by_role("region", name="The other reviews")
    expect(others.get_by_role("article")).to_have_count(1)
    expect(others.get_by_role("heading", name="Review 1 (External expert)")).to_be_visible()
    expect(others).to_contain_text(FOR_APPLICANT["expert"])
    expect(others).to_contain_text(FOR_COMMITTEE["expert"])
    expect(others).to_contain_text("2.50")

    # --- 4. Progress, then the CCS session votes and the decision is recorded. ---
    pilot_page.get_by_role("link", name="Progress and ranking").click()
    expect(pilot_page.get_by_role("heading", name="Progress and ranking", level=1)) \
        .to_be_visible()
    progress_row = pilot_page.get_by_role("table", name=re.compile("^Ranking by the mean")) \
        .get_by_role("row").filter(has_text=reference)
    # Rank, status, reviews done / expected, mean of (2.50, 3.00), spread, decision link.
    expect(progress_row.get_by_role("cell")).to_have_text(
        ["1", "Submitted", "2 / 2", "2.75", "0.50", f"Decide {reference}"])
    reviewers = pilot_page.get_by_role("table", name=re.compile("^Load and progress"))
    expect(reviewers.get_by_role("row").filter(has_text=str(expert)).get_by_role("cell")) \
        .to_have_text(["1", "1", "0"])

    _menu(pilot_page, "Committees").click()
    expect(pilot_page.get_by_role("heading", name="Committee sessions", level=1)).to_be_visible()
    pilot_page.get_by_role("link", name="New session").click()
    expect(pilot_page.get_by_role("heading", name="New committee session")).to_be_visible()
    session_title = "CCS – letters of intent 2025"
    held_at = timezone.localtime(timezone.now() + timedelta(days=1)).replace(hour=14, minute=0)
    pilot_page.get_by_label("Committee").select_option(label="Scientific Advisory Board (CCS)")
    pilot_page.get_by_label("Title").fill(session_title)
    pilot_page.get_by_label("Date and time (Paris time)").fill(held_at.strftime("%Y-%m-%dT%H:%M"))
    pilot_page.get_by_label("Stage of a call").select_option(label=STAGE_TITLE)
    expect(pilot_page.get_by_label("Quorum (%)")).to_have_value("50")
    pilot_page.get_by_role("button", name="Create the session").click()
    expect(_status(pilot_page)).to_contain_text("The session is created")
    expect(pilot_page.get_by_role("heading", name=session_title, level=1)).to_be_visible()

    attendance = pilot_page.get_by_role("region", name="Attendance")
    attendance.get_by_label(str(rapporteur)).check()
    attendance.get_by_role("button", name="Save the attendance").click()
    expect(_status(pilot_page)).to_contain_text("The attendance is saved.")
    expect(pilot_page.get_by_role("region", name="Attendance").get_by_label(str(rapporteur))) \
        .to_be_checked()

    adding = pilot_page.get_by_role("region", name="Add applications to the agenda")
    adding.get_by_label("Submitted applications of the stage").select_option(
        label=f"{reference} – AAVCIB – Vecteurs AAV ciblés")
    adding.get_by_label("Motion").select_option(label="Selected")
    adding.get_by_role("button", name="Add to the agenda").click()
    expect(_status(pilot_page)).to_contain_text("1 application added to the agenda.")
    item = pilot_page.get_by_role("region", name="Agenda", exact=True).get_by_role("article")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Motion: Selected")
    item.get_by_role("button", name="Open ballot").click()
    expect(_status(pilot_page)).to_contain_text(f"The ballot on {reference} is open.")
    expect(item.get_by_role("button", name="Close ballot")).to_be_visible()
    # The pilot does not sit on the CCS: no vote form for them.
    expect(item.get_by_role("radio")).to_have_count(0)

    _menu(rapporteur_page, "Committees").click()
    rapporteur_page.get_by_role("link", name=session_title).click()
    ballot = rapporteur_page.get_by_role("article").filter(has_text=reference)
    expect(ballot).to_contain_text("You have not voted yet.")
    ballot.get_by_role("group", name="Your vote on the motion") \
        .get_by_role("radio", name="For", exact=True).check()
    ballot.get_by_role("button", name="Vote", exact=True).click()
    expect(_status(rapporteur_page)).to_contain_text(f"Your vote on {reference} is recorded.")
    expect(rapporteur_page.get_by_role("article").filter(has_text=reference)) \
        .to_contain_text("Your current vote: For.")

    pilot_page.reload()
    item = pilot_page.get_by_role("region", name="Agenda", exact=True).get_by_role("article")
    item.get_by_role("button", name="Close ballot").click()
    expect(_status(pilot_page)).to_contain_text(
        f"The ballot on {reference} is closed: Adopted.")
    item = pilot_page.get_by_role("region", name="Agenda", exact=True).get_by_role("article")
    expect(item.locator("[data-tally=eligible]")).to_have_text("1")
    expect(item.locator("[data-tally=for]")).to_have_text("1")
    expect(item.locator("[data-tally=against]")).to_have_text("0")
    expect(item.locator("[data-tally=abstentions]")).to_have_text("0")
    expect(item.locator("[data-tally=result]")).to_have_text("Adopted")
    expect(item.get_by_role("table", name="Votes of the members").get_by_role("row")
           .filter(has_text=str(rapporteur))).to_contain_text("For")
    item.get_by_role("button", name="Record the decision").click()
    expect(_status(pilot_page)).to_contain_text(f"Decision recorded for {reference}: Selected.")
    item = pilot_page.get_by_role("region", name="Agenda", exact=True).get_by_role("article")
    expect(item).to_contain_text("Decision recorded: Selected")
    expect(item.get_by_role("button", name="Record the decision")).to_have_count(0)

    item.get_by_role("link", name=reference).click()
    expect(pilot_page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(pilot_page.locator("#status")).to_have_text("Selected")

    # --- 5. The pilot drafts the decision letter and sends it. ---
    _menu(pilot_page, "Evaluation").click()
    pilot_page.get_by_role("table", name="Stages that received applications") \
        .get_by_role("row").filter(has_text=STAGE_TITLE) \
        .get_by_role("link", name="Decision letters").click()
    expect(pilot_page.get_by_role("heading", name="Decision letters", level=1)).to_be_visible()
    expect(pilot_page.get_by_role("button", name=re.compile("^Send all drafts"))).to_be_disabled()
    pilot_page.get_by_role("button", name="Draft letters (1 decision without a letter)").click()
    expect(_status(pilot_page)).to_contain_text("1 letter drafted in its recipient's language")
    letters = pilot_page.get_by_role("table", name="Decision letters of the stage")
    subject = f"Decision on your application {reference}"
    letter_row = letters.get_by_role("row").filter(has_text=reference)
    expect(letter_row.get_by_role("cell")).to_have_text(
        ["Selected", applicant.email, "EN", subject, "Draft"])
    assert not [m for m in mailoutbox if m.subject == subject]

    pilot_page.get_by_role("button", name="Send all drafts (1)").click()
    expect(_status(pilot_page)).to_contain_text("1 letter is being sent in the background")
    expect(letter_row.get_by_role("cell").last).to_contain_text("Sent")
    letters_sent = [m for m in mailoutbox if m.subject == subject]
    assert len(letters_sent) == 1
    letter = letters_sent[0]
    assert letter.to == [applicant.email]
    assert "Hello Rosalind Franklin," in letter.body
    assert f"The decision on your application {reference} to the call “{CALL_TITLE}” is: " \
           "Selected." in letter.body
    assert FOR_APPLICANT["expert"] in letter.body and FOR_APPLICANT["ccs"] in letter.body
    assert FOR_COMMITTEE["expert"] not in letter.body and FOR_COMMITTEE["ccs"] not in letter.body
    rapporteur_page.context.close()

    # --- 6. The applicant reads the decision and the comments meant for them. ---
    applicant_page = _new_person(browser, live_server, applicant.email)
    _menu(applicant_page, "My applications").click()
    applicant_page.get_by_role("table", name="My applications") \
        .get_by_role("link", name=reference).click()
    expect(applicant_page.locator("#status")).to_have_text("Selected")
    decision = applicant_page.get_by_role("region", name="Decision", exact=True)
    expect(decision).to_contain_text("Selected")
    expect(decision.get_by_role("heading", name="The reviewers' comments for you")) \
        .to_be_visible()
    expect(decision.locator("blockquote")).to_have_text(
        [FOR_APPLICANT["expert"], FOR_APPLICANT["ccs"]])
    # Neither the comments for the committee nor the reviewers' names reach the applicant.
    expect(applicant_page.get_by_text(FOR_COMMITTEE["expert"])).to_have_count(0)
    expect(applicant_page.get_by_text(FOR_COMMITTEE["ccs"])).to_have_count(0)
    expect(decision).not_to_contain_text(str(expert))
    expect(decision).not_to_contain_text(str(rapporteur))
    applicant_page.context.close()
