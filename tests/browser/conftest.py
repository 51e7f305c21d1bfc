"""Headless Chromium (Debian's /usr/bin/chromium, never a downloaded browser) driven by Playwright
against the site served by pytest-django's live server.

Fixtures: `browser` (one per session), `page` (a fresh context per test), `sign_in(page, user)`,
`provider_sign_in(page, username)` (through the test identity provider, with `oidc_on`),
`screenshot(page, name)` which saves to test-artifacts/screenshots/."""

import os
from pathlib import Path

import pytest

from conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the live server and ORM calls made by the
# test itself are still synchronous, so Django's async-safety guard must be told that is fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does this)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = getattr(connections["default"], "_test_serialized_contents", None)
    with sync_playwright() as pw:
        # Playwright's sync API runs an event loop in this thread, and under it Django hands out a
        # fresh connection object, without the copy of the initial rows (those data migrations
        # create) that Django keeps for serialized rollback. Give it that copy, so transactional
        # browser tests put those rows back after each flush exactly as other tests do.
        if serialized is not None:
            connections["default"]._test_serialized_contents = serialized
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def two_factor_device(user):
    """The user's confirmed TOTP device, made if their role needs one and they have none. Its
    replay guard is reset so a test may sign the same person in twice within one 30-second step."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.twofactor import requires_two_factor

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and requires_two_factor(user):
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    if device is not None:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0,
                                                       throttling_failure_timestamp=None)
        device.refresh_from_db()
    return device


def seed_national_contacts() -> None:
    """Put back the national support contacts a data migration seeds (transactional_db empties every
    table between tests), with today's models: the migration's own seed also wrote check-in schedule
    columns that later migrations removed."""
    import importlib

    from wellbeing.models import SupportContact

    contacts = importlib.import_module("wellbeing.migrations.0003_seed_contacts_and_schedules").NATIONAL_CONTACTS
    for order, nation, name, contact, detail in contacts:
        SupportContact.objects.get_or_create(organisation=None, name=name, nation=nation,
                                             defaults={"contact": contact, "detail": detail, "order": order})


@pytest.fixture
def sign_in():
    """Signs in with the password and, for a user with (or whose role needs) a TOTP device, the
    code the device shows now, as a person with the authenticator app would."""

    def _sign_in(page, user, password=PASSWORD):
        from portal.twofactor import current_code

        device = two_factor_device(user)
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if device is not None and "/accounts/two-factor/" in page.url:
            # by field name and button type: the page may already be in the user's own language
            page.locator("main input[name=otp_token]").fill(current_code(device))
            page.locator("main form button[type=submit]").first.click()
            page.wait_for_load_state()

    return _sign_in


@pytest.fixture
def provider_sign_in():
    """Signs in through the force's identity provider (tests/oidc_support.py, with `oidc_on`): the
    portal's "Sign in with ..." link (OIDC_BUTTON_LABEL), the provider's own sign-in page with the
    provider account's username and password, and back to wherever the portal then sends them."""

    def _provider_sign_in(page, username):
        from django.conf import settings
        from playwright.sync_api import expect

        from tests.oidc_support import password_of

        page.goto("/accounts/login/")
        page.get_by_role("link", name=settings.OIDC_BUTTON_LABEL).click()
        expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
        page.get_by_label("Provider username").fill(username)
        page.get_by_label("Provider password").fill(password_of(username))
        page.get_by_role("button", name="Sign in to the provider").click()
        page.wait_for_load_state()

    return _provider_sign_in


@pytest.fixture
def screenshot():
    def _screenshot(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _screenshot
