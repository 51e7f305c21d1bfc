"""Roles as data (issue 18): a role an admin adds is offered everywhere roles are listed, and its
shift form is generated from its field kinds and categories."""

import pytest

from exposure.models import Exposure, ExposureCategory, ShiftLog
from exposure.role_forms import GeneratedRoleForm
from exposure.tests.helpers import shift_fields
from portal import roles
from portal.roles import Role

URL = "/exposure/log/"
pytestmark = pytest.mark.django_db


def _collision_role(**kwargs) -> Role:
    role = Role.objects.create(code="collision_investigator", name="Collision investigator",
                               field_kinds=kwargs.pop("field_kinds", ["counts", "critical"]), **kwargs)
    ExposureCategory.objects.create(role=role.code, code="fatal_collision", name="Fatal collision", order=1)
    ExposureCategory.objects.create(role=role.code, code="child_casualty", name="Child casualty", order=2)
    return role


def _form(role, data=None, **kwargs):
    categories = list(ExposureCategory.objects.filter(role=role.code, active=True).order_by("order"))
    return GeneratedRoleForm(data, role=role, categories=categories, rubric={}, **kwargs)


def test_an_added_role_is_offered_in_the_shift_form_the_history_filter_and_the_admin_lists(login, officer):
    _collision_role()
    assert ("collision_investigator", "Collision investigator") in roles.choices(officer.organisation_id)
    html = login(officer).get(URL).content.decode()
    assert 'value="collision_investigator"' in html and 'data-role="collision_investigator"' in html
    assert "Fatal collision: how many" in html
    ShiftLog.objects.create(officer=officer, shift_date="2026-01-05", start_time="07:00", duration_minutes=480,
                            role="call_handling")
    assert 'value="collision_investigator"' in login(officer).get("/exposure/").content.decode()  # the filter
    assert ("collision_investigator", "Collision investigator") in roles.admin_choices()


def test_a_forces_own_role_is_offered_to_that_force_only(officer, foreign_officer):
    Role.objects.create(code="sio", name="Senior investigating officer", organisation=officer.organisation)
    assert "sio" in roles.values(officer.organisation_id)
    assert "sio" not in roles.values(foreign_officer.organisation_id)


def test_an_inactive_role_is_not_offered_but_keeps_its_name():
    Role.objects.create(code="custody", name="Custody", active=False)
    assert "custody" not in roles.values()
    assert roles.label("custody") == "Custody"
    assert roles.label("call_handling") == "Call handling (999/101)"


def test_counts_and_a_critical_mark_give_one_entry_per_category_with_the_critical_one_apart():
    role = _collision_role()
    form = _form(role, {"collision_investigator-count_fatal_collision": "3",
                        "collision_investigator-count_child_casualty": "0",
                        "collision_investigator-critical_type": "fatal_collision",
                        "collision_investigator-intensity": "4"})
    assert form.is_valid(), form.errors
    assert "critical_incident" not in form.fields and "minutes" not in form.fields
    entries = form.entries()
    assert [(e.category.code, e.count, e.critical_incident) for e in entries] == [
        ("fatal_collision", 1, True), ("fatal_collision", 2, False)]
    # Intensity 4, half an hour each, the critical one doubled: 4.0 and 4.0
    assert [e.dose() for e in entries] == [4.0, 4.0]


def test_a_critical_category_needs_a_count():
    role = _collision_role()
    form = _form(role, {"collision_investigator-count_fatal_collision": "1",
                        "collision_investigator-critical_type": "child_casualty",
                        "collision_investigator-intensity": "2"})
    assert not form.is_valid() and "critical_type" in form.errors


def test_nothing_counted_is_nothing_notable_and_needs_no_intensity():
    form = _form(_collision_role(), {"collision_investigator-count_fatal_collision": "0"})
    assert form.is_valid(), form.errors
    assert form.entries() == []


def test_counts_with_minutes_give_one_entry_with_the_counts_in_its_detail():
    role = _collision_role(field_kinds=["counts", "minutes", "critical"])
    form = _form(role, {"collision_investigator-count_fatal_collision": "2",
                        "collision_investigator-count_child_casualty": "1", "collision_investigator-minutes": "90",
                        "collision_investigator-critical_incident": "on", "collision_investigator-intensity": "3"},
                 shift_minutes=480)
    assert form.is_valid(), form.errors
    [entry] = form.entries()
    assert (entry.category.code, entry.count, entry.minutes, entry.critical_incident) == (
        "fatal_collision", 3, 90, True)
    assert entry.detail["counts"] == {"fatal_collision": 2, "child_casualty": 1}
    assert entry.dose() == pytest.approx(3 * 1.5 * 2)


def test_minutes_longer_than_the_shift_are_refused():
    role = _collision_role(field_kinds=["counts", "minutes"])
    form = _form(role, {"collision_investigator-count_fatal_collision": "1", "collision_investigator-minutes": "600",
                        "collision_investigator-intensity": "3"}, shift_minutes=480)
    assert not form.is_valid() and "minutes" in form.errors


def test_a_deployment_role_asks_the_kind_a_defined_task_a_briefing_and_a_debrief():
    role = Role.objects.create(code="family_liaison", name="Family liaison officer",
                               field_kinds=["deployment", "critical"], defined_task_factor=0.5)
    kind = ExposureCategory.objects.create(role=role.code, code="sudden_death", name="Sudden death")
    form = _form(role, {"family_liaison-category": str(kind.pk), "family_liaison-defined_task": "yes",
                        "family_liaison-briefed": "yes", "family_liaison-debriefed": "no",
                        "family_liaison-intensity": "4"})
    assert form.is_valid(), form.errors
    [entry] = form.entries()
    assert entry.defined_task is True and entry.detail == {"briefed": True, "debriefed": False}
    assert entry.minutes is None and not entry.critical_incident
    missing = _form(role, {"family_liaison-category": str(kind.pk), "family_liaison-intensity": "4"})
    assert not missing.is_valid() and "defined_task" in missing.errors


def test_a_category_of_another_role_is_refused():
    role = Role.objects.create(code="custody", name="Custody", field_kinds=["critical"])
    other = ExposureCategory.objects.get(role="firearms", code="spontaneous")
    form = _form(role, {"custody-category": str(other.pk), "custody-intensity": "2"})
    assert not form.is_valid() and "category" in form.errors


def test_an_officer_logs_and_edits_a_shift_in_an_added_role_with_the_roles_weights(login, officer):
    _collision_role(critical_incident_factor=3.0)
    client = login(officer)
    data = {**shift_fields("collision_investigator"), "collision_investigator-count_fatal_collision": "2",
            "collision_investigator-critical_type": "fatal_collision", "collision_investigator-intensity": "2"}
    response = client.post(URL, data)
    shift = ShiftLog.objects.get(officer=officer)
    assert response.status_code == 302 and shift.role == "collision_investigator"
    doses = sorted(e.dose for e in Exposure.objects.filter(shift=shift))
    assert doses == [pytest.approx(1.0), pytest.approx(3.0)]  # 2 x 0.5; the critical one x 3
    detail = client.get(f"/exposure/shifts/{shift.pk}/").content.decode()
    assert "Collision investigator" in detail and "How many" in detail
    edit = client.get(f"/exposure/shifts/{shift.pk}/edit/").content.decode()
    assert 'name="collision_investigator-count_fatal_collision"' in edit and 'value="2"' in edit


def test_a_deployment_without_a_defined_task_reaches_the_supervisors_list(officer):
    from wellbeing.team.selectors import deployments_without_task

    Role.objects.create(code="family_liaison", name="Family liaison officer", field_kinds=["deployment"])
    kind = ExposureCategory.objects.create(role="family_liaison", code="sudden_death", name="Sudden death")
    shift = ShiftLog.objects.create(officer=officer, shift_date="2026-01-05", start_time="07:00",
                                    duration_minutes=480, role="family_liaison")
    Exposure.objects.create(shift=shift, officer=officer, shift_date=shift.shift_date, role="family_liaison",
                            category=kind, intensity=3, defined_task=False)
    from datetime import date
    assert [e.role for e in deployments_without_task([officer], today=date(2026, 1, 6))] == ["family_liaison"]
    officer.high_risk_role = "family_liaison"
    assert roles.asks_deployment("family_liaison") and not roles.asks_deployment("cse_review")


def test_how_it_is_worked_out_gives_an_added_roles_weights_and_the_constants_for_a_shipped_one(login, officer):
    from exposure.load import explanation
    from exposure.services import shown_weights
    from wellbeing.risk.selectors import rules_in_force

    _version, rules = rules_in_force()
    assert explanation(rules, shown_weights("firearms")) == explanation(rules)
    _collision_role(default_minutes=45, critical_incident_factor=3.0)
    how = explanation(rules, shown_weights("collision_investigator"))
    assert (how["default_minutes"], how["critical_times"]) == (45, 3.0)
    officer.high_risk_role = "collision_investigator"
    officer.save()
    ShiftLog.objects.create(officer=officer, shift_date="2026-01-05", start_time="07:00", duration_minutes=480,
                            role="collision_investigator")
    assert "counts as 45 minutes" in login(officer).get("/exposure/").content.decode()
