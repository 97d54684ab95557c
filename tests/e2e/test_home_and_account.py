"""A visitor opens the home page, switches to English, signs up, confirms and signs in."""
import re

from playwright.sync_api import expect


def test_visitor_signs_up_in_english_and_signs_in(page, mailoutbox):
    page.goto("/")
    # French first, even though the browser asks for English.
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Accessibilité : non conforme")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="The four axes of the programme")).to_be_visible()

    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("rosalind@example.org")
    page.get_by_label("First name").fill("Rosalind")
    page.get_by_label("Last name").fill("Franklin")
    page.get_by_label("Laboratory").fill("Biophysics")
    # Required fields carry an asterisk in their label.
    page.get_by_role("textbox", name=re.compile(r"^Password\*?$")).fill("a-Long-passphrase-42")
    page.get_by_label("Password (again)").fill("a-Long-passphrase-42")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    assert len(mailoutbox) == 1
    confirm_path = re.search(r"https?://[^/\s]+(/\S+)", mailoutbox[0].body).group(1)
    page.goto(confirm_path)
    page.get_by_role("button", name="Confirm").click()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("rosalind@example.org")
    page.get_by_label("Password").fill("a-Long-passphrase-42")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="My profile")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
