"""Two-factor set-up, recovery, lockout and signing out everywhere, as a person does them."""

import re

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor sign-in"
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    screenshot(page, "two-factor-setup")
    secret = page.locator("#totp-secret").inner_text()
    # What an authenticator app does with the key typed in by hand.
    code = f"{TOTP(bytes.fromhex(twofactor.hex_from_base32(secret))).token():06d}"
    page.get_by_label("Code").fill(code)
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/two-factor/recovery-codes/**")
    codes = page.get_by_role("list", name="Recovery codes").locator("li").all_inner_texts()
    assert len(codes) == 10
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
    assert page.get_by_text("Enter one of the recovery codes").is_visible()
    page.get_by_label("Code").fill(codes[3])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/oh/")
    assert "You have 9 left" in page.locator(".messages").inner_text()
    screenshot(page, "two-factor-recovery-used")


def test_a_wrong_code_says_so_next_to_the_field(transactional_db, page, trainer):
    TOTPDevice.objects.create(user=trainer, name="Phone", confirmed=True)
    password_step(page, "trainer")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    field = page.get_by_label("Code")
    assert "not right" in page.locator("main form").first.inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    page.goto("/training/manage/")
    assert "/accounts/two-factor/" in page.url


def test_too_many_wrong_passwords_pause_sign_in_with_a_clear_page(transactional_db, page, officer, screenshot):
    for _ in range(10):
        password_step(page, "officer", "not-the-password")
    password_step(page, "officer")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in paused"
    assert "30 minutes" in page.locator("main").inner_text()
    screenshot(page, "sign-in-paused")


def test_signing_out_everywhere_else_from_the_security_page(transactional_db, browser, live_server, page,
                                                            supervisor, sign_in):
    sign_in(page, supervisor)
    other = browser.new_context(base_url=live_server.url).new_page()
    sign_in(other, supervisor)
    other.goto("/team/")
    assert "/team/" in other.url

    page.get_by_role("button", name=supervisor.get_full_name()).click()
    page.get_by_role("link", name="Sign-in and security").click()
    page.wait_for_url("**/accounts/security/")
    page.locator("#id_everywhere-password").fill(PASSWORD)  # the recovery-codes form asks for it too
    page.get_by_role("button", name="Sign out everywhere else").click()
    assert "signed out everywhere except here" in page.locator(".messages").inner_text()
    page.goto("/team/")
    assert "/team/" in page.url
    other.goto("/team/")
    assert "/accounts/login/" in other.url
    other.context.close()
