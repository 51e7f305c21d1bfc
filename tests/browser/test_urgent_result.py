"""An officer on a phone (390 px wide) answers 1 to PHQ-9 item 9: the pages they are shown carry no
reassuring band, say who was told, and give the crisis numbers as tel:/sms: links at least 44 px
each way (hazards H6, H8, H10)."""

import importlib
import re

from playwright.sync_api import expect

from tests.browser.conftest import seed_national_contacts
from tests.browser.test_checkin import answer
from wellbeing.models import CheckIn, SupportContact

BANDS = ("Minimal", "few or no symptoms", "better direction", "usual level for further conversation")


def seed_contacts(officer):
    from django.apps import apps

    # transactional_db empties every table between tests: put back what the data migrations seed.
    seed_national_contacts()
    importlib.import_module("wellbeing.migrations.0009_support_contact_always_open").mark(apps, None)
    SupportContact.objects.create(organisation=officer.organisation, name="Testshire OH", contact="01632 960 001",
                                  order=5)


def check_page(page):
    main = page.locator("main")
    for words in BANDS:
        expect(main).not_to_contain_text(words, use_inner_text=True)
    for words in ("Occupational health was told as soon as you sent this check-in",
                  "told only that a welfare contact is recommended",
                  "Occupational health works Monday to Friday, 08:00 to 17:00."):
        expect(main).to_contain_text(words, use_inner_text=True)
    links = page.locator("main .support-contacts a.tap-target")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in ("tel:999", "tel:116123", "tel:111", "sms:85258?&body=SHOUT", "tel:03000120030", "tel:01632960001"):
        assert href in hrefs, href
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (hrefs[i], box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (hrefs[i], box)  # nothing runs off the screen
    for link in (page.locator("footer a[href='tel:999']"), page.locator("footer a[href='tel:116123']"),
                 page.locator("#next-steps a[href='tel:999']")):
        box = link.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_misleading_result_wording_item9_on_a_phone_no_band_who_was_told_and_tappable_numbers(
        transactional_db, browser, live_server, officer, oh, sign_in, screenshot):
    seed_contacts(officer)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, officer)
        page.goto("/wellbeing/checkin/phq9/")
        for number in range(1, 9):
            answer(page, number, "Not at all")
        answer(page, 9, "Several days")
        page.get_by_role("button", name="Send my answers").click()
        page.wait_for_url("**/wellbeing/support/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us", use_inner_text=True)
        check_page(page)
        screenshot(page, "urgent-support-390")

        page.get_by_role("link", name="See your check-in result").click()
        page.wait_for_url(re.compile(r".*/wellbeing/checkins/\d+/$"))
        expect(page.locator("#score")).to_contain_text("Your score: 1 out of 27", use_inner_text=True)
        expect(page.locator("#score")).not_to_contain_text("(Minimal)", use_inner_text=True)
        check_page(page)
        screenshot(page, "urgent-result-390")
        assert CheckIn.objects.get().urgent
    finally:
        context.close()
