"""A shipped lesson's source markers in a real browser: the numbered link is announced as
"Source 1", following it lands on the source at the foot of the page, and the notice says what the
module is and is not."""

import re
from pathlib import Path

from playwright.sync_api import expect

from training import services
from training.models import Assignment, Module

FIXTURE_ROOT = Path(__file__).resolve().parents[2] / "training" / "tests" / "fixtures" / "content-good"


def test_a_learner_follows_a_source_marker_to_the_sources_list(transactional_db, page, sign_in, officer):
    services.content_load(root=FIXTURE_ROOT)
    module = Module.objects.get(slug="fixture-module")
    services.assignment_create_many(module=module, people=[officer], due_on=None, notify=False)
    assignment = Assignment.objects.get(person=officer, module=module)

    sign_in(page, officer)
    page.goto(f"/training/{assignment.pk}/lessons/2/")
    expect(page.get_by_role("complementary", name="About this module")).to_contain_text(
        "not TIPT or TRiM training", use_inner_text=True)
    page.get_by_role("link", name="Source 1").first.click()
    expect(page).to_have_url(re.compile(r"#source-guide-two$"))
    source = page.locator("#source-guide-two")
    expect(source).to_contain_text("An invented guide", use_inner_text=True)
    expect(source.get_by_role("link", name="https://example.org/guide-two")).to_have_attribute("rel", "noopener")
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
