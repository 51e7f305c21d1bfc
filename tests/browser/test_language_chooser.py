"""The footer language chooser in a real browser: reachable and usable with the keyboard alone, and
Welsh pages pass axe just as English ones do."""

import pytest

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
    assert page.evaluate("document.activeElement.lang") == "cy"
    with page.expect_navigation():  # the chooser posts, then returns to the same page
        page.keyboard.press("Enter")
    assert page.url.endswith("/exposure/")
    assert page.get_by_role("heading", level=1).inner_text() == "Fy sifftiau"
    assert page.evaluate("document.documentElement.lang") == "cy"
    officer.refresh_from_db()
    assert officer.language == "cy"

    page.goto("/notifications/")  # the choice holds on every page
    assert page.get_by_role("heading", level=1).inner_text() == "Hysbysiadau"
    assert page.get_by_role("button", name="Cymraeg").get_attribute("aria-current") == "true"

    tab_to(page, "English")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert page.url.endswith("/notifications/")
    assert page.get_by_role("heading", level=1).inner_text() == "Notifications"
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
    assert page.evaluate("document.documentElement.lang") == "cy"
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
