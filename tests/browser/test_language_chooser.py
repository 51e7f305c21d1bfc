"""The footer language chooser in a real browser: reachable and usable with the keyboard alone, and
Welsh pages pass axe just as English ones do."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import axe_violations, crawl


def tab_to(page, name: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == name:
            return
    pytest.fail(f"{name!r} cannot be reached with the Tab key")


def test_an_officer_switches_to_welsh_and_back_with_the_keyboard(transactional_db, page, officer, sign_in):
    sign_in(page, officer)
    page.wait_for_url("**/exposure/")
    tab_to(page, "Cymraeg")
    expect(page.locator(":focus")).to_have_attribute("lang", "cy")
    with page.expect_navigation():  # the chooser posts, then returns to the same page
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/exposure/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fy sifftiau", use_inner_text=True)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    officer.refresh_from_db()
    assert officer.language == "cy"

    page.goto("/notifications/")  # the choice holds on every page
    expect(page.get_by_role("heading", level=1)).to_have_text("Hysbysiadau", use_inner_text=True)
    expect(page.get_by_role("button", name="Cymraeg")).to_have_attribute("aria-current", "true")

    tab_to(page, "English")
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications", use_inner_text=True)
    officer.refresh_from_db()
    assert officer.language == "en-gb"


@pytest.fixture
def csp_free_page(browser, live_server):
    # axe is injected as a script tag, which the site's CSP forbids; only this context bypasses it.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_welsh_pages_pass_axe(transactional_db, csp_free_page, officer, sign_in):
    officer.language = "cy"
    officer.save()
    page = csp_free_page
    page.goto("/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert axe_violations(page) == []
    page.get_by_label("Enw defnyddiwr").fill(officer.username)
    page.get_by_label("Cyfrinair").fill("correct-horse-battery")
    page.get_by_role("button", name="Mewngofnodi").click()
    page.wait_for_url("**/exposure/")
    pages = crawl(page, "/")
    assert len(pages) >= 3, pages
    problems = {}
    for url in pages:
        page.goto(url)
        if found := axe_violations(page):
            problems[url] = found
    assert problems == {}, problems
