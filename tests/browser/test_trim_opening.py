"""Opening TRiM cases in a real browser, under the site's real CSP: a supervisor on a phone declares
an incident for people of two teams by keyboard alone, finding one through the filter; the officer
sees their case and declines, then accepts. The pages pass axe and fit 390 px."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_accessibility import axe_violations
from wellbeing.models import TrimCase, TrimIncident
from wellbeing.trim import opening

PHONE = {"width": 390, "height": 844}


def test_a_supervisor_declares_an_incident_by_keyboard_on_a_phone_and_the_officer_answers(
        transactional_db, page, sign_in, screenshot, supervisor, officer, outsider):
    page.set_viewport_size(PHONE)
    yesterday = timezone.localdate() - timedelta(days=1)
    sign_in(page, supervisor)
    page.goto("/team/")
    page.get_by_role("link", name="Declare a TRiM incident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Declare an incident for TRiM")
    page.get_by_label("Name of the incident").fill("The collision on the A40")
    page.get_by_label("Date of the incident").fill(yesterday.isoformat())
    page.get_by_label("Time of the incident").fill("14:30")
    # the filter (script, under the CSP) narrows the list; Enter there must not send the form
    page.get_by_label("Find a person or team").fill(outsider.last_name)
    page.get_by_label("Find a person or team").press("Enter")
    expect(page.get_by_label(str(outsider.get_full_name()), exact=True)).to_be_visible()
    expect(page.locator("#people-filter-count")).to_contain_text("People shown:")
    assert not TrimIncident.objects.exists()
    page.get_by_label(str(outsider.get_full_name()), exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label("Find a person or team").fill("")
    page.get_by_label(str(officer.get_full_name()), exact=True).focus()
    page.keyboard.press("Space")
    scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert scroll <= 1
    screenshot(page, "trim-declare-phone")
    page.get_by_role("button", name="Declare the incident").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/trim/declare/\d+/$"))
    expect(page.locator("main")).to_contain_text("2 people have a TRiM case for this incident.")
    assert sorted(TrimCase.objects.values_list("person_id", flat=True)) == sorted([officer.pk, outsider.pk])

    case = TrimCase.objects.get(person=officer)
    TrimCase.objects.filter(pk=case.pk).update(stage=TrimCase.Stage.OFFERED)
    page.context.clear_cookies()
    sign_in(page, officer)
    page.goto("/wellbeing/")
    page.get_by_role("link", name="My TRiM cases").click()
    expect(page.locator("main")).to_contain_text("The collision on the A40")
    page.get_by_role("button", name="Decline the assessment").click()
    expect(page.locator("main")).to_contain_text("You can still accept:")
    page.get_by_role("button", name="Accept the assessment").click()
    expect(page.locator("main")).to_contain_text("You accepted the assessment on")
    case.refresh_from_db()
    assert case.offer == TrimCase.Offer.ACCEPTED


@pytest.fixture
def a11y_page(browser, live_server):
    # axe is injected as a script tag, which the site's CSP forbids; only this context bypasses it.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_trim_opening_pages_pass_axe_and_fit_a_phone(transactional_db, a11y_page, sign_in, supervisor, officer,
                                                         outsider, width):
    declared = opening.declare_incident(supervisor, "The collision on the A40", timezone.now(), [officer, outsider])
    TrimCase.objects.filter(person=officer).update(stage=TrimCase.Stage.OFFERED)
    page = a11y_page
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}

    def check(label):
        found = axe_violations(page)
        scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if scroll > 1:
            found.append({"id": "horizontal-scroll", "help": f"{scroll}px too wide"})
        if found:
            problems[label] = found

    sign_in(page, supervisor)
    for url in ["/trim/declare/", f"/trim/declare/{declared.incident.pk}/", "/trim/refer/",
                f"/team/people/{officer.pk}/"]:
        page.goto(url)
        check(url)
    page.goto("/trim/declare/")
    page.get_by_role("button", name="Declare the incident").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check("declare with errors")
    page.context.clear_cookies()
    sign_in(page, officer)
    for url in ["/trim/mine/", "/trim/mine/refer/"]:
        page.goto(url)
        check(url)
    assert problems == {}
