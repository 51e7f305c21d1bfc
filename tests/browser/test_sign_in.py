"""Signing in and out in a real browser, and landing on the role's start page."""

import re

from playwright.sync_api import expect


def test_an_officer_signs_in_with_the_keyboard_and_reaches_their_start_page(
    transactional_db, page, officer, screenshot
):
    page.goto("/accounts/login/")
    # The username field has focus on arrival; everything else is typed and tabbed. The browser
    # moves focus to an autofocus field at its next rendering step, which can come after the load
    # event on a busy machine, so wait for the focus before typing (CI lost the first keys once).
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("officer")
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/exposure/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My shifts", use_inner_text=True)
    page.keyboard.press("Tab")  # the skip link is the first thing on every page
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="My wellbeing")).to_have_count(1)
    expect(nav.get_by_role("link", name="Occupational health")).to_have_count(0)
    screenshot(page, "officer-start")


def test_a_wrong_password_shows_a_message_on_the_form(transactional_db, page, officer):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main form")).to_contain_text("correct username and password", use_inner_text=True)
    expect(page.get_by_label("Username")).to_have_value("officer")


def test_a_supervisor_lands_on_the_team_page_and_signs_out(transactional_db, page, supervisor, sign_in):
    sign_in(page, supervisor)
    page.wait_for_url("**/team/")
    page.get_by_role("button", name=supervisor.get_full_name(), exact=True).click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    page.goto("/team/")
    expect(page).to_have_url(re.compile("/accounts/login/"))
