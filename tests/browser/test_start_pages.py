"""Each role's start page in English and in Welsh, signed in as the demo users. Screenshots go to
test-artifacts/screenshots/; with SAVE_DOCS_SCREENSHOTS=1 they also refresh docs/screenshots/
(the README shows them)."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from portal.models import User

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "start-pages-demo-password"
START = {"demo.officer": "/exposure/", "demo.supervisor": "/team/", "demo.trainer": "/training/manage/",
         "demo.oh": "/oh/", "demo.peer": "/help-requests/", "demo.trim": "/trim/"}


@pytest.fixture
def demo(transactional_db):
    with override_settings(DEBUG=True, DEMO_PASSWORD=PASSWORD):
        call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("language", ["en-gb", "cy"])
@pytest.mark.parametrize("username", sorted(START))
def test_each_role_lands_on_its_start_page_in_its_language(demo, page, sign_in, screenshot, username, language):
    user = User.objects.get(username=username)
    user.language = language
    user.save(update_fields=["language"])
    sign_in(page, user, password=PASSWORD)
    page.wait_for_url(f"**{START[username]}")
    expect(page.locator("html")).to_have_attribute("lang", "cy" if language == "cy" else "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"\S"), use_inner_text=True)  # not empty
    skip = page.get_by_role("link", name="Neidio i'r prif gynnwys" if language == "cy" else "Skip to main content")
    expect(skip).to_have_count(1)
    name = f"{username.split('.')[1]}-start-{'cy' if language == 'cy' else 'en'}"
    path = screenshot(page, name)
    if os.environ.get("SAVE_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / f"{name}.png")


def test_the_demo_cse_reviewer_reaches_the_viewing_timer_and_the_firearms_officer_their_start_page(
        demo, page, sign_in, screenshot):
    # Issue 17: the demo's CSE reviewer and firearms officer sign in like the others.
    sign_in(page, User.objects.get(username="demo.cse"), password=PASSWORD)
    page.wait_for_url("**/exposure/")
    page.get_by_role("link", name="Viewing session timer").click()
    page.wait_for_url("**/exposure/viewing/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"\S"), use_inner_text=True)
    screenshot(page, "cse-viewing-timer-en")
    page.context.clear_cookies()
    sign_in(page, User.objects.get(username="demo.firearms"), password=PASSWORD)
    page.wait_for_url("**/exposure/")
    screenshot(page, "firearms-start-en")
