"""Two-factor set-up, recovery, lockout and signing out everywhere, as a person does them."""

import re

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import PASSWORD
from portal import twofactor


def password_step(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def csp_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    return errors


def test_a_supervisor_sets_up_two_factor_and_keeps_recovery_codes(transactional_db, page, supervisor, screenshot):
    errors = csp_errors(page)
    password_step(page, "supervisor")
    page.wait_for_url("**/accounts/two-factor/setup/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in", use_inner_text=True)
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    screenshot(page, "two-factor-setup")
    secret = page.locator("#totp-secret").inner_text()
    # What an authenticator app does with the key typed in by hand.
    code = f"{TOTP(bytes.fromhex(twofactor.hex_from_base32(secret))).token():06d}"
    page.get_by_label("Code").fill(code)
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/two-factor/recovery-codes/**")
    expect(page.get_by_role("list", name="Recovery codes").locator("li")).to_have_count(10)
    screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="I have saved my codes").click()
    page.wait_for_url("**/team/")
    assert TOTPDevice.objects.get(user=supervisor).confirmed
    assert errors == []


def test_signing_in_with_a_recovery_code_when_the_phone_is_lost(transactional_db, page, oh, screenshot):
    TOTPDevice.objects.create(user=oh, name="Phone", confirmed=True)
    codes = twofactor.recovery_codes_regenerate(user=oh)
    password_step(page, "oh")
    page.wait_for_url("**/accounts/two-factor/**")
    page.get_by_text("I do not have my phone").click()
    expect(page.get_by_text("Enter one of the recovery codes")).to_be_visible()
    page.get_by_label("Code").fill(codes[3])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/oh/")
    expect(page.locator(".messages")).to_contain_text("You have 9 left", use_inner_text=True)
    screenshot(page, "two-factor-recovery-used")


def test_a_wrong_code_says_so_next_to_the_field(transactional_db, page, trainer):
    TOTPDevice.objects.create(user=trainer, name="Phone", confirmed=True)
    password_step(page, "trainer")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    field = page.get_by_label("Code")
    expect(page.locator("main form").first).to_contain_text("not right", use_inner_text=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    page.goto("/training/manage/")
    expect(page).to_have_url(re.compile("/accounts/two-factor/"))


def test_too_many_wrong_passwords_pause_sign_in_with_a_clear_page(transactional_db, page, officer, screenshot):
    for _ in range(10):
        password_step(page, "officer", "not-the-password")
    password_step(page, "officer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused", use_inner_text=True)
    expect(page.locator("main")).to_contain_text("30 minutes", use_inner_text=True)
    screenshot(page, "sign-in-paused")


def test_signing_out_everywhere_else_from_the_security_page(transactional_db, browser, live_server, page,
                                                            supervisor, sign_in):
    sign_in(page, supervisor)
    other = browser.new_context(base_url=live_server.url).new_page()
    sign_in(other, supervisor)
    other.goto("/team/")
    expect(other).to_have_url(re.compile("/team/"))

    page.get_by_role("button", name=supervisor.get_full_name(), exact=True).click()
    page.get_by_role("link", name="Sign-in and security").click()
    page.wait_for_url("**/accounts/security/")
    page.locator("#id_everywhere-password").fill(PASSWORD)  # the recovery-codes form asks for it too
    page.get_by_role("button", name="Sign out everywhere else").click()
    expect(page.locator(".messages")).to_contain_text("signed out everywhere except here", use_inner_text=True)
    page.goto("/team/")
    expect(page).to_have_url(re.compile("/team/"))
    other.goto("/team/")
    expect(other).to_have_url(re.compile("/accounts/login/"))
    other.context.close()
