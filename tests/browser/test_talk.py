"""Asking for help without going through the line, in a real browser: an officer asks a peer
supporter for a talk, sending their level; the peer finds it in their queue, sees the level,
records a phone call; the officer's supervisor is told nothing and cannot open the queue."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal import access, disclosure
from portal.models import AuditEvent, Notification
from portal.tests.factories import UserFactory
from tests.browser.test_accessibility import axe_violations
from wellbeing.models import HelpContact, HelpRequest
from wellbeing.talk import services
from wellbeing.tests.factories import RiskAssessmentFactory
from wellbeing.tests.helpers import make_checkin


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context.new_page()


def test_an_officer_asks_a_peer_who_records_a_contact_and_the_supervisor_sees_nothing(
        transactional_db, page, browser, live_server, sign_in, screenshot, officer, supervisor, force):
    peer = UserFactory(username="peer", first_name="Pat", last_name="Listener", organisation=force,
                       is_peer_supporter=True, peer_availability="Nights and weekends")
    RiskAssessmentFactory(officer=officer, level="amber", is_current=True)

    sign_in(page, officer)
    page.goto("/exposure/")
    page.get_by_role("link", name="Talk to someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Talk to someone")
    page.get_by_label("Pat Listener, peer supporter (Nights and weekends)").check()
    page.get_by_label("My current level (green, amber, red)").check()
    screenshot(page, "talk-to-someone")
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url(re.compile(r".*/talk/sent/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("Your request has been sent.", use_inner_text=True)
    expect(page.locator("main")).to_contain_text("Your supervisor has not been told about this request.")
    request = HelpRequest.objects.get()
    assert (request.peer_id, request.to_oh, request.shared_level) == (peer.pk, False, "amber")

    peer_page = new_page(browser, live_server)
    sign_in(peer_page, peer)
    expect(peer_page).to_have_url(re.compile(r".*/help-requests/$"))  # a peer supporter starts at the queue
    peer_page.get_by_role("link", name="Notifications").click()
    expect(peer_page.locator("main")).to_contain_text("A colleague has asked to talk")
    peer_page.goto("/help-requests/")
    queue = peer_page.get_by_role("table", name="Help requests waiting or in progress, urgent first, then oldest "
                                                "first")
    queue.get_by_role("link", name=f"Request from {officer}").click()
    expect(peer_page.locator("main")).to_contain_text("Level when the request was sent: Amber.")
    peer_page.get_by_role("button", name="Accept: I will make contact").click()
    expect(peer_page.get_by_role("status")).to_contain_text("You have accepted this request.", use_inner_text=True)
    peer_page.get_by_label("Phone call").check()
    peer_page.get_by_role("button", name="Record contact").click()
    expect(peer_page.get_by_role("status")).to_contain_text("Contact recorded.", use_inner_text=True)
    expect(peer_page.locator("main")).to_contain_text("Phone call")
    screenshot(peer_page, "help-request-peer")
    assert HelpContact.objects.get().kind == "phone"
    assert AuditEvent.objects.filter(action="help_request_viewed", actor_id=peer.pk).count() >= 1
    peer_page.context.close()

    supervisor_page = new_page(browser, live_server)
    sign_in(supervisor_page, supervisor)
    supervisor_page.goto("/notifications/")
    expect(supervisor_page.locator("main")).not_to_contain_text("asked to talk")
    response = supervisor_page.goto(f"/help-requests/{request.pk}/")
    assert response.status == 403
    supervisor_page.goto(f"/team/people/{officer.pk}/")
    expect(supervisor_page.locator("main")).not_to_contain_text("Pat Listener")
    expect(supervisor_page.locator("main")).not_to_contain_text("talk")
    assert not Notification.objects.filter(user=supervisor).exists()
    supervisor_page.context.close()

    page.reload()
    expect(page.locator("main")).to_contain_text("Phone call")  # the officer sees the contact was made


def test_clinical_inference_leaked_an_officer_shares_their_level_with_a_peer_then_withdraws(
        transactional_db, page, browser, live_server, sign_in, screenshot, officer, force):
    peer = UserFactory(username="peer", first_name="Pat", last_name="Listener", organisation=force,
                       is_peer_supporter=True)
    RiskAssessmentFactory(officer=officer, level="amber", is_current=True)
    sign_in(page, officer)
    page.goto("/wellbeing/privacy/")
    page.get_by_label("My overall level (green, amber or red)").check()
    page.get_by_label("Peer supporter who may see your level").select_option(str(peer.pk))
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator("#sharing-current")).to_contain_text("Pat Listener", use_inner_text=True)

    peer_page = new_page(browser, live_server)
    sign_in(peer_page, peer)
    peer_page.get_by_role("link", name="People who share their level with you").click()
    expect(peer_page.get_by_role("heading", level=1)).to_have_text("People who share their level with you")
    row = peer_page.get_by_role("table", name="People who share their overall level with you, by name").get_by_role(
        "row", name=str(officer))
    expect(row).to_contain_text("Amber", use_inner_text=True)
    screenshot(peer_page, "peer-shared-levels")

    page.reload()
    expect(page.locator("main")).to_contain_text("Saw your overall level, which you chose to share with them")
    page.get_by_role("button", name="Withdraw: A peer supporter you name").click()
    expect(page.locator("#sharing-current")).to_have_text("You share nothing beyond the default.")

    peer_page.reload()
    expect(peer_page.locator("#shared-levels-empty")).to_be_visible()
    expect(peer_page.locator("main")).not_to_contain_text(str(officer))
    peer_page.context.close()


@pytest.fixture
def a11y_page(browser, live_server):
    # axe is injected as a script tag, which the site's CSP forbids; only this context bypasses it.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_talk_and_help_request_pages_pass_axe_and_fit_a_phone(
        transactional_db, a11y_page, sign_in, officer, oh, force, width):
    peer = UserFactory(username="peer", first_name="Pat", last_name="Listener", organisation=force,
                       is_peer_supporter=True, peer_availability="Nights and weekends")
    make_checkin(officer, "phq9", [2] * 8 + [0])
    request = services.help_request_send(officer=officer, peer=peer, to_oh=False, shares="checkins", urgent=True)
    services.help_contact_record(request=request, by=oh, on=timezone.localdate(), kind="in_person")
    page = a11y_page
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}

    def check(label):
        found = axe_violations(page)
        if width == 390:
            scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if scroll > 1:
                found.append({"id": "horizontal-scroll", "help": f"{scroll}px too wide"})
        if found:
            problems[label] = found

    sign_in(page, officer)
    for url in ["/talk/", f"/talk/sent/{request.pk}/"]:
        page.goto(url)
        check(url)
    page.goto("/talk/")
    page.get_by_role("button", name="Send my request").click()  # nobody chosen: errors on the page
    expect(page.locator("#error-summary")).to_be_visible()
    check("talk with errors")
    page.context.clear_cookies()
    sign_in(page, oh)
    for url in ["/help-requests/", f"/help-requests/{request.pk}/", "/help-requests/counts/"]:
        page.goto(url)
        check(url)
    page.goto(f"/help-requests/{request.pk}/")
    page.get_by_label("Date of contact").fill("")
    page.get_by_role("button", name="Record contact").click()  # no date, no kind: errors on the page
    expect(page.locator("#error-summary")).to_be_visible()
    check("contact with errors")
    page.context.clear_cookies()
    disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL, peer_supporter=peer)
    sign_in(page, peer)
    page.goto("/help-requests/shared-levels/")
    check("shared levels")
    assert problems == {}, problems
