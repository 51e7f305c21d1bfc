"""Issue 18 in a browser, on a phone (390 px): the demo call handler asks for the outcome of one call
of their latest shift, with the control room's incident reference; the demo supervisor answers it
from "Call outcomes to share"; the call handler reads the answer on "My outcome requests" and closes
the request."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from exposure.models import ShiftLog
from portal.models import User
from tests.browser.test_small_screens import PHONE, assert_no_sideways_scrolling

PASSWORD = "outcomes-demo-password"
REFERENCE = "CAD-5150-26"


@pytest.fixture
def demo(transactional_db):
    with override_settings(DEBUG=True, DEMO_PASSWORD=PASSWORD):
        call_command("seed_demo", verbosity=0)


def test_a_call_handler_asks_the_supervisor_answers_and_the_call_handler_closes_on_a_phone(
        demo, page, sign_in, screenshot):
    officer = User.objects.get(username="demo.officer")
    shift = ShiftLog.objects.filter(officer=officer, role="call_handling").order_by("-shift_date").first()
    page.set_viewport_size(PHONE)
    sign_in(page, officer, password=PASSWORD)
    page.goto(f"/exposure/shifts/{shift.pk}/")
    page.get_by_role("link", name="Ask for the outcome of a call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for the outcome of a call")
    page.get_by_label("Incident reference").fill("5150")
    page.get_by_role("button", name="Ask for the outcome").click()
    expect(page.get_by_text(re.compile(r"for example CAD-1234-22")).first).to_be_visible()
    page.get_by_label("Incident reference").fill(REFERENCE)
    page.get_by_label("A short summary").check()
    page.get_by_role("button", name="Ask for the outcome").click()
    expect(page.get_by_text("Your supervisor has been asked.", exact=False)).to_be_visible()
    expect(page.locator("#asked")).to_contain_text(REFERENCE)
    assert_no_sideways_scrolling(page)
    screenshot(page, "outcome-ask-390")

    page.context.clear_cookies()
    sign_in(page, User.objects.get(username="demo.supervisor"), password=PASSWORD)
    page.goto("/team/outcomes/")
    row = page.locator("#outcome-requests tbody tr").filter(has_text=REFERENCE)
    expect(row).to_have_count(1)
    expect(row.get_by_role("rowheader")).to_have_text(officer.get_full_name())
    expect(row).to_contain_text("A short summary")
    assert_no_sideways_scrolling(page)
    screenshot(page, "team-outcomes-390")
    row.get_by_role("link", name=re.compile(r"^Answer")).click()
    expect(page.locator("#reference")).to_have_text(REFERENCE)
    page.get_by_role("button", name="Record as shared").click()
    expect(page.get_by_text("Write what you shared with them", exact=False).first).to_be_visible()
    page.get_by_label("What you shared, or why it is not available").fill(
        "The patient reached hospital and is stable.")
    page.get_by_role("button", name="Record as shared").click()
    expect(page.get_by_text("Answer recorded.", exact=False)).to_be_visible()
    expect(page.locator("#outcome-requests tbody tr").filter(has_text=REFERENCE)).to_have_count(0)

    page.context.clear_cookies()
    sign_in(page, officer, password=PASSWORD)
    page.goto("/exposure/outcomes/")
    card = page.locator(".outcome-request").filter(has_text=REFERENCE)
    expect(card.locator(".request-status")).to_have_text("Shared")
    expect(card.locator(".request-answer")).to_contain_text("The patient reached hospital and is stable.")
    assert_no_sideways_scrolling(page)
    screenshot(page, "my-outcomes-390")
    card.get_by_role("button", name=re.compile(r"^Close this request")).click()
    expect(page.get_by_text("Request closed.")).to_be_visible()
    expect(page.locator(".outcome-request").filter(has_text=REFERENCE).locator(".request-status")).to_have_text(
        "Closed")
