"""Logging shifts in a real browser: a call-handling shift and a CSE review shift, then both in the
history and in the load chart; and the viewing timer handing its minutes to the CSE form."""

from datetime import timedelta

from django.utils import timezone

from exposure.models import Exposure, ShiftLog


def _day(days_ago):
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


def test_an_officer_logs_a_call_handling_and_a_cse_shift_and_sees_both(
    transactional_db, page, officer, sign_in, screenshot
):
    sign_in(page, officer)
    page.goto("/exposure/log/")
    assert "Your supervisor sees only your overall exposure load" in page.locator("#who-sees").inner_text()
    calls = page.locator("#role-call_handling")
    assert calls.is_visible() and not page.locator("#role-cse_review").is_visible()

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
    assert "Shift saved." in page.content()

    page.goto("/exposure/log/")
    page.get_by_label("Role worked").select_option("cse_review")
    cse = page.locator("#role-cse_review")
    assert cse.is_visible() and not calls.is_visible()
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
    assert "more than the length of the shift" in cse.inner_text()
    assert cse.get_by_label("Category C, Images: items reviewed").input_value() == "150"
    assert cse.get_by_label("Greyscale").is_checked()
    assert page.get_by_label("Role worked").input_value() == "cse_review"
    assert page.evaluate("document.activeElement.name") == "cse_review-minutes"
    screenshot(page, "exposure-cse-form-error")
    cse.get_by_label("Minutes spent viewing").fill("120")
    page.get_by_role("button", name="Save shift").click()
    page.wait_for_url("**/exposure/shifts/*/")

    assert ShiftLog.objects.filter(officer=officer).count() == 2
    assert Exposure.objects.get(officer=officer, role="cse_review").minutes == 120

    page.goto("/exposure/")
    history = page.locator("#shift-history")
    rows = history.locator("tbody tr")
    assert rows.count() == 2
    assert "Call handling" in rows.nth(0).inner_text() and "Child at risk" in rows.nth(0).inner_text()
    assert "Critical incident" in rows.nth(0).inner_text()
    assert "CSE digital review" in rows.nth(1).inner_text() and "Category B" in rows.nth(1).inner_text()
    page.locator("#exposure-chart .main-svg").first.wait_for()
    assert page.locator("#exposure-chart .scatterlayer .trace").count() == 1
    page.get_by_text("Show the chart as a table").click()
    assert page.locator("details table tbody tr").count() == 13
    assert page.locator("#load-summary").inner_text()
    screenshot(page, "exposure-history")


def test_nothing_notable_is_one_keyboard_press(transactional_db, page, officer, sign_in):
    sign_in(page, officer)
    page.goto("/exposure/")
    page.get_by_role("button", name="Nothing notable today").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "nothing notable" in page.locator(".messages").inner_text()
    assert ShiftLog.objects.get(officer=officer).nothing_notable


def test_the_viewing_timer_prefills_the_cse_entry(transactional_db, page, teammate, sign_in, screenshot):
    sign_in(page, teammate)
    page.goto("/exposure/viewing/")
    page.get_by_role("button", name="Start viewing session").click()
    page.wait_for_load_state()
    assert "Viewing" in page.locator("#viewing-status").inner_text()
    page.get_by_role("button", name="Take a break").click()
    page.wait_for_load_state()
    assert "On a break" in page.locator("#viewing-status").inner_text()
    screenshot(page, "exposure-viewing-timer")
    page.get_by_role("button", name="Stop and log the minutes").click()
    page.wait_for_url("**/exposure/log/?role=cse_review&session=*")
    assert page.get_by_label("Role worked").input_value() == "cse_review"
    cse = page.locator("#role-cse_review")
    assert cse.get_by_label("Minutes spent viewing").input_value() == "0"
    assert cse.get_by_label("Breaks (10 minutes every hour)").is_checked()


def test_the_timer_prompts_a_break_after_fifty_minutes_of_viewing(transactional_db, page, teammate, sign_in):
    from exposure.models import ViewingSession

    sign_in(page, teammate)
    page.goto("/exposure/viewing/")
    assert page.locator("#viewing-prompt").is_hidden()
    page.get_by_role("button", name="Start viewing session").click()
    page.wait_for_load_state()
    # The session began 51 minutes ago (as far as the server knows); the page prompts at once.
    earlier = timezone.now() - timedelta(minutes=51)
    ViewingSession.objects.filter(officer=teammate).update(started_at=earlier, segment_started_at=earlier)
    page.reload()
    prompt = page.locator("#viewing-prompt")
    assert prompt.is_visible() and "Time for a break" in prompt.inner_text()
    assert prompt.get_attribute("role") == "alert"
    assert page.title().startswith("Break due")
    assert "51 minutes this session" in page.locator("#viewing-status").inner_text()
