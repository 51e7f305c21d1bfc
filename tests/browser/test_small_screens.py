"""Issue 17, small screens: at 390 px (a phone) the supervisor sees the first person of "who needs
me" without scrolling, OH opens a case without scrolling sideways, and the call-count grid of the
call-handling shift form fits. Tables that do not fit a phone are stacked rows there, each cell
labelled with its column (static/css/portal.css, `.table-stack`). Signed in as the demo users."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from portal.models import User

PASSWORD = "small-screens-demo-password"
PHONE = {"width": 390, "height": 844}

# The page's own width and any element that scrolls sideways inside it (a `.table-responsive`
# wrapper, say): both must fit 390 px.
SIDEWAYS = """() => {
  const page = document.scrollingElement.scrollWidth;
  const inside = [...document.querySelectorAll('body *')].filter(el => {
    const x = getComputedStyle(el).overflowX;
    return (x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1;
  }).map(el => (el.id || el.className || el.tagName) + ': ' + (el.scrollWidth - el.clientWidth) + 'px');
  return {page, inside};
}"""


@pytest.fixture
def demo(transactional_db):
    with override_settings(DEBUG=True, DEMO_PASSWORD=PASSWORD):
        call_command("seed_demo", verbosity=0)


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def assert_no_sideways_scrolling(page):
    found = page.evaluate(SIDEWAYS)
    assert found["page"] <= PHONE["width"], (page.url, found)
    assert found["inside"] == [], (page.url, found)


def test_the_supervisor_sees_the_first_person_without_scrolling(demo, phone, sign_in, screenshot):
    sign_in(phone, User.objects.get(username="demo.supervisor"), password=PASSWORD)
    phone.goto("/team/")
    first = phone.locator("#team-people tbody tr").first
    expect(first).to_be_visible()
    screenshot(phone, "team-390")
    box = first.locator("th").bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # each stacked cell names its column
    expect(first.locator("td").first).to_have_attribute("data-label", "Level and reasons")
    assert_no_sideways_scrolling(phone)
    first.locator("th a").click()  # the person's page
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    assert_no_sideways_scrolling(phone)
    for path in ("/team/flags/", "/team/outcomes/"):
        phone.goto(path)
        assert_no_sideways_scrolling(phone)


def test_oh_opens_a_case_without_scrolling_sideways(demo, phone, sign_in, screenshot):
    sign_in(phone, User.objects.get(username="demo.oh"), password=PASSWORD)
    phone.goto("/oh/")
    assert_no_sideways_scrolling(phone)
    button = phone.locator("#oh-queue tbody tr").first.get_by_role("link", name="Open case")
    expect(button).to_be_visible()
    screenshot(phone, "oh-queue-390")
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    button.click()
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    assert_no_sideways_scrolling(phone)


# The page itself: nothing wider than the window (what a phone user would have to scroll to).
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_ohs_case_page_is_stacked_rows_on_a_phone(demo, phone, sign_in, screenshot):
    """OH's case page of someone with months of history (check-ins with answers, assessments,
    exposures): every table is stacked rows at 390 px, each cell labelled with its column, and
    nothing scrolls sideways, with the answers of a check-in opened too."""
    sign_in(phone, User.objects.get(username="demo.oh"), password=PASSWORD)
    person = User.objects.get(username="demo.officer")
    phone.goto(f"/oh/people/{person.pk}/")
    phone.get_by_role("radio").first.check()
    phone.get_by_role("button", name="Open case").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Case:")
    for section in ("#checkins", "#assessments", "#exposures"):
        cell = phone.locator(f"{section} table.table-stack tbody tr").first.locator("td").first
        expect(cell).to_be_visible()
        expect(cell).to_have_css("display", "block")
        expect(cell).to_have_attribute("data-label", re.compile(r"\S"))
    phone.wait_for_function(FITS)
    assert phone.evaluate(FITS), phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert_no_sideways_scrolling(phone)
    phone.locator("#checkins tbody tr").first.locator("summary").click()
    expect(phone.locator("#checkins tbody tr").first.locator("details ol")).to_be_visible()
    screenshot(phone, "oh-case-390")
    assert phone.evaluate(FITS), phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert_no_sideways_scrolling(phone)


def test_the_call_count_grid_fits_a_phone(demo, phone, sign_in, screenshot):
    sign_in(phone, User.objects.get(username="demo.officer"), password=PASSWORD)
    phone.goto("/exposure/log/")
    grid = phone.locator("#role-call_handling table.exposure-grid")
    expect(grid).to_be_visible()
    screenshot(phone, "shift-form-390")
    count = grid.locator("tbody input[type=number]").first
    expect(count).to_be_visible()
    box = count.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"], box
    assert_no_sideways_scrolling(phone)


# The other pages with tables that a phone user meets, by role: none scrolls sideways at 390 px.
PHONE_PAGES = {
    "demo.supervisor": ["/team/trends/", "/training/"],
    "demo.oh": ["/oh/people/", "/oh/audit/", "/oh/reports/", "/training/"],
    "demo.officer": ["/exposure/", "/wellbeing/", "/wellbeing/privacy/", "/training/"],
    "demo.trainer": ["/training/manage/", "/training/manage/people/", "/training/manage/rules/",
                     "/training/manage/reports/"],
}
PERSON_PAGES = {"demo.trainer": "/training/manage/people/"}


@pytest.mark.parametrize("username", sorted(PHONE_PAGES))
def test_tables_a_phone_user_meets_do_not_scroll_sideways(demo, phone, sign_in, username):
    sign_in(phone, User.objects.get(username=username), password=PASSWORD)
    problems = {}
    for path in PHONE_PAGES[username]:
        phone.goto(path)
        found = phone.evaluate(SIDEWAYS)
        if found["page"] > PHONE["width"] or found["inside"]:
            problems[path] = found
    if username in PERSON_PAGES:  # and the first person's record
        phone.goto(PERSON_PAGES[username])
        phone.locator("main table tbody th a").first.click()
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        found = phone.evaluate(SIDEWAYS)
        if found["page"] > PHONE["width"] or found["inside"]:
            problems[phone.url] = found
    assert problems == {}
