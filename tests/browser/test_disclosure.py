"""Issue 21, acceptance: an officer shares with their supervisor which kind of screen is above its
cut-off; the supervisor sees it on the team page, the person page and the export; the officer
withdraws it on their privacy page; the supervisor's pages and a team export made afterwards no
longer carry it."""

import pytest
from playwright.sync_api import expect

from portal import access, disclosure
from portal.models import Disclosure
from tests.browser.test_accessibility import SIDEWAYS_INSIDE, axe_violations
from wellbeing.tests.disclosure_helpers import SHARED_LABEL, screen_assessment

WELFARE = "Welfare contact recommended"


@pytest.fixture
def teammate(teammate):
    """The officer's teammate, here also a trained peer supporter (only peer supporters can be named)."""
    teammate.is_peer_supporter = True
    teammate.save(update_fields=["is_peer_supporter"])
    return teammate


@pytest.fixture
def axe_page(browser, live_server):
    """A page that may inject axe (the site's CSP rightly forbids that script elsewhere)."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_clinical_inference_leaked_share_with_the_supervisor_then_withdraw(transactional_db, browser, live_server,
                                                                         page, sign_in, screenshot, officer,
                                                                         supervisor):
    screen_assessment(officer)
    sign_in(page, officer)
    page.goto("/wellbeing/")
    page.get_by_role("link", name="My privacy: what I share, and who has looked at my records").click()
    expect(page.locator("#sharing-current")).to_have_text("You share nothing beyond the default.")
    page.get_by_label("Also which kind of questionnaire scored above its cut-off").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator("#sharing-current")).to_contain_text("Your supervisor", use_inner_text=True)
    expect(page.locator("#sharing-current")).to_contain_text("which kind of questionnaire", use_inner_text=True)
    screenshot(page, "privacy-sharing")

    boss_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    boss = boss_context.new_page()
    sign_in(boss, supervisor)
    boss.goto("/team/")
    row = boss.locator("#team-people tbody tr", has_text=officer.get_full_name())
    expect(row).to_contain_text(SHARED_LABEL, use_inner_text=True)
    expect(row).to_contain_text(WELFARE, use_inner_text=True)
    boss.goto(f"/team/people/{officer.pk}/")
    expect(boss.locator("main")).to_contain_text(SHARED_LABEL, use_inner_text=True)
    expect(boss.locator("#person-shares")).to_be_visible()
    assert SHARED_LABEL in boss.request.get("/team/export.csv").text()

    page.get_by_role("button", name="Withdraw: Your supervisor").click()
    expect(page.locator("#sharing-current")).to_have_text("You share nothing beyond the default.")
    page.get_by_text("Every choice I have made").click()
    expect(page.locator("#sharing-history tbody tr")).to_have_count(1)
    expect(page.locator("#sharing-history")).not_to_contain_text("In force")
    assert Disclosure.objects.get(officer=officer).withdrawn_at is not None

    boss.goto("/team/")
    row = boss.locator("#team-people tbody tr", has_text=officer.get_full_name())
    expect(row).to_contain_text(WELFARE, use_inner_text=True)
    expect(row).not_to_contain_text(SHARED_LABEL)
    boss.goto(f"/team/people/{officer.pk}/")
    expect(boss.locator("main")).not_to_contain_text(SHARED_LABEL)
    expect(boss.locator("#person-shares")).to_have_count(0)
    export = boss.request.get("/team/export.csv").text()
    assert officer.get_full_name() in export and WELFARE in export and SHARED_LABEL not in export
    boss_context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_privacy_page_with_choices_and_an_error_passes_axe(transactional_db, axe_page, sign_in, officer,
                                                              teammate, width):
    page = axe_page
    page.set_viewport_size({"width": width, "height": 900})
    disclosure.choose(officer=officer, audience=access.SUPERVISOR, choice=access.CLINICAL_CATEGORY)
    disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL, peer_supporter=teammate)
    disclosure.withdraw(officer=officer, audience=access.PEER_SUPPORTER)
    sign_in(page, officer)
    page.goto("/wellbeing/privacy/")
    page.get_by_text("Every choice I have made").click()
    expect(page.locator("#sharing-history tbody tr")).to_have_count(2)
    problems = axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    assert page.evaluate(SIDEWAYS_INSIDE) == []

    # a level for no one: the error summary, focusable, links to the field
    page.get_by_label("My overall level (green, amber or red)").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator("#error-summary")).to_contain_text("Choose the peer supporter", use_inner_text=True)
    expect(page.locator("#error-summary")).to_be_focused()
    page.locator("#error-summary a").click()
    expect(page.locator("#id_peer")).to_be_focused()
    problems += axe_violations(page)
    assert problems == []
