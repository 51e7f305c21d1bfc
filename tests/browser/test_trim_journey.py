"""The TRiM journey in a real browser (issue 20's acceptance): a supervisor declares an incident for
three people in two teams; the coordinator holds the planning meeting and assigns practitioners,
and is refused one in a person's line chain even when the form is tampered with; a practitioner
records the initial assessment; the follow-up is missed, and a week later the deadline sweep sends
it to occupational health, who sees the notice and the case on the person's OH page; the officer
sees their own case (dates, practitioner) and no band. The new pages pass axe and fit 390 px."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.tests.factories import UserFactory
from tests.browser.test_accessibility import SIDEWAYS_INSIDE, a11y_page, axe_violations  # noqa: F401
from wellbeing.models import TrimAssessment, TrimCase, TrimIncident
from wellbeing.trim import casework, opening
from wellbeing.trim.escalation import escalation_sweep

PHONE = {"width": 390, "height": 844}
TITLE = "The fire at Ashcombe Road"


@pytest.fixture
def trim_people(force, supervisor, officer, teammate, outsider, oh):
    """Three people in two teams (officer and teammate in team A, outsider in team B); the
    officer's supervisor is also a trained practitioner (so in the officer's line chain)."""
    supervisor.is_trim_practitioner = True
    supervisor.save(update_fields=["is_trim_practitioner"])
    return {
        "coordinator": UserFactory(username="coordinator", organisation=force, is_trim_coordinator=True),
        "practitioner": UserFactory(username="practitioner", organisation=force, is_trim_practitioner=True,
                                    first_name="Pryderi", last_name="Pritchard"),
    }


def _escalate_missed_followup(case) -> dict:
    """Time travel: the sweep as beat would run it 8 days after the follow-up was due."""
    return escalation_sweep(now=case.followup_due_at + timedelta(days=8))


def test_trim_deadline_missed_the_journey_from_declaring_to_oh(
        transactional_db, page, sign_in, screenshot, supervisor, officer, teammate, outsider, oh, trim_people):
    coordinator, practitioner = trim_people["coordinator"], trim_people["practitioner"]
    yesterday = timezone.localdate() - timedelta(days=1)
    # 1. the supervisor declares the incident for three people of two teams
    sign_in(page, supervisor)
    page.goto("/trim/declare/")
    page.get_by_label("Name of the incident").fill(TITLE)
    page.get_by_label("Date of the incident").fill(yesterday.isoformat())
    page.get_by_label("Time of the incident").fill("14:30")
    for person in (officer, teammate, outsider):
        page.get_by_label(str(person.get_full_name()), exact=True).check()
    page.get_by_role("button", name="Declare the incident").click()
    page.wait_for_url(re.compile(r".*/trim/declare/\d+/$"))
    expect(page.locator("main")).to_contain_text("3 people have a TRiM case for this incident.")
    incident = TrimIncident.objects.get(title=TITLE)
    case = TrimCase.objects.get(incident=incident, person=officer)

    # 2. the coordinator holds the planning meeting: a risk assessment for all three
    page.context.clear_cookies()
    sign_in(page, coordinator)
    page.goto(f"/trim/incidents/{incident.pk}/")
    page.get_by_label("Planning meeting held on").fill(timezone.localdate().isoformat())
    for person in (officer, teammate, outsider):
        page.get_by_role("group", name=f"Response agreed for {person}").get_by_label("Risk assessment").check()
    page.get_by_role("button", name="Record the planning meeting").click()
    expect(page.locator("main")).to_contain_text("Planning meeting recorded.")
    assert set(TrimCase.objects.filter(incident=incident).values_list("response", flat=True)) == {"assessment"}

    # 3. assigning: the officer's supervisor is not offered; a tampered form is refused with the reason
    page.goto(f"/trim/cases/{case.pk}/assign/")
    expect(page.get_by_label(str(practitioner))).to_be_visible()
    expect(page.get_by_label(str(supervisor), exact=True)).to_have_count(0)
    page.evaluate("""(pk) => {
        const input = document.querySelector('input[name=practitioner]');
        const tampered = input.cloneNode();
        tampered.value = String(pk); tampered.id = 'tampered';
        input.closest('form').prepend(tampered);
        tampered.checked = true;
    }""", supervisor.pk)
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        f"{supervisor} supervises this person, so cannot be their TRiM practitioner.")
    case.refresh_from_db()
    assert case.practitioner_id is None
    page.get_by_label(str(practitioner)).check()
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("main")).to_contain_text(f"{practitioner} is now the TRiM practitioner for this case.")

    # 4. the practitioner records the initial assessment
    page.context.clear_cookies()
    sign_in(page, practitioner)
    page.goto(f"/trim/cases/{case.pk}/")
    page.get_by_role("link", name="Record the initial assessment").click()
    page.get_by_label("Held on").fill(timezone.localdate().isoformat())
    page.get_by_label("Low").check()
    page.get_by_label("No further action").check()
    page.get_by_role("button", name="Record the assessment").click()
    expect(page.locator("main")).to_contain_text("Assessment recorded.")
    assert TrimAssessment.objects.filter(case=case, stage="initial").exists()

    # 5. the follow-up is missed: 8 days after it was due, the sweep (beat's task) tells OH, once
    case.refresh_from_db()
    assert _escalate_missed_followup(case)["to_oh"] >= 1
    assert _escalate_missed_followup(case)["to_oh"] == 0
    case.refresh_from_db()
    assert case.followup_escalated_at is not None

    # 6. OH sees the notice, the overdue list, and the TRiM case on the person's OH page
    page.context.clear_cookies()
    sign_in(page, oh)
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text("A TRiM follow-up is more than a week overdue")
    page.goto("/oh/")
    overdue = page.locator("#oh-trim-overdue")
    expect(overdue).to_contain_text(str(officer))
    overdue.get_by_role("link", name=str(officer)).click()
    page.get_by_label("Follow-up of an open case").check()
    page.get_by_role("button", name="Open case").click()
    trim = page.locator("#trim")
    expect(trim).to_contain_text(TITLE)
    expect(trim).to_contain_text("Pryderi Pritchard")
    expect(trim).to_contain_text("overdue: sent to occupational health")
    expect(trim.locator(".trim-band")).to_have_text("Low")
    screenshot(page, "trim-journey-oh-case")

    # 7. the officer, on a phone, sees their own case: the dates and the practitioner, never a band
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in(page, officer)
    page.goto("/trim/mine/")
    main = page.locator("main")
    expect(main).to_contain_text(TITLE)
    expect(main).to_contain_text("Pryderi Pritchard")
    expect(main).to_contain_text(timezone.localtime(case.followup_due_at).strftime("%-d %B %Y"))
    expect(main).not_to_contain_text("Low")
    expect(main).not_to_contain_text("band")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    screenshot(page, "trim-journey-officer-phone")


@pytest.mark.parametrize("width", [1280, 390])
def test_trim_deadline_missed_the_new_pages_pass_axe_and_fit_a_phone(
        transactional_db, a11y_page, sign_in, supervisor, officer, teammate, outsider, oh, trim_people,  # noqa: F811
        width):
    coordinator, practitioner = trim_people["coordinator"], trim_people["practitioner"]
    declared = opening.declare_incident(supervisor, TITLE, timezone.now() - timedelta(days=1),
                                        [officer, teammate, outsider])
    case = next(c for c in declared.opened if c.person_id == officer.pk)
    casework.planning_record(incident=declared.incident, held_on=timezone.localdate(),
                             responses={c.pk: "assessment" for c in declared.opened}, by=coordinator)
    casework.practitioner_assign(case=case, practitioner=practitioner, by=coordinator)
    casework.assessment_record(case=case, stage="initial", held_on=timezone.localdate(), band="low",
                               action="none", by=practitioner)
    _escalate_missed_followup(case)
    page = a11y_page
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}

    def check(label):
        found = axe_violations(page)
        if page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") > 1:
            found.append({"id": "horizontal-scroll"})
        inside = page.evaluate(SIDEWAYS_INSIDE)
        if inside:
            found.append({"id": "horizontal-scroll-inside", "help": inside})
        if found:
            problems[label] = found

    sign_in(page, coordinator)
    page.goto(f"/trim/cases/{case.pk}/assign/")
    page.get_by_role("button", name="Assign").click()  # nobody chosen: the error summary
    check("assign with errors")
    page.context.clear_cookies()
    sign_in(page, oh)
    page.goto("/oh/")
    check("oh queue with TRiM follow-ups overdue")
    page.goto(f"/oh/people/{officer.pk}/")
    page.get_by_label("Follow-up of an open case").check()
    page.get_by_role("button", name="Open case").click()
    expect(page.locator("#trim")).to_be_visible()
    check("oh case with TRiM")
    page.context.clear_cookies()
    sign_in(page, officer)
    page.goto("/trim/mine/")
    check("officer's own cases")
    assert problems == {}, problems
