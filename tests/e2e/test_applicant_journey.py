"""An applicant signs up, writes a letter of intent with two partner teams and a PDF, submits it,
gets the receipt, reopens and resubmits it, then withdraws it; and a bad upload is refused."""
import re

from django.utils import translation
from playwright.sync_api import expect

from pepr.core.models import Axis
from tests.factories import UserFactory, make_call
from tests.pdfs import pdf_bytes

PASSWORD = "a-Long-passphrase-42"


def _switch_to_english(page):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _sign_up_and_sign_in(page, mailoutbox, email):
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("First name").fill("Rosalind")
    page.get_by_label("Last name").fill("Franklin")
    page.get_by_label("Laboratory").fill("Biophysics Unit")
    # Required fields carry an asterisk in their label ("Password*").
    page.get_by_role("textbox", name=re.compile(r"^Password\*?$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    confirmations = [m for m in mailoutbox if email in m.to]
    assert len(confirmations) == 1
    confirm_path = re.search(r"https?://[^/\s]+(/\S+)", confirmations[0].body).group(1)
    page.goto(confirm_path)
    page.get_by_role("button", name="Confirm").click()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="My profile")).to_be_visible()


def _sign_in(page, email, password="correct-horse-battery"):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="My profile")).to_be_visible()


def _team(page, number):
    """The box of one partner team in the edit form, found by its "Team N" heading line."""
    return page.locator("div.border").filter(
        has=page.get_by_text(f"Team {number}", exact=True)
    )


def _fill_team(team, *, laboratory, lead_name, lead_email, role):
    team.get_by_label("Laboratory").fill(laboratory)
    team.get_by_label("Lead name").fill(lead_name)
    team.get_by_label("Lead e-mail").fill(lead_email)
    team.get_by_label("Role").select_option(label=role)


def _open_call_and_create_draft(page, call_title):
    page.get_by_role("link", name="Calls", exact=True).click()
    expect(page.get_by_role("heading", name="Calls", level=1)).to_be_visible()
    page.get_by_role("link", name=call_title).click()
    expect(page.get_by_role("heading", name=call_title)).to_be_visible()
    page.get_by_role("link", name="Apply").click()
    expect(page.get_by_role("heading", name="Start an application")).to_be_visible()
    page.get_by_role("button", name="Create my draft").click()
    expect(page.get_by_role("status")).to_contain_text("Your draft is created.")
    expect(page.get_by_role("heading", name=re.compile("Edit the draft"))).to_be_visible()


def test_applicant_submits_resubmits_and_withdraws_a_letter_of_intent(page, mailoutbox,
                                                                       tmp_path):
    call = make_call(title_en="Bioimaging frontiers 2025", title_fr="Frontières de la bio-imagerie")
    stage = call.stages.get()
    with translation.override("en"):
        axis = str(Axis.objects.order_by("number").first())
    letter = tmp_path / "letter-of-intent.pdf"
    letter.write_bytes(pdf_bytes(2))

    _switch_to_english(page)
    _sign_up_and_sign_in(page, mailoutbox, "rosalind@example.org")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Start a letter of intent from the list of calls.
    _open_call_and_create_draft(page, "Bioimaging frontiers 2025")
    reference = f"{call.code.upper()}-{stage.number}-00001"
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)

    # The project.
    page.get_by_label("Title").fill("Imaging synapses in living tissue")
    page.get_by_label("Acronym").fill("SYNAPSE")
    page.get_by_label("Axis").select_option(label=axis)
    page.get_by_label("Summary in French").fill("Nous imageons les synapses dans le tissu vivant.")
    page.get_by_label("Summary in English").fill("We image synapses in living tissue.")
    page.get_by_label("Keywords").fill("synapse, microscopy, live imaging")

    # The coordinator's team comes prefilled from the profile; the extra row is blank.
    coordinator = _team(page, 1)
    expect(coordinator.get_by_label("Laboratory")).to_have_value("Biophysics Unit")
    expect(coordinator.get_by_label("Lead name")).to_have_value("Rosalind Franklin")
    expect(coordinator.get_by_label("Lead e-mail")).to_have_value("rosalind@example.org")
    expect(coordinator.get_by_label("Role")).to_have_value("coordinator")
    coordinator.get_by_label("RNSR unit id").fill("200918488S")
    expect(_team(page, 2).get_by_label("Laboratory")).to_have_value("")
    expect(_team(page, 3)).to_have_count(0)
    _fill_team(_team(page, 2), laboratory="Neuro-imaging Lab", lead_name="Santiago Cajal",
               lead_email="cajal@example.org", role="Partner team")

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    expect(page.get_by_role("heading", name=re.compile("Edit the draft"))).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Imaging synapses in living tissue")
    expect(_team(page, 2).get_by_label("Laboratory")).to_have_value("Neuro-imaging Lab")
    expect(_team(page, 3).get_by_label("Laboratory")).to_have_value("")
    _fill_team(_team(page, 3), laboratory="Optics Startup", lead_name="Ernst Abbe",
               lead_email="abbe@example.org", role="Industrial partner")

    page.get_by_label("Letter of intent (PDF)").set_input_files(letter)
    page.get_by_role("button", name="Save and see the checklist").click()

    # The application page: every item of the checklist is done.
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    expect(page.locator("#status")).to_have_text("Draft")
    checklist = page.get_by_role("region", name="Checklist before submitting")
    items = checklist.get_by_role("listitem")
    expect(items).to_have_count(8)
    for index in range(8):
        expect(items.nth(index)).to_contain_text("Done:")
    expect(checklist).not_to_contain_text("Missing:")
    content = page.get_by_role("region", name="Content")
    partners = content.get_by_role("table").get_by_role("row")
    expect(partners).to_have_count(4)  # header + coordinator + two partners
    expect(partners.nth(1)).to_contain_text("Coordinating team")
    expect(partners.nth(2)).to_contain_text("Neuro-imaging Lab")
    expect(partners.nth(3)).to_contain_text("Industrial partner")
    expect(content.get_by_role("listitem").filter(
        has=page.get_by_role("link", name="Letter of intent (PDF): letter-of-intent.pdf")
    )).to_contain_text("(2 pages)")

    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#status")).to_have_text("Submitted")
    expect(page.get_by_role("status")).to_contain_text("Your application is submitted (version 1)")
    expect(page.get_by_role("region", name="Checklist before submitting")).to_have_count(0)
    expect(page.get_by_role("button", name="Submit")).to_have_count(0)

    receipts = [m for m in mailoutbox if reference in m.subject]
    assert len(receipts) == 1
    receipt = receipts[0]
    assert receipt.to == ["rosalind@example.org"]
    assert receipt.subject == f"Receipt of your application {reference}"
    assert "We received version 1" in receipt.body
    [(name, attachment, mimetype)] = receipt.attachments
    assert name == f"receipt-{reference}-v1.pdf"
    assert mimetype == "application/pdf"
    assert attachment.startswith(b"%PDF-")

    # Reopen, change the title and submit again.
    page.get_by_role("link", name="Reopen to change").click()
    expect(page.get_by_role("heading", name=re.compile("Reopen the application"))).to_be_visible()
    page.get_by_role("button", name="Reopen").click()
    expect(page.locator("#status")).to_have_text("Draft")
    expect(page.get_by_role("status")).to_contain_text("The application is a draft again.")
    page.get_by_role("link", name="Edit the draft").click()
    new_title = "Imaging synapses and their plasticity in living tissue"
    page.get_by_label("Title").fill(new_title)
    page.get_by_role("button", name="Save and see the checklist").click()
    expect(page.locator("p.lead")).to_have_text(new_title)
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#status")).to_have_text("Submitted")
    expect(page.get_by_role("status")).to_contain_text("Your application is submitted (version 2)")
    expect(page.get_by_role("region", name="Timeline").get_by_role("listitem")).to_have_text([
        re.compile(r"– Draft\b"),
        re.compile(r"– Submitted \(version 1\)"),
        re.compile(r"– Draft\b"),
        re.compile(r"– Submitted \(version 2\)"),
    ])
    receipts = [m for m in mailoutbox if reference in m.subject]
    assert [m.attachments[0][0] for m in receipts] == [
        f"receipt-{reference}-v1.pdf", f"receipt-{reference}-v2.pdf"]

    # Withdraw for good.
    page.get_by_role("link", name="Withdraw").click()
    expect(page.get_by_role("heading", name=re.compile("Withdraw the application"))).to_be_visible()
    page.get_by_role("button", name="Withdraw for good").click()
    expect(page.locator("#status")).to_have_text("Withdrawn")
    expect(page.get_by_role("status")).to_contain_text("The application is withdrawn.")
    expect(page.get_by_role("link", name="Reopen to change")).to_have_count(0)
    expect(page.get_by_role("link", name="Withdraw")).to_have_count(0)

    page.get_by_role("link", name="My applications").click()
    rows = page.get_by_role("table", name="My applications").get_by_role("row")
    expect(rows).to_have_count(2)
    row = rows.filter(has=page.get_by_role("link", name=reference))
    expect(row.get_by_role("cell")).to_have_text([
        reference,
        re.compile("SYNAPSE Imaging synapses and their plasticity in living tissue"),
        re.compile("Bioimaging frontiers 2025 – Letter of intent"),
        "Withdrawn",
        re.compile(r"\S"),
    ])


def test_a_file_that_is_not_a_pdf_is_refused_and_the_typed_title_is_kept(page, tmp_path):
    make_call(title_en="Bioimaging frontiers 2025")
    UserFactory(email="ada@example.org", language="en")
    fake = tmp_path / "letter.pdf"
    fake.write_bytes(b"MZ\x90\x00 this is a renamed executable, not a PDF at all")

    _switch_to_english(page)
    _sign_in(page, "ada@example.org")
    _open_call_and_create_draft(page, "Bioimaging frontiers 2025")

    page.get_by_label("Title").fill("A title typed before the bad upload")
    upload = page.get_by_label("Letter of intent (PDF)")
    upload.set_input_files(fake)
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Draft saved, but a document was refused: see below.")
    expect(page.get_by_role("alert")).to_contain_text("Some fields need your attention")
    expect(upload).to_have_attribute("aria-invalid", "true")
    error = page.get_by_text("This file is not a PDF document.")
    expect(error).to_be_visible()
    # The message belongs to the field: screen readers announce it with the file input.
    expect(upload).to_have_accessible_description(re.compile("This file is not a PDF document."))
    expect(page.get_by_label("Title")).to_have_value("A title typed before the bad upload")

    # The rest of the draft was saved; only the refused file is missing.
    page.get_by_role("link", name="Back without saving").click()
    expect(page.locator("p.lead")).to_have_text("A title typed before the bad upload")
    expect(page.get_by_role("region", name="Content")).to_contain_text("No document uploaded yet.")
    checklist = page.get_by_role("region", name="Checklist before submitting")
    document_item = checklist.get_by_role("listitem").filter(has_text="Letter of intent (PDF)")
    expect(document_item).to_contain_text("Missing:")
