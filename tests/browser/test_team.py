"""The supervisor's morning: open the team page, see who needs them first, acknowledge the flag,
record a welfare conversation, see it handled. The officer sees none of it."""

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
    assert officer.get_full_name() in first.inner_text()
    assert "Exposure load high for the role" in first.inner_text()
    screenshot(page, "team-dashboard")

    first.get_by_role("link", name="Exposure load high for the role").click()
    page.get_by_role("button", name="Acknowledge").click()
    assert "Acknowledged" in page.locator("#flag-status").inner_text()

    page.get_by_label("Welfare conversation").check()
    assert page.get_by_label("Close the flag: this is handled").is_checked()
    page.get_by_role("button", name="Record action").click()
    assert "Handled" in page.locator("#flag-status").inner_text()
    assert "Welfare conversation" in page.locator("#flag-actions").inner_text()
    screenshot(page, "team-flag-handled")

    raised.refresh_from_db()
    assert raised.status == Flag.Status.CLOSED
    assert WelfareAction.objects.get().kind == "welfare_conversation"
    page.goto("/team/")
    assert "No flags are waiting for you." in page.locator("#team-today").inner_text()


def test_the_officer_sees_none_of_it(transactional_db, page, sign_in, officer, supervisor):
    assess(officer, "amber")
    flag(officer)
    sign_in(page, officer)
    assert page.goto("/team/").status == 403
    assert page.goto("/team/flags/").status == 403
    assert page.goto(f"/team/people/{officer.pk}/").status == 403
    page.goto("/exposure/")
    assert page.get_by_role("link", name="My team").count() == 0
