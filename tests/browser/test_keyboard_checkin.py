"""A check-in completed with the keyboard alone: Tab through the page, Space to pick an answer in
each question, Enter on the send button. No mouse, no clicks."""

import re

from playwright.sync_api import expect

from wellbeing.models import CheckIn


def test_an_officer_completes_a_gad7_with_the_keyboard_alone(transactional_db, page, officer, sign_in):
    sign_in(page, officer)
    page.goto("/wellbeing/checkin/gad7/")
    answered = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return {tag: e.tagName, type: e.type || '', name: e.name || '', text: (e.textContent || '').trim()}; }")
        if focused["type"] == "radio" and focused["name"] not in answered:
            page.keyboard.press("Space")  # picks the first answer of this question
            answered.add(focused["name"])
        elif focused["type"] == "submit" and focused["text"] == "Send my answers":
            page.keyboard.press("Enter")
            break
    else:
        raise AssertionError("never reached the send button with Tab")
    page.wait_for_url(re.compile(r".*/wellbeing/checkins/\d+/$"))
    assert len(answered) == 7
    checkin = CheckIn.objects.get(officer=officer, instrument="gad7")
    assert checkin.answers == [0] * 7
    expect(page.locator("#score")).to_contain_text("0 out of 21", use_inner_text=True)
