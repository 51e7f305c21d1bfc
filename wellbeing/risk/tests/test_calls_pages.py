"""Calls without a break (issue 18) where people read reasons: the officer's own page, the supervisor's
dashboard (the operational category, nothing clinical), and the rules page an admin edits."""

import json

import pytest

from exposure.tests.factories import ShiftLogFactory
from portal.models import AuditEvent
from wellbeing.models import Flag, RuleSet
from wellbeing.risk.reasons import REASONS
from wellbeing.risk.rules import DEFAULT_RULES
from wellbeing.risk.service import risk_recompute

OFFICER_TEXT = str(REASONS["calls_without_break"].officer_text)
CATEGORY = str(REASONS["calls_without_break"].category)


def _long_runs(officer, days=(1, 4, 8), in_a_row=24):
    for days_ago in days:
        ShiftLogFactory(officer=officer, days_ago=days_ago, role="call_handling",
                        detail={"calls_taken": 50, "calls_without_break": in_a_row})


def test_breaks_unseen_the_officer_reads_the_line_on_their_own_page(client, officer):
    _long_runs(officer)
    risk_recompute(officer_ids=[officer.pk])
    client.force_login(officer)
    html = client.get("/wellbeing/").content.decode()
    assert OFFICER_TEXT in html and "How things look" in html


def test_breaks_unseen_the_supervisor_sees_the_operational_category_and_a_flag(login, supervisor, officer):
    _long_runs(officer)
    risk_recompute(officer_ids=[officer.pk])
    assert Flag.objects.filter(officer=officer, reason_code="calls_without_break").exists()
    content = login(supervisor).get("/team/").content.decode()
    assert CATEGORY in content
    assert "Welfare contact recommended" not in content  # operational: nothing clinical to stand for


def test_two_long_shifts_are_not_enough_under_the_default_rules(client, officer):
    _long_runs(officer, days=(1, 4))
    risk_recompute(officer_ids=[officer.pk])
    assert not Flag.objects.filter(officer=officer, reason_code="calls_without_break").exists()
    client.force_login(officer)
    assert OFFICER_TEXT not in client.get("/wellbeing/").content.decode()


def test_breaks_unseen_a_rule_set_saved_before_the_call_rules_still_works_with_their_defaults(officer):
    older = {k: v for k, v in DEFAULT_RULES.items()
             if k not in ("calls_in_a_row_without_break", "shifts_with_calls_without_break")}
    RuleSet.objects.create(version=5, rules=older)
    _long_runs(officer)
    [assessment] = risk_recompute(officer_ids=[officer.pk])
    assert assessment.rules_version == 5
    assert [r["code"] for r in assessment.reasons] == ["calls_without_break"]


@pytest.fixture
def admin_client(login, admin_user):
    return login(admin_user)


@pytest.mark.django_db
def test_the_rules_page_starts_from_the_call_rules_and_accepts_a_change(admin_client):
    older = {k: v for k, v in DEFAULT_RULES.items() if k != "shifts_with_calls_without_break"}
    RuleSet.objects.create(version=3, rules=older)
    page = admin_client.get("/admin/wellbeing/ruleset/what-if/").content.decode()
    assert "calls_in_a_row_without_break" in page and "shifts_with_calls_without_break" in page
    changed = dict(DEFAULT_RULES, calls_in_a_row_without_break=15, shifts_with_calls_without_break=2)
    response = admin_client.post("/admin/wellbeing/ruleset/what-if/", {"rules": json.dumps(changed)})
    assert response.status_code == 200 and 'id="what-if-reasons"' in response.content.decode()
    assert AuditEvent.objects.filter(action="ruleset_what_if").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("value", [0, "20", 2.5])
def test_a_bad_call_rule_is_a_message_on_the_rules_page(admin_client, value):
    rules = dict(DEFAULT_RULES, calls_in_a_row_without_break=value)
    response = admin_client.post("/admin/wellbeing/ruleset/what-if/", {"rules": json.dumps(rules)})
    content = response.content.decode()
    assert response.status_code == 200 and "errornote" in content
    assert "calls_in_a_row_without_break must be a whole number of at least 1." in content
    assert not AuditEvent.objects.filter(action="ruleset_what_if").exists()
