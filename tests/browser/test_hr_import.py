"""Issue 19's acceptance, the admin half: an admin uploads the sample HR file with two deliberate
mistakes, sees both in the preview by row and column, fixes the file, uploads it again and applies
it; then a newly imported supervisor signs in through the force's identity provider (the local
OpenID Connect provider of tests/oidc_support.py, which vouches for their MFA) and sees their
imported team on /team/. A supervisor whose provider did not do MFA is stopped at the portal's own
two-factor step, and someone the file marks as a leaver is turned away with the clear page."""

import csv
from pathlib import Path

from playwright.sync_api import expect

from portal.models import AuditEvent, HRImportUpload, Organisation, User
from portal.tests.factories import UserFactory

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "hr-import-sample.csv"


# Nothing wider than a 390 px phone, and nothing inside that scrolls sideways.
FITS = """() => document.documentElement.scrollWidth <= window.innerWidth && ![...document.querySelectorAll('body *')]
  .some(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)"""


def fits_a_phone(page, screenshot, name) -> bool:
    page.set_viewport_size({"width": 390, "height": 844})
    fits = page.evaluate(FITS)
    screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})
    return fits


def at_the_provider(identity_provider, staff_number: str, *, mfa: bool) -> str:
    """An account at the force's identity provider for the person of the sample file with
    `staff_number`: the same staff number and email as the file. Returns its username."""
    with SAMPLE.open(encoding="utf-8", newline="") as sample:
        person = next(row for row in csv.DictReader(sample) if row["staff_number"] == staff_number)
    username = person["email"].split("@")[0]
    identity_provider.add_person(username, staff_number=staff_number, email=person["email"], mfa=mfa,
                                 given_name=person["given_name"], family_name=person["family_name"])
    return username


def upload(page, path):
    page.goto("/hr-import/")
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()


def test_an_admin_fixes_two_rows_then_imports_and_the_supervisor_sees_their_team(
        transactional_db, page, sign_in, provider_sign_in, screenshot, admin_user, tmp_path, live_server, oidc_on,
        settings):
    northmoor = Organisation.objects.create(name="Northmoor Police", slug="northmoor-police")
    # Already in the portal; the file says her employment ended on 2026-10-31: the import makes her a leaver.
    leaver = UserFactory(username="hana.osei", first_name="Hana", last_name="Osei", organisation=northmoor,
                         email="hana.osei@northmoor-police.invalid", staff_number="NM10008", is_officer=True)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    good = "\r\n".join(lines) + "\r\n"
    # Row 3 (Bethan Carey): a 13th month; row 5 (Dilys Harker): a role the portal does not have.
    bad = good.replace("call_handling,2024-09-16", "call_handling,2024-13-16").replace(
        "NM10004,Dilys,Harker,dilys.harker@northmoor-police.invalid,northmoor-police,Contact Centre,Red Watch,officer,",
        "NM10004,Dilys,Harker,dilys.harker@northmoor-police.invalid,northmoor-police,Contact Centre,Red Watch,"
        "officer;sheriff,")
    assert bad != good and bad.count("sheriff") == 1 and "2024-13-16" in bad
    (tmp_path / "hr-export.csv").write_text(bad, encoding="utf-8")

    sign_in(page, admin_user)
    upload(page, tmp_path / "hr-export.csv")

    problems = page.locator("#row-errors")
    expect(problems).to_contain_text("Fix these rows and upload the file again.")
    rows = problems.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("3")
    expect(rows.nth(0)).to_contain_text("high_risk_role_since")
    expect(rows.nth(1)).to_contain_text("5")
    expect(rows.nth(1)).to_contain_text("roles")
    expect(page.get_by_role("button", name="Apply this import")).to_have_count(0)
    screenshot(page, "hr-import-preview-errors")
    assert fits_a_phone(page, screenshot, "hr-import-preview-errors-390")
    assert list(User.objects.filter(staff_number__startswith="NM")) == [leaver]

    (tmp_path / "hr-export.csv").write_text(good, encoding="utf-8")
    page.get_by_role("link", name="Upload the corrected file").click()
    assert fits_a_phone(page, screenshot, "hr-import-upload-390")
    page.locator("#id_file").set_input_files(str(tmp_path / "hr-export.csv"))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#hr-creates")).to_contain_text("Aled Rowlands")
    expect(page.locator("#hr-structure")).to_contain_text("Contact Centre / Red Watch")
    expect(page.locator("#hr-leavers")).to_contain_text("Hana Osei")
    screenshot(page, "hr-import-preview")
    assert fits_a_phone(page, screenshot, "hr-import-preview-390")
    page.get_by_role("button", name="Apply this import").click()
    expect(page.get_by_role("heading", name="Import applied")).to_be_visible()
    screenshot(page, "hr-import-applied")

    # The file with mistakes went when the fixed one came; the fixed one's bytes went once applied.
    assert [bytes(u.data) for u in HRImportUpload.objects.all()] == [b""]
    assert AuditEvent.objects.filter(action="hr_import_applied", actor=admin_user).count() == 1

    leaver.refresh_from_db()
    assert not leaver.is_active and str(leaver.employment_ended_on) == "2026-10-31"
    page.context.clear_cookies()
    imported_people_sign_in_through_the_provider(page, provider_sign_in, oidc_on, live_server, settings, screenshot)


def imported_people_sign_in_through_the_provider(page, provider_sign_in, identity_provider, live_server, settings,
                                                 screenshot):
    identity_provider.allow_redirect(live_server.url)
    settings.OIDC_BUTTON_LABEL = "Sign in with Northmoor Police"
    settings.OIDC_SUPPORT_CONTACT = "the Northmoor IT service desk"

    # Aled Rowlands supervises Red Watch; his provider did MFA, so the portal asks for no code of its own.
    provider_sign_in(page, at_the_provider(identity_provider, "NM10001", mfa=True))
    page.wait_for_url("**/team/")
    expect(page.get_by_role("button", name="Aled Rowlands")).to_be_visible()  # signed in, as him
    expect(page.get_by_role("heading", level=1)).to_have_text("My team: Red Watch")
    team = page.locator("#team-people tbody")
    for name in ("Bethan Carey", "Callum Pryce", "Dilys Harker", "Aled Rowlands"):
        expect(team.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(team.locator("tr")).to_have_count(4)  # not Blue Watch: another supervisor's team
    screenshot(page, "hr-import-supervisor-team")
    page.context.clear_cookies()  # the portal and the provider both forget him

    # Eamon Fairley supervises Blue Watch; his provider did not do MFA: the portal's two-factor step.
    provider_sign_in(page, at_the_provider(identity_provider, "NM10005", mfa=False))
    page.wait_for_url("**/accounts/two-factor/**")
    expect(page.get_by_role("button", name="Eamon Fairley")).to_be_visible()
    page.goto("/team/")
    page.wait_for_url("**/accounts/two-factor/**")  # no team page before the second factor
    expect(page.locator("main")).not_to_contain_text("Ffion Madoc")
    page.context.clear_cookies()

    # Hana Osei left on 2026-10-31: her provider account still works, the portal does not let her in.
    provider_sign_in(page, at_the_provider(identity_provider, "NM10008", mfa=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your portal account is closed")
    expect(page.locator("main")).to_contain_text("the Northmoor IT service desk")
    screenshot(page, "hr-import-leaver-refused")
    refused = AuditEvent.objects.get(action="oidc_account_refused")
    assert refused.subject.staff_number == "NM10008" and refused.detail["reason"] == "inactive"
    page.goto("/exposure/")
    page.wait_for_url("**/accounts/login/**")  # not signed in
