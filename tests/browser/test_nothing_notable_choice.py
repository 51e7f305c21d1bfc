"""Issue 17: "Nothing notable on my last shift" with two recent unlogged shifts asks which, on a
phone (390 px), by keyboard; the chosen shift is logged."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from exposure.models import ShiftLog
from exposure.services import shift_create
from exposure.shift_times import LONDON
from tests.browser.test_small_screens import PHONE, assert_no_sideways_scrolling


def test_two_unlogged_shifts_are_a_question_answered_by_keyboard_on_a_phone(
    transactional_db, page, teammate, sign_in, screenshot
):
    now = timezone.now().astimezone(LONDON).replace(second=0, microsecond=0)
    recent, earlier = now - timedelta(hours=3), now - timedelta(hours=10)  # two usual starts, 2 hours each
    for start in (earlier, recent):
        shift_create(officer=teammate, shift_date=start.date() - timedelta(days=3), start_time=start.time(),
                     duration_minutes=120, role="cse_review", entries=[])
    page.set_viewport_size(PHONE)
    sign_in(page, teammate)
    page.goto("/exposure/")
    expect(page.locator("#quick-help")).to_contain_text("asks which of your recent shifts", use_inner_text=True)
    page.get_by_role("button", name="Nothing notable on my last shift").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Which shift had nothing notable?")).to_be_visible()
    radios = page.get_by_role("radio")
    expect(radios).to_have_count(2)
    screenshot(page, "nothing-notable-choice-390")
    assert_no_sideways_scrolling(page)
    radios.nth(0).focus()
    page.keyboard.press("ArrowDown")  # the earlier shift
    expect(radios.nth(1)).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Log this shift")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("nothing notable", use_inner_text=True)
    assert ShiftLog.objects.filter(officer=teammate).count() == 3
    logged = ShiftLog.objects.filter(officer=teammate).latest("id")
    assert (logged.shift_date, logged.start_time) == (earlier.date(), earlier.time())
