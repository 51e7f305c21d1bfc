"""High-risk roles as data (issue 18): the admin adds a role with its categories, the user admin
and the HR import accept its code, and its check-in interval becomes schedule rows."""

import pytest

from exposure.models import ExposureCategory, ShiftLog
from portal.hr.records import record_from_cells
from portal.hr.tests.helpers import HEADER, row
from portal.roles import Role
from portal.tests.factories import UserFactory
from wellbeing.checkins.selectors import SCHEDULE_FIELDS
from wellbeing.instruments.schedule import resolve_rules
from wellbeing.models import CheckInSchedule

pytestmark = pytest.mark.django_db

ROLE_FORM = {"code": "collision_investigator", "name": "Collision investigator", "name_cy": "", "organisation": "",
             "field_kinds": ["counts", "critical"], "new_categories": "Fatal collision\r\n\r\n  Child   casualty \r\n",
             "questionnaire_every_days": "", "default_minutes": "30", "defined_task_factor": "0.8",
             "critical_incident_factor": "2.0", "mitigation_step": "0.1", "mitigation_floor": "0.6",
             "active": "on", "order": "60"}


def test_an_admin_adds_a_role_with_its_categories(admin_client):
    response = admin_client.post("/admin/portal/role/add/", ROLE_FORM)
    assert response.status_code == 302, response.content.decode()[:3000]
    role = Role.objects.get(code="collision_investigator")
    assert role.field_kinds == ["counts", "critical"] and role.organisation_id is None
    assert list(ExposureCategory.objects.filter(role=role.code).values_list("code", "name")) == [
        ("fatal_collision", "Fatal collision"), ("child_casualty", "Child casualty")]
    page = admin_client.get(f"/admin/portal/role/{role.pk}/change/").content.decode()
    assert "Fatal collision" in page and "Child casualty" in page


def test_only_admins_reach_the_role_admin(client, officer):
    client.force_login(officer)
    assert client.get("/admin/portal/role/").status_code in (302, 403)  # never the list


def test_an_unknown_field_kind_or_the_code_other_is_refused(admin_client):
    response = admin_client.post("/admin/portal/role/add/", {**ROLE_FORM, "field_kinds": ["juggling"]})
    assert response.status_code == 200 and not Role.objects.filter(code="collision_investigator").exists()
    response = admin_client.post("/admin/portal/role/add/", {**ROLE_FORM, "code": "other"})
    assert response.status_code == 200 and not Role.objects.filter(code="other").exists()


def test_wrong_score_or_band_a_shipped_role_keeps_its_weights_code_and_form_and_is_never_deleted(admin_client):
    role = Role.objects.get(code="firearms")
    page = admin_client.get(f"/admin/portal/role/{role.pk}/change/").content.decode()
    fixed = ("code", "field_kinds", "default_minutes", "defined_task_factor", "critical_incident_factor")
    assert all(f'name="{name}"' not in page for name in fixed)
    assert 'name="questionnaire_every_days"' in page and 'name="active"' in page
    assert admin_client.post(f"/admin/portal/role/{role.pk}/delete/", {"post": "yes"}).status_code == 403


def test_a_role_in_use_keeps_its_code(admin_client, officer):
    role = Role.objects.create(code="custody", name="Custody")
    ShiftLog.objects.create(officer=officer, shift_date="2026-01-05", start_time="07:00", duration_minutes=60,
                            role="custody")
    assert 'name="code"' not in admin_client.get(f"/admin/portal/role/{role.pk}/change/").content.decode()
    assert admin_client.post(f"/admin/portal/role/{role.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_user_admin_offers_and_saves_an_added_role(admin_client, officer):
    Role.objects.create(code="custody", name="Custody")
    page = admin_client.get(f"/admin/portal/user/{officer.pk}/change/").content.decode()
    assert 'value="custody"' in page and 'value="other"' in page


def test_the_category_admin_offers_an_added_role(admin_client):
    Role.objects.create(code="custody", name="Custody")
    assert 'value="custody"' in admin_client.get("/admin/exposure/exposurecategory/add/").content.decode()
    response = admin_client.post("/admin/exposure/exposurecategory/add/", {
        "role": "custody", "code": "self_harm", "name": "Self-harm in a cell", "name_cy": "", "description": "",
        "default_intensity": "3", "active": "on", "order": "1"})
    assert response.status_code == 302
    assert ExposureCategory.objects.filter(role="custody", code="self_harm").exists()
    response = admin_client.post("/admin/exposure/exposurecategory/add/", {
        "role": "no_such_role", "code": "x", "name": "X", "default_intensity": "3", "order": "1"})
    assert response.status_code == 200


def test_the_hr_import_accepts_an_added_roles_code_and_name():
    Role.objects.create(code="collision_investigator", name="Collision investigator")
    columns = frozenset(HEADER)
    for text in ("collision_investigator", "Collision Investigator", "collision-investigator"):
        record, errors = record_from_cells(2, row("1001", high_risk_role=text), columns)
        assert errors == [] and record.high_risk_role == "collision_investigator"
    _record, errors = record_from_cells(2, row("1001", high_risk_role="juggling"), columns)
    assert "collision_investigator" in str(errors[0])


def _rules(role: str, organisation_id=None):
    rows = list(CheckInSchedule.objects.values(*SCHEDULE_FIELDS))
    return {(r.instrument, r.trigger): r.every_days for r in resolve_rules(rows, organisation_id=organisation_id,
                                                                            role=role)}


def test_a_roles_checkin_interval_sets_its_regular_questionnaires_and_the_shipped_roles_keep_theirs(force):
    shipped = _rules("firearms", force.pk)
    assert shipped == _rules("", force.pk)  # no interval of their own: the default schedule
    role = Role.objects.create(code="custody", name="Custody", questionnaire_every_days=14)
    rules = _rules("custody", force.pk)
    every = {key: days for key, days in rules.items() if key[1] == "every"}
    assert every and set(every.values()) == {14}
    assert {k: v for k, v in rules.items() if k[1] != "every"} == {k: v for k, v in shipped.items() if k[1] != "every"}
    role.questionnaire_every_days = 42
    role.save()
    assert set(v for k, v in _rules("custody", force.pk).items() if k[1] == "every") == {42}
    assert _rules("firearms", force.pk) == shipped


def test_a_person_with_an_added_role_shows_its_name(force):
    Role.objects.create(code="custody", name="Custody")
    person = UserFactory(organisation=force, high_risk_role="custody")
    assert person.get_high_risk_role_display() == "Custody"
