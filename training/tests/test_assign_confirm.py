"""Assigning to a team when some of it is outside the module's roles: the trainer confirms first,
and an assignment that reaches nobody is a warning with its reason (issue 17)."""

import pytest
from django.contrib.messages import constants

from training import selectors
from training.models import Assignment, AutoAssignmentRule
from training.tests.factories import make_module

URL = "/training/manage/assign/"


@pytest.fixture
def role_rule(trainer, module):
    return AutoAssignmentRule.objects.create(
        organisation=trainer.organisation, trigger=AutoAssignmentRule.Trigger.HAS_ROLE,
        high_risk_role="cse_review", module=module, created_by=trainer,
    )


def _post(client, module, team, **extra):
    return client.post(URL, {"module": module.pk, "target": "team", "team": team, **extra})


def _assigned(module):
    return set(Assignment.objects.filter(module=module).values_list("person__username", flat=True))


def _messages(response):
    """The message this request added (earlier ones stay queued until a page shows them)."""
    return [(m.level, str(m)) for m in response.wsgi_request._messages][-1:]


def test_module_roles_come_from_its_active_role_rules_in_that_organisation(trainer, module, role_rule,
                                                                           foreign_officer):
    assert selectors.module_roles(module, trainer.organisation_id) == ["cse_review"]
    assert selectors.module_roles(module, foreign_officer.organisation_id) == []
    role_rule.active = False
    role_rule.save()
    assert selectors.module_roles(module, trainer.organisation_id) == []


def test_a_team_with_people_outside_the_roles_asks_first_and_assigns_nothing(login, trainer, module, role_rule,
                                                                           officer, teammate):
    response = _post(login(trainer), module, officer.team_id)
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 person in" in page and "does not hold the roles" in page
    assert "Assign only to the 1 person in the module's roles" in page
    assert "Assign to all 2 people in the team" in page
    assert 'name="change"' in page
    assert not Assignment.objects.exists()


def test_confirming_only_the_roles_assigns_the_people_in_them(login, trainer, module, role_rule, officer, teammate):
    response = _post(login(trainer), module, officer.team_id, scope="roles")
    assert response.status_code == 302
    assert _assigned(module) == {"teammate"}
    assert _messages(response) == [(constants.SUCCESS, "Assigned to 1 person.")]


def test_confirming_everyone_assigns_the_whole_team(login, trainer, module, role_rule, officer, teammate):
    response = _post(login(trainer), module, officer.team_id, scope="all")
    assert _assigned(module) == {"officer", "teammate"}
    assert _messages(response) == [(constants.SUCCESS, "Assigned to 2 people.")]


def test_going_back_shows_the_form_with_the_choices_kept(login, trainer, module, role_rule, officer, teammate):
    response = _post(login(trainer), module, officer.team_id, change="1")
    page = response.content.decode()
    assert 'id="assign-form"' in page
    assert f'value="{officer.team_id}" selected' in page
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("scope", ["everyone", "", "roles\x00", "<script>"])
def test_a_crafted_choice_asks_again_with_an_error_and_assigns_nothing(login, trainer, module, role_rule, officer,
                                                                       teammate, scope):
    response = _post(login(trainer), module, officer.team_id, scope=scope)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_team_with_nobody_in_the_roles_offers_only_the_whole_team(login, trainer, module, officer, team_a):
    AutoAssignmentRule.objects.create(organisation=trainer.organisation, trigger=AutoAssignmentRule.Trigger.HAS_ROLE,
                                      high_risk_role="firearms", module=module)
    client = login(trainer)
    page = _post(client, module, team_a.pk).content.decode()
    assert 'value="roles"' not in page
    assert "holds the module's roles" in page
    response = _post(client, module, team_a.pk, scope="roles")  # crafted: the option was not offered
    assert not Assignment.objects.exists()
    assert _messages(response) == [
        (constants.WARNING, "Nobody was assigned: nobody in this team holds the module's roles.")]


def test_a_team_all_in_the_roles_is_assigned_at_once(login, trainer, module, role_rule, teammate):
    response = _post(login(trainer), module, teammate.team_id)
    assert response.status_code == 302
    assert _assigned(module) == {"teammate"}


def test_a_module_with_no_roles_is_assigned_to_the_team_without_asking(login, trainer, module, officer, teammate):
    response = _post(login(trainer), module, officer.team_id)
    assert response.status_code == 302
    assert _assigned(module) == {"officer", "teammate"}


def test_assigning_to_people_who_all_have_it_open_is_a_warning_with_the_reason(login, trainer, module, officer,
                                                                              teammate):
    client = login(trainer)
    _post(client, module, officer.team_id)
    response = _post(client, module, officer.team_id)
    assert _messages(response) == [
        (constants.WARNING, "Nobody was assigned: all 2 people chosen already have this module open.")]
    response = client.post(URL, {"module": module.pk, "target": "person", "person": officer.pk})
    assert _messages(response) == [
        (constants.WARNING, "Nobody was assigned: the 1 person chosen already has this module open.")]


def test_the_message_counts_with_plurals(login, trainer, module, officer, teammate):
    client = login(trainer)
    client.post(URL, {"module": module.pk, "target": "person", "person": officer.pk})
    response = _post(client, module, officer.team_id)
    assert _messages(response) == [(constants.SUCCESS, "Assigned to 1 person. 1 person already had it open and "
                                                       "was left as they were.")]
    other = make_module(trainer, slug="second-one")
    response = _post(client, other, officer.team_id)
    assert _messages(response) == [(constants.SUCCESS, "Assigned to 2 people.")]


def test_the_confirmation_page_carries_every_choice_to_the_confirming_post(login, trainer, module, role_rule,
                                                                          officer, teammate):
    import datetime as dt
    import re

    from django.utils import timezone

    due = timezone.localdate() + dt.timedelta(days=10)
    client = login(trainer)
    page = _post(client, module, officer.team_id, due_on=due.isoformat()).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    hidden.pop("csrfmiddlewaretoken", None)
    assert hidden["module"] == str(module.pk) and hidden["team"] == str(officer.team_id)
    response = client.post(URL, {**hidden, "scope": "roles"})
    assert response.status_code == 302
    assert list(Assignment.objects.values_list("person__username", "due_on")) == [("teammate", due)]
