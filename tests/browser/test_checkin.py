"""An officer completes a pulse and a PHQ-9 in a real browser and sees the result and the trend."""

import re

from playwright.sync_api import expect

from wellbeing.models import CheckIn


def answer(page, number, label):
    group = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
    group.get_by_label(label, exact=True).check()


def test_an_officer_completes_a_pulse_and_a_phq9_and_sees_result_and_trend(
        transactional_db, page, officer, sign_in, screenshot):
    sign_in(page, officer)
    page.goto("/wellbeing/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My wellbeing", use_inner_text=True)
    page.get_by_role("link", name="Pulse", exact=True).click()
    page.wait_for_url("**/wellbeing/checkin/pulse/")
    for number, label in [(1, "Mostly"), (2, "Somewhat"), (3, "Mostly"), (4, "Completely"), (5, "Mostly")]:
        answer(page, number, label)
    page.get_by_label("Anything you want to add (optional)").fill("Quiet shift")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(re.compile(r".*/wellbeing/checkins/\d+/$"))
    expect(page.locator("#score")).to_contain_text("Your score: 15 out of 20", use_inner_text=True)
    page.locator("#trend-chart-pulse .main-svg").first.wait_for()

    page.goto("/wellbeing/checkin/phq9/")
    for number in range(1, 9):
        answer(page, number, "Several days")
    # Forgetting one question shows a summary that takes focus and names it; answers are kept.
    page.get_by_role("button", name="Send my answers").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose an answer for question 9.", use_inner_text=True)
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_role("group", name=re.compile(r"^1\. ")).get_by_label("Several days")).to_be_checked()
    answer(page, 9, "Not at all")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(re.compile(r".*/wellbeing/checkins/\d+/$"))
    expect(page.locator("#score")).to_contain_text("Your score: 8 out of 27 (Mild)", use_inner_text=True)
    expect(page.locator("body")).to_contain_text("This is a screen, not a diagnosis.")
    page.locator("#trend-chart-phq9 .main-svg").first.wait_for()
    screenshot(page, "checkin-phq9-result")

    page.goto("/wellbeing/")
    page.locator("#trend-chart-pulse .main-svg").first.wait_for()
    page.locator("#trend-chart-phq9 .main-svg").first.wait_for()
    page.get_by_text("Show PHQ-9 scores as a table").click()
    table = page.get_by_role("table", name=re.compile("Your PHQ-9 scores"))
    expect(table.get_by_role("cell", name="8", exact=True)).to_be_visible()
    history = page.get_by_role("table", name="Your check-ins, newest first")
    expect(history.get_by_role("row")).to_have_count(3)  # header + two check-ins
    screenshot(page, "checkin-wellbeing-index")
    saved = CheckIn.objects.order_by("completed_at").values_list("instrument", "total")
    assert list(saved) == [("pulse", 15), ("phq9", 8)]


def test_an_answer_above_0_on_item_9_shows_support_at_once_and_tells_oh(
        transactional_db, page, officer, oh, sign_in, screenshot):
    from portal.models import Notification
    from tests.browser.conftest import seed_national_contacts
    from wellbeing.models import SupportContact

    seed_national_contacts()
    SupportContact.objects.create(organisation=officer.organisation, name="Testshire OH", contact="01632 960 001")
    sign_in(page, officer)
    page.goto("/wellbeing/checkin/phq9/")
    for number in range(1, 9):
        answer(page, number, "Not at all")
    answer(page, 9, "Several days")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/wellbeing/support/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us", use_inner_text=True)
    main = page.locator("main")
    for contact in ("Testshire OH", "Samaritans", "116 123", "Text SHOUT to 85258", "Police Care UK", "999",
                    "select the mental health option"):
        expect(main).to_contain_text(contact, use_inner_text=True)
    assert Notification.objects.filter(user=oh, title__startswith="Urgent").count() == 1
    screenshot(page, "checkin-urgent-support")
