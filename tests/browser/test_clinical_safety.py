"""An urgent answer in a real browser (hazards H1 and H3): the officer answers PHQ-9 item 9 above 0;
the supervisor finds no way to acknowledge or close that flag, nor the word "urgent"; OH sees it
first in the triage queue, above an older escalated flag, and closes it with an outcome."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from wellbeing.models import Flag
from wellbeing.risk.flags import flag_escalate, flag_raise


def test_urgent_not_reaching_clinician_the_supervisor_cannot_close_it_and_oh_closes_it_first(
        transactional_db, page, sign_in, screenshot, officer, teammate, supervisor, oh):
    older, _ = flag_raise(officer=teammate, reason_code="checkins_overdue", now=timezone.now() - timedelta(days=4))
    flag_escalate(flag_id=older.pk, now=timezone.now() - timedelta(days=2))

    # The officer answers PHQ-9 with item 9 at 1.
    sign_in(page, officer)
    page.goto("/wellbeing/checkin/phq9/")
    for n in range(1, 10):
        page.locator(f"input[name=q{n}][value='{1 if n == 9 else 0}']").check()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/wellbeing/support/$"))
    urgent = Flag.objects.get(officer=officer, reason_code="phq9_item9")
    assert urgent.urgent and urgent.checkin_id is not None
    page.context.clear_cookies()

    # The supervisor opens that person's flags: no acknowledge, no close, no "close the flag" box.
    sign_in(page, supervisor)
    page.goto(f"/team/people/{officer.pk}/")
    # On the HTML source on purpose (attributes and hidden text too), which no locator assertion reads.
    assert "urgent" not in page.content().lower()
    page.get_by_role("link", name="Welfare contact recommended").first.click()
    page.wait_for_url(re.compile(rf".*/team/flags/{urgent.pk}/$"))
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    expect(page.get_by_role("button", name="Close the flag")).to_have_count(0)
    expect(page.get_by_label("Close the flag: this is handled")).to_have_count(0)
    expect(page.locator("#flag-status")).to_contain_text("With occupational health", use_inner_text=True)
    assert "urgent" not in page.content().lower()
    page.get_by_label("Welfare conversation").check()
    page.get_by_role("button", name="Record action").click()
    expect(page.locator("#flag-actions")).to_contain_text("Welfare conversation", use_inner_text=True)
    screenshot(page, "clinical-safety-supervisor-flag")
    urgent.refresh_from_db()
    assert urgent.status == Flag.Status.OPEN
    page.context.clear_cookies()

    # OH sees it first in the queue, above the older escalated flag, and closes it with an outcome.
    sign_in(page, oh)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/oh/")
    rows = page.locator("#oh-queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(str(officer), use_inner_text=True)
    expect(rows.nth(0)).to_contain_text("Urgent", use_inner_text=True)
    expect(rows.nth(0)).to_contain_text("raised", use_inner_text=True)
    expect(rows.nth(1)).to_contain_text(str(teammate), use_inner_text=True)
    scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert scroll <= 1, f"{scroll}px too wide at 390px"
    screenshot(page, "clinical-safety-oh-queue")
    rows.nth(0).get_by_role("link", name=f"Open case of {officer}").click()
    page.get_by_role("button", name="Open case").click()
    page.wait_for_url(re.compile(rf".*/oh/people/{officer.pk}/$"))
    scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert scroll <= 1, f"{scroll}px too wide at 390px"
    row = page.locator(f"#flag-{urgent.pk}")
    row.get_by_text("Close with an outcome").click()
    row.get_by_role("button", name="Close this flag").click()  # no outcome chosen
    expect(page.locator("body")).to_contain_text("Choose the outcome before closing the flag.")
    row = page.locator(f"#flag-{urgent.pk}")
    row.get_by_label("Contacted, support arranged").check()
    row.get_by_role("button", name="Close this flag").click()
    page.wait_for_url(re.compile(rf".*/oh/people/{officer.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Flag closed.", use_inner_text=True)
    urgent.refresh_from_db()
    assert (urgent.status, urgent.outcome, urgent.closed_by_id) == (Flag.Status.CLOSED, "contacted_support", oh.pk)
    page.goto("/oh/")
    expect(page.locator("#oh-queue tbody tr")).to_have_count(1)
