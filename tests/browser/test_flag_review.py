"""Flags that can be wrong (issue 21), in the browser: the officer reads who will see their context,
shares it, the supervisor reads it next to the flag and closes the flag as not applicable, the
officer withdraws their context; the lead reads the rules report. Each new page passes axe at
desktop width and at 390 px without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import SIDEWAYS_INSIDE, axe_violations
from tests.factories import UserFactory
from wellbeing.models import Flag
from wellbeing.tests.team_helpers import assess, flag

WORDS = "This was a planned surge week before the festival"


@pytest.fixture
def a11y_context(browser, live_server):
    # axe is injected as a script tag, which the CSP forbids: only this context bypasses it.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def check_page(page, url):
    problems = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        problems += axe_violations(page)
        if width == 390:
            scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            problems += [f"{scroll}px too wide"] if scroll > 1 else []
            problems += page.evaluate(SIDEWAYS_INSIDE)
    return problems


def test_an_officer_shares_context_the_supervisor_reads_it_and_closes_the_flag_as_wrong(
        transactional_db, a11y_context, sign_in, officer, supervisor):
    assess(officer, "amber")
    raised = flag(officer)
    page = a11y_context.new_page()
    sign_in(page, officer)
    page.goto("/wellbeing/")
    page.get_by_role("link", name="Flags about you, and your context on them").click()
    assert check_page(page, "/wellbeing/flags/") == []
    page.set_viewport_size({"width": 390, "height": 900})
    page.get_by_text("Add your context").click()
    expect(page.locator(f"#my-flag-{raised.pk}")).to_contain_text("your supervisor and with occupational health")
    page.get_by_label("Your context").fill(WORDS)
    page.get_by_role("button", name="Share my context").click()
    expect(page.locator(f"#my-flag-{raised.pk}")).to_contain_text(WORDS)
    assert check_page(page, f"/wellbeing/flags/{raised.pk}/context/") == []

    page.context.clear_cookies()
    sign_in(page, supervisor)
    page.goto(f"/team/flags/{raised.pk}/")
    expect(page.locator("#flag-officer-context")).to_contain_text(WORDS)
    assert check_page(page, f"/team/flags/{raised.pk}/") == []
    page.get_by_text("Close as not applicable or a false alarm").click()
    page.get_by_role("button", name="Close the flag as wrong").click()
    expect(page.locator("#error-summary, .invalid-feedback").first).to_be_visible()
    page.get_by_role("radio", name="Not applicable").check()
    page.get_by_label("Why it does not apply").fill("Surge week agreed with the unit")
    page.get_by_role("button", name="Close the flag as wrong").click()
    expect(page.locator("#flag-dismissed")).to_contain_text("Surge week agreed with the unit")
    raised.refresh_from_db()
    assert (raised.status, raised.outcome) == (Flag.Status.CLOSED, "not_applicable")

    page.context.clear_cookies()
    sign_in(page, officer)
    page.goto("/wellbeing/flags/")
    page.get_by_text("Change or withdraw your context").click()
    page.get_by_role("button", name="Withdraw my context").click()
    expect(page.locator(f"#my-flag-{raised.pk}")).not_to_contain_text(WORDS)
    page.context.clear_cookies()
    sign_in(page, supervisor)
    page.goto(f"/team/flags/{raised.pk}/")
    expect(page.locator("#flag-officer-context")).to_have_count(0)


def test_the_lead_reads_the_rules_report_and_nothing_else(transactional_db, a11y_context, sign_in, force, officer):
    lead = UserFactory(username="lead", organisation=force, is_wellbeing_lead=True)
    flag(officer)
    page = a11y_context.new_page()
    sign_in(page, lead)
    page.goto("/")
    expect(page.get_by_role("heading", name="Rules report")).to_be_visible()
    expect(page.locator("#rules-report")).to_contain_text("Exposure load high for the role")
    expect(page.locator("#rules-report")).not_to_contain_text(officer.get_full_name())
    assert check_page(page, "/lead/") == []
    assert page.goto("/oh/").status == 403
