"""Signing in through the force's identity provider in headless Chromium: a real OpenID Connect
provider (tests/oidc_support.py) on the loopback, its own sign-in page, and back to the portal."""

from playwright.sync_api import expect

from portal.tests.factories import OfficerFactory, UserFactory
from tests.oidc_support import password_of


def test_oidc_a_supervisor_whose_provider_did_mfa_sees_their_imported_team(
        transactional_db, page, provider_sign_in, live_server, oidc_on, force, team_a, screenshot):
    oidc_on.allow_redirect(live_server.url)
    supervisor = UserFactory(username="mo", organisation=force, staff_number="S101", is_supervisor=True)
    team_a.supervisors.add(supervisor)
    OfficerFactory(username="olly", first_name="Olly", last_name="Imported", organisation=force, team=team_a)
    provider_sign_in(page, "sup.mfa")
    page.wait_for_url("**/team/")  # no two-factor step: the provider's amr says it did it
    expect(page.locator("main")).to_contain_text("Imported")
    screenshot(page, "oidc-supervisor-team")
    # sign out of the portal, then of the provider too
    page.get_by_role("button", name=supervisor.get_full_name(), exact=True).click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/oidc/signed-out/")
    page.get_by_role("link", name="Sign out of your organisation's account too").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_role("link", name="Sign in with Testshire Police").click()
    expect(page.get_by_label("Provider username")).to_be_visible()  # the provider forgot them too


def test_oidc_a_supervisor_without_the_mfa_claim_is_asked_for_the_portals_code(
        transactional_db, page, provider_sign_in, live_server, oidc_on, force, team_a):
    oidc_on.allow_redirect(live_server.url)
    supervisor = UserFactory(username="sam", organisation=force, staff_number="S100", is_supervisor=True)
    team_a.supervisors.add(supervisor)
    provider_sign_in(page, "sup")
    page.wait_for_url("**/accounts/two-factor/**")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_oidc_an_unknown_identity_is_told_to_contact_the_force(
        transactional_db, page, provider_sign_in, live_server, oidc_on, force, screenshot):
    oidc_on.allow_redirect(live_server.url)
    provider_sign_in(page, "stranger")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account has not been set up")
    expect(page.locator("main")).to_contain_text("the Testshire IT service desk")
    screenshot(page, "oidc-unknown-identity")
    page.goto("/exposure/")
    page.wait_for_url("**/accounts/login/**")  # not signed in


def test_oidc_someone_with_no_password_signs_out_everywhere_by_signing_in_again(
        transactional_db, page, provider_sign_in, live_server, oidc_on, force, team_a, screenshot):
    from portal.models import AuditEvent

    oidc_on.allow_redirect(live_server.url)
    supervisor = UserFactory(username="mo", organisation=force, staff_number="S101", is_supervisor=True)
    supervisor.set_unusable_password()
    supervisor.save()
    team_a.supervisors.add(supervisor)
    provider_sign_in(page, "sup.mfa")
    page.wait_for_url("**/team/")
    page.goto("/accounts/security/")
    expect(page.locator("main")).to_contain_text("you will be asked to sign in again with your organisation")
    expect(page.locator("main input[type=password]")).to_have_count(0)
    screenshot(page, "oidc-security-page-no-password")
    page.get_by_role("button", name="Sign out everywhere else").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_role("link", name="Sign in with Testshire Police").click()
    # the provider asks again (prompt=login), although the browser is still signed in there
    expect(page.get_by_label("Provider username")).to_be_visible()
    page.get_by_label("Provider username").fill("sup.mfa")
    page.get_by_label("Provider password").fill(password_of("sup.mfa"))
    page.get_by_role("button", name="Sign in to the provider").click()
    page.wait_for_url("**/accounts/security/")
    expect(page.get_by_text("You are now signed out everywhere except here.")).to_be_visible()
    assert AuditEvent.objects.filter(action="sessions_ended", subject=supervisor).count() == 1
