"""Logging shifts in a real browser: a call-handling shift and a CSE review shift, then both in the
history and in the load chart; and the viewing timer handing its minutes to the CSE form."""

import re
from datetime import UTC, datetime, time, timedelta
from unittest import mock

from django.utils import timezone
from playwright.sync_api import expect

from exposure.models import Exposure, ShiftLog
from exposure.services import shift_create
from exposure.shift_times import LONDON


def _day(days_ago):
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


def test_an_officer_logs_a_call_handling_and_a_cse_shift_and_sees_both(
    transactional_db, page, officer, sign_in, screenshot
):
    sign_in(page, officer)
    page.goto("/exposure/log/")
    expect(page.locator("#who-sees")).to_contain_text("Your supervisor sees only your overall exposure load",
                                                      use_inner_text=True)
    calls = page.locator("#role-call_handling")
    expect(calls).to_be_visible()
    expect(page.locator("#role-cse_review")).to_be_hidden()

    page.get_by_label("Shift date").fill(_day(1))
    page.get_by_label("Start time").fill("07:00")
    page.get_by_label("Length (hours)").fill("10")
    calls.get_by_label("Calls taken in the shift").fill("42")
    calls.get_by_label("Child at risk: number of calls").fill("2")
    calls.get_by_label("Child at risk: I want to know the outcome").check()
    calls.get_by_label("Domestic abuse: number of calls").fill("1")
    calls.get_by_label("Was one of these calls a critical incident?").select_option("child_at_risk")
    calls.get_by_label("4 –").check()
    screenshot(page, "exposure-call-handling-form")
    page.get_by_role("button", name="Save shift").click()
    page.wait_for_url("**/exposure/shifts/*/")
    expect(page.locator("body")).to_contain_text("Shift saved.")

    page.goto("/exposure/log/")
    page.get_by_label("Role worked").select_option("cse_review")
    cse = page.locator("#role-cse_review")
    expect(cse).to_be_visible()
    expect(calls).to_be_hidden()
    page.get_by_label("Shift date").fill(_day(3))
    page.get_by_label("Start time").fill("08:00")
    page.get_by_label("Length (hours)").fill("8")
    cse.get_by_label("Category B, Videos: items reviewed").fill("6")
    cse.get_by_label("Category C, Images: items reviewed").fill("150")
    # A mistake first: more minutes than the shift has. The message shows and nothing typed is lost.
    cse.get_by_label("Minutes spent viewing").fill("900")
    cse.get_by_label("Greyscale").check()
    cse.get_by_label("Audio muted or separated").check()
    cse.get_by_label("3 –").check()
    page.get_by_role("button", name="Save shift").click()
    page.wait_for_load_state()
    expect(cse).to_contain_text("more than the length of the shift", use_inner_text=True)
    expect(cse.get_by_label("Category C, Images: items reviewed")).to_have_value("150")
    expect(cse.get_by_label("Greyscale")).to_be_checked()
    expect(page.get_by_label("Role worked")).to_have_value("cse_review")
    # Updated (issue 17, GOV.UK error summary): focus goes to the summary; its link leads to the field.
    expect(page.locator("#error-summary")).to_be_focused()
    page.locator("#error-summary").get_by_role("link", name="more than the length of the shift").click()
    expect(page.locator("[name='cse_review-minutes']")).to_be_focused()
    screenshot(page, "exposure-cse-form-error")
    cse.get_by_label("Minutes spent viewing").fill("120")
    page.get_by_role("button", name="Save shift").click()
    page.wait_for_url("**/exposure/shifts/*/")

    assert ShiftLog.objects.filter(officer=officer).count() == 2
    assert Exposure.objects.get(officer=officer, role="cse_review").minutes == 120

    page.goto("/exposure/")
    history = page.locator("#shift-history")
    rows = history.locator("tbody tr")
    expect(rows).to_have_count(2)
    for words in ("Call handling", "Child at risk", "Critical incident"):
        expect(rows.nth(0)).to_contain_text(words, use_inner_text=True)
    for words in ("CSE digital review", "Category B"):
        expect(rows.nth(1)).to_contain_text(words, use_inner_text=True)
    expect(page.locator("#exposure-chart svg.line-chart .line-chart-line")).to_have_count(1)  # SVG from the server
    page.get_by_text("Show the chart as a table").click()
    expect(page.locator("details table tbody tr")).to_have_count(13)
    expect(page.locator("#load-summary")).to_have_text(re.compile(r"\S"), use_inner_text=True)  # not empty
    screenshot(page, "exposure-history")


def test_nothing_notable_is_one_keyboard_press(transactional_db, page, officer, sign_in):
    sign_in(page, officer)
    page.goto("/exposure/")
    page.get_by_role("button", name="Nothing notable on my last shift").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("nothing notable", use_inner_text=True)
    assert ShiftLog.objects.get(officer=officer).nothing_notable


def test_the_viewing_timer_prefills_the_cse_entry(transactional_db, page, teammate, sign_in, screenshot):
    sign_in(page, teammate)
    page.goto("/exposure/viewing/")
    page.get_by_role("button", name="Start viewing session").click()
    page.wait_for_load_state()
    expect(page.locator("#viewing-status")).to_contain_text("Viewing", use_inner_text=True)
    page.get_by_role("button", name="Take a break").click()
    page.wait_for_load_state()
    expect(page.locator("#viewing-status")).to_contain_text("On a break", use_inner_text=True)
    screenshot(page, "exposure-viewing-timer")
    page.get_by_role("button", name="Stop and log the minutes").click()
    page.wait_for_url("**/exposure/log/?role=cse_review&session=*")
    expect(page.get_by_label("Role worked")).to_have_value("cse_review")
    cse = page.locator("#role-cse_review")
    expect(cse.get_by_label("Minutes spent viewing")).to_have_value("0")
    expect(cse.get_by_label("Breaks (10 minutes every hour)")).to_be_checked()


def test_the_timer_prompts_a_break_after_fifty_minutes_of_viewing(transactional_db, page, teammate, sign_in):
    from exposure.models import ViewingSession

    sign_in(page, teammate)
    page.goto("/exposure/viewing/")
    expect(page.locator("#viewing-prompt")).to_be_hidden()
    page.get_by_role("button", name="Start viewing session").click()
    page.wait_for_load_state()
    # The session began 51 minutes ago (as far as the server knows); the page prompts at once.
    earlier = timezone.now() - timedelta(minutes=51)
    ViewingSession.objects.filter(officer=teammate).update(started_at=earlier, segment_started_at=earlier)
    page.reload()
    prompt = page.locator("#viewing-prompt")
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text("Time for a break: you have viewed for 50 minutes. Step away for 10 minutes.",
                                   use_inner_text=True)
    expect(prompt).to_have_attribute("role", "alert")
    expect(page).to_have_title(re.compile(r"^Break due"))
    expect(page.locator("#viewing-status")).to_contain_text("Minutes this session: 51", use_inner_text=True)


def test_after_a_night_shift_an_officer_on_a_phone_logs_last_nights_shift_with_the_date_filled_in(
    transactional_db, page, officer, sign_in, screenshot
):
    # Issue 17: a call handler who works 19:00 to 07:00 opens the form at 08:56, on a 390 px phone.
    today = timezone.localdate()
    shift_create(officer=officer, shift_date=today - timedelta(days=4), start_time=time(19), duration_minutes=720,
                 role="call_handling", entries=[])
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, officer)
    at_0856 = datetime.combine(today, time(8, 56), tzinfo=LONDON).astimezone(UTC)
    last_night = today - timedelta(days=1)
    with mock.patch.object(timezone, "now", return_value=at_0856):
        page.goto("/exposure/log/")
        date_field = page.get_by_label("Shift date")
        expect(date_field).to_have_value(last_night.isoformat())
        expect(page.get_by_label("Start time")).to_have_value("19:00")
        expect(page.get_by_label("Length (hours)")).to_have_value(re.compile(r"^12(\.0+)?$"))
        expect(page.locator("#hint_id_shift_date, #id_shift_date_helptext").first).to_contain_text(
            "For a night shift, the date it started", use_inner_text=True)
        calls = page.locator("#role-call_handling")
        calls.get_by_label("Calls taken in the shift").fill("55")
        calls.get_by_label("Domestic abuse: number of calls").fill("2")
        calls.get_by_label("3 –").check()
        screenshot(page, "exposure-night-shift-390")
        page.get_by_role("button", name="Save shift").click()
        page.wait_for_url("**/exposure/shifts/*/")
        expect(page.locator("body")).to_contain_text("Shift saved.")
    shift = ShiftLog.objects.filter(officer=officer).order_by("-shift_date").first()
    assert (shift.shift_date, shift.start_time, shift.duration_minutes) == (last_night, time(19), 720)
    assert set(Exposure.objects.filter(shift=shift).values_list("shift_date", flat=True)) == {last_night}


def test_on_a_phone_a_bad_count_is_summarised_and_its_link_leads_to_the_cell(
    transactional_db, page, officer, sign_in, screenshot
):
    # Issue 17: GOV.UK error summary at 390 px. A negative count in the call grid is refused; the
    # summary takes focus, its link focuses the exact input, and nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, officer)
    page.goto("/exposure/log/")
    calls = page.locator("#role-call_handling")
    calls.get_by_label("Calls taken in the shift").fill("30")
    calls.get_by_label("Domestic abuse: number of calls").fill("-2")
    calls.get_by_label("3 –").check()
    page.get_by_role("button", name="Save shift").click()
    page.wait_for_load_state()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: Log a shift"))
    link = summary.get_by_role("link", name="Enter how many ‘Domestic abuse’ calls you took, or 0")
    expect(link).to_have_attribute("href", "#id_call_handling-count_domestic_abuse")
    cell = page.locator("#id_call_handling-count_domestic_abuse")
    expect(cell).to_have_value("-2")
    expect(calls).to_contain_text("Enter how many ‘Domestic abuse’ calls you took, or 0", use_inner_text=True)
    screenshot(page, "exposure-error-summary-390")
    link.click()
    expect(cell).to_be_focused()
    expect(cell).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not ShiftLog.objects.exists()
