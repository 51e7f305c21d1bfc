"""The TRiM coordinator's reports page in a browser: axe finds no serious or critical violation, at
desktop width and at 390 px, where the two tables stack into cards and nothing scrolls sideways;
the date filter and the CSV link work by keyboard."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from portal.tests.factories import OfficerFactory, TeamFactory, UnitFactory, UserFactory
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_small_screens import PHONE, assert_no_sideways_scrolling
from wellbeing.models.trim import TrimAssessment
from wellbeing.trim.tests.factories_reports import assessment, case, incident


def test_the_reports_page_is_accessible_on_a_desktop_and_a_phone(transactional_db, browser, live_server, sign_in,
                                                                  screenshot, force):
    coordinator = UserFactory(username="coordinator", organisation=force, is_trim_coordinator=True)
    at = timezone.now() - timedelta(days=40)
    shared = incident(force, at=at)
    for name, n in (("Criminal Investigation Department", 7), ("Roads Policing", 6), ("Dogs", 2)):
        team = TeamFactory(unit=UnitFactory(organisation=force, name=name))
        for i in range(n):
            c = case(OfficerFactory(organisation=force, team=team), of=shared, offer="accepted")
            if i % 3:
                assessment(c, held_on=timezone.localdate(at) + timedelta(days=i),
                           action=TrimAssessment.Action.OH_REFERRAL)
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, coordinator)
        page.goto("/trim/reports/")
        assert page.locator("#trim-by-unit").get_by_text("fewer than 5").count() > 0
        assert axe_violations(page) == []
        # the filter by keyboard: a wrong range is explained, focus can reach the message's link
        page.locator("#id_date_from").fill("2026-05-01")
        page.locator("#id_date_to").fill("2026-04-01")
        page.locator("#id_date_to").press("Enter")
        page.wait_for_load_state()
        expect(page.locator("#error-summary")).to_be_visible()
        assert axe_violations(page) == []
        page.goto("/trim/reports/")
        page.set_viewport_size(PHONE)
        screenshot(page, "trim-reports-390")
        assert_no_sideways_scrolling(page)
        assert axe_violations(page) == []
        with page.expect_download() as download:
            page.locator("#export-csv").focus()
            page.keyboard.press("Enter")
        assert download.value.suggested_filename.endswith(".csv")
    finally:
        context.close()
