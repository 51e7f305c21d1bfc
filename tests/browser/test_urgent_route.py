"""The on-call contact acknowledges an urgent flag from the triage queue in a real browser, at
desktop and phone width (issue 21): the button is reachable by name, the page passes axe, nothing
scrolls sideways, and the acknowledgement stops the chain (the beat task then tells nobody)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.models import Notification, Organisation
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_oh import a11y_page  # noqa: F401 - fixture
from wellbeing.models import Flag
from wellbeing.risk.flags import flag_raise
from wellbeing.risk.urgent import urgent_route_sweep


@pytest.mark.parametrize("width", [1280, 390])
def test_out_of_hours_no_one_on_duty_the_on_call_contact_acknowledges_from_the_queue(
        transactional_db, a11y_page, force, oh, officer, sign_in, width):  # noqa: F811
    page = a11y_page
    Organisation.objects.filter(pk=force.pk).update(on_call_contact=oh)
    flag, _ = flag_raise(officer=officer, reason_code="phq9_item9", urgent=True)
    assert Notification.objects.filter(user=oh, dedupe_key=f"flag:{flag.pk}:oncall").exists()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, oh)
    page.goto("/oh/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    button = page.get_by_role("button", name=f"Acknowledge the flag of {officer}")
    expect(button).to_be_visible()
    button.click()
    expect(page.get_by_text("Flag acknowledged: the on-call chain has stopped.")).to_be_visible()
    expect(page.get_by_role("button", name=f"Acknowledge the flag of {officer}")).to_have_count(0)
    flag.refresh_from_db()
    assert (flag.status, flag.acknowledged_by) == (Flag.Status.ACKNOWLEDGED, oh)
    assert urgent_route_sweep(now=timezone.now() + timedelta(hours=2)) == 0
