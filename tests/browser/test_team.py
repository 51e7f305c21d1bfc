"""The supervisor's morning: open the team page, see who needs them first, acknowledge the flag,
record a welfare conversation, see it handled. The officer sees none of it."""

from playwright.sync_api import expect

from wellbeing.models import Flag, WelfareAction
from wellbeing.tests.team_helpers import assess, flag


def test_a_supervisor_handles_a_flag_from_the_team_page(transactional_db, page, sign_in, screenshot, supervisor,
                                                        officer, teammate):
    assess(teammate, "green", ())
    assess(officer, "amber")
    raised = flag(officer)
    sign_in(page, supervisor)
    page.goto("/team/")
    first = page.locator("#team-people tbody tr").first
    expect(first).to_contain_text(officer.get_full_name(), use_inner_text=True)
    expect(first).to_contain_text("Exposure load high for the role", use_inner_text=True)
    screenshot(page, "team-dashboard")

    first.get_by_role("link", name="Exposure load high for the role").click()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#flag-status")).to_contain_text("Acknowledged", use_inner_text=True)

    page.get_by_label("Welfare conversation").check()
    expect(page.get_by_label("Close the flag: this is handled")).to_be_checked()
    page.get_by_role("button", name="Record action").click()
    expect(page.locator("#flag-status")).to_contain_text("Handled", use_inner_text=True)
    expect(page.locator("#flag-actions")).to_contain_text("Welfare conversation", use_inner_text=True)
    screenshot(page, "team-flag-handled")

    raised.refresh_from_db()
    assert raised.status == Flag.Status.CLOSED
    assert WelfareAction.objects.get().kind == "welfare_conversation"
    page.goto("/team/")
    expect(page.locator("#team-today")).to_contain_text("No flags are waiting for you.", use_inner_text=True)


def test_the_officer_sees_none_of_it(transactional_db, page, sign_in, officer, supervisor):
    assess(officer, "amber")
    flag(officer)
    sign_in(page, officer)
    assert page.goto("/team/").status == 403
    assert page.goto("/team/flags/").status == 403
    assert page.goto(f"/team/people/{officer.pk}/").status == 403
    page.goto("/exposure/")
    expect(page.get_by_role("link", name="My team")).to_have_count(0)
