"""Issue 18 in a browser: the demo supervisor, on a phone (390 px), opens the deployments to debrief
from the team pages, reads them as stacked rows labelled by column, marks one as debriefed with the
keyboard alone, and narrows the list to those still to do by its labelled checkbox."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from portal.models import User
from tests.browser.test_small_screens import PHONE, assert_no_sideways_scrolling

PASSWORD = "deployments-demo-password"


@pytest.fixture
def demo(transactional_db):
    with override_settings(DEBUG=True, DEMO_PASSWORD=PASSWORD):
        call_command("seed_demo", verbosity=0)


def test_a_supervisor_marks_a_deployment_debriefed_on_a_phone_with_the_keyboard(demo, page, sign_in, screenshot):
    page.set_viewport_size(PHONE)
    sign_in(page, User.objects.get(username="demo.supervisor"), password=PASSWORD)
    page.goto("/team/")
    page.get_by_role("link", name="Debriefs").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Deployments to debrief")
    expect(page.get_by_text(re.compile(r"without a defined task in the last 14 days"))).to_be_visible()
    row = page.locator("#deployments tbody tr").filter(has=page.get_by_role("rowheader", name="Ruth Osei")).first
    expect(row).to_be_visible()
    expect(row.locator("td").first).to_have_attribute("data-label", "Shift date")
    expect(row.locator("td").nth(1)).to_have_text("Firearms")
    assert_no_sideways_scrolling(page)
    screenshot(page, "team-deployments-390")

    button = row.get_by_role("button", name=re.compile(r"^Mark as debriefed Ruth Osei, deployment of "))
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"Marked as debriefed: Ruth Osei, deployment of "))).to_be_visible()
    done = page.locator("#deployments tbody tr").filter(has_text="Done by Sam Whitfield").first
    expect(done).to_be_visible()

    page.get_by_label("Only those still to do").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Apply").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"to_do=on"))
    expect(page.locator("#deployments tbody tr").filter(has_text="Done by")).to_have_count(0)
    assert_no_sideways_scrolling(page)
