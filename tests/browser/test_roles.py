"""Roles as data (issue 18), in a real browser: an admin adds a role with two exposure categories
and the count and critical-incident field kinds in the Django admin; an officer in that role logs a
shift through the form generated for it and sees it saved."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from exposure.models import Exposure, ShiftLog
from portal.roles import Role


def test_an_admin_adds_a_role_and_its_officer_logs_a_shift_with_the_generated_form(
    transactional_db, page, admin_user, officer, sign_in, screenshot
):
    sign_in(page, admin_user)
    page.goto("/admin/portal/role/add/")
    page.locator("input[name=code]").fill("collision_investigator")
    page.locator("input[name=name]").fill("Collision investigator")
    page.get_by_label("How many of each exposure category").check()
    page.get_by_label("A critical-incident mark").check()
    page.locator("textarea[name=new_categories]").fill("Fatal collision\nChild casualty")
    screenshot(page, "roles-admin-add")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/portal/role/")
    expect(page.locator("#result_list")).to_contain_text("Collision investigator")
    assert Role.objects.get(code="collision_investigator").field_kinds == ["counts", "critical"]

    officer.high_risk_role = "collision_investigator"
    officer.save(update_fields=["high_risk_role"])
    page.context.clear_cookies()
    sign_in(page, officer)
    page.goto("/exposure/log/")
    expect(page.get_by_label("Role worked")).to_have_value("collision_investigator")
    form = page.locator("#role-collision_investigator")
    expect(form).to_be_visible()
    expect(page.locator("#role-call_handling")).to_be_hidden()
    page.get_by_label("Shift date").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    page.get_by_label("Start time").fill("07:00")
    page.get_by_label("Length (hours)").fill("9")
    form.get_by_label("Fatal collision: how many").fill("2")
    form.get_by_label("Child casualty: how many").fill("1")
    form.get_by_label("Was one of these a critical incident?").select_option("fatal_collision")
    form.get_by_label("3", exact=True).check()
    screenshot(page, "roles-generated-form")
    page.get_by_role("button", name="Save shift").click()
    page.wait_for_url("**/exposure/shifts/*/")
    expect(page.locator("body")).to_contain_text("Shift saved.")
    expect(page.locator("main")).to_contain_text("Collision investigator")

    shift = ShiftLog.objects.get(officer=officer)
    assert shift.role == "collision_investigator" and shift.duration_minutes == 540
    rows = sorted((e.category.code, e.count, e.critical_incident, e.dose)
                  for e in Exposure.objects.filter(shift=shift).select_related("category"))
    # Intensity 3, half an hour each: the critical collision doubled (3.0), the other 1.5, the child 1.5
    assert rows == [("child_casualty", 1, False, 1.5), ("fatal_collision", 1, False, 1.5),
                    ("fatal_collision", 1, True, 3.0)]
