"""Automatic assignment: joining a team, taking a high-risk role in a team, and the
recommendation after a critical incident (service and daily sweep)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import OfficerFactory, TeamFactory
from training import services, tasks
from training.models import Assignment, AutoAssignmentRule
from training.tests.factories import answers_for, make_module


@pytest.fixture
def cse_rule(force, trainer):
    module = make_module(trainer, slug="viewing")
    return AutoAssignmentRule.objects.create(
        organisation=force, trigger=AutoAssignmentRule.Trigger.HAS_ROLE, high_risk_role="cse_review",
        module=module, due_in_days=30,
    )


@pytest.fixture
def incident_rule(force, trainer):
    module = make_module(trainer, slug="processing")
    return AutoAssignmentRule.objects.create(
        organisation=force, trigger=AutoAssignmentRule.Trigger.CRITICAL_INCIDENT, module=module, due_in_days=21,
    )


def _critical_incident(officer, days_ago=0):
    """The time of a critical incident `days_ago` (the caller, wellbeing, owns the incident itself)."""
    return timezone.now() - dt.timedelta(days=days_ago)


@pytest.fixture
def incidents():
    """Answer the sweep's question as wellbeing does (with its TRiM cases), from a plain list."""
    from training.signals import recent_critical_incidents

    recorded: list[tuple[int, dt.datetime]] = []

    def receiver(sender, *, since, **kwargs):
        return [(pk, at) for pk, at in recorded if at >= since]

    recent_critical_incidents.connect(receiver, dispatch_uid="training.tests.incidents")
    yield recorded
    recent_critical_incidents.disconnect(dispatch_uid="training.tests.incidents")


def test_joining_a_team_in_the_cse_role_assigns_the_viewing_module(django_capture_on_commit_callbacks, cse_rule,
                                                                    officer, team_b):
    officer.high_risk_role = "cse_review"
    with django_capture_on_commit_callbacks(execute=True):
        officer.team = team_b
        officer.save()
    assignment = Assignment.objects.get(person=officer, module=cse_rule.module)
    assert assignment.source == Assignment.Source.RULE
    assert assignment.due_on == timezone.localdate() + dt.timedelta(days=30)


def test_a_new_cse_officer_gets_the_module_on_creation(django_capture_on_commit_callbacks, cse_rule, force, team_a):
    with django_capture_on_commit_callbacks(execute=True):
        person = OfficerFactory(organisation=force, team=team_a, high_risk_role="cse_review")
    assert Assignment.objects.filter(person=person, module=cse_rule.module).count() == 1


def test_a_joins_team_rule_assigns_only_for_that_team(django_capture_on_commit_callbacks, force, trainer,
                                                      officer, team_a, team_b):
    module = make_module(trainer, slug="team-b-module")
    AutoAssignmentRule.objects.create(organisation=force, trigger=AutoAssignmentRule.Trigger.JOINS_TEAM,
                                      team=team_b, module=module)
    with django_capture_on_commit_callbacks(execute=True):
        officer.team = team_b
        officer.save()
    assert Assignment.objects.filter(person=officer, module=module).exists()
    other = TeamFactory(unit=team_a.unit, name="C")
    with django_capture_on_commit_callbacks(execute=True):
        person = OfficerFactory(organisation=force, team=other)
    assert not Assignment.objects.filter(person=person, module=module).exists()


def test_saves_that_do_not_change_team_or_role_do_not_apply_rules(django_capture_on_commit_callbacks, cse_rule,
                                                                  teammate):
    Assignment.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        teammate.first_name = "Renamed"
        teammate.save()
        teammate.save(update_fields=["last_login"])
    assert callbacks == []
    assert not Assignment.objects.exists()


def test_rules_skip_inactive_rules_other_organisations_and_people_who_completed_it(
    django_capture_on_commit_callbacks, cse_rule, foreign_officer, officer, team_b
):
    with django_capture_on_commit_callbacks(execute=True):
        foreign_officer.high_risk_role = "cse_review"
        foreign_officer.save()
    assert not Assignment.objects.filter(person=foreign_officer).exists()
    cse_rule.active = False
    cse_rule.save()
    officer.high_risk_role = "cse_review"
    with django_capture_on_commit_callbacks(execute=True):
        officer.save()
    assert not Assignment.objects.filter(person=officer).exists()
    cse_rule.active = True
    cse_rule.save()
    services.assignment_create_many(module=cse_rule.module, people=[officer], due_on=None)
    assignment = Assignment.objects.get(person=officer)
    for lesson in cse_rule.module.current_version.lessons.all():
        services.lesson_view_record(assignment=assignment, lesson=lesson)
    services.quiz_submit(assignment=assignment, answers=answers_for(cse_rule.module.current_version))
    assert services.auto_assign_for_person(person=officer) == 0


def test_a_critical_incident_recommends_the_module_once(incident_rule, officer):
    at = _critical_incident(officer)
    assert services.recommend_after_critical_incident(officer_id=officer.pk, since=at) == 1
    assert services.recommend_after_critical_incident(officer_id=officer.pk, since=at) == 0
    assignment = Assignment.objects.get(person=officer)
    assert assignment.source == Assignment.Source.RECOMMENDED
    assert officer.notifications.filter(title__startswith="Training recommended").count() == 1


def test_a_new_incident_after_completing_the_module_recommends_it_again(incident_rule, officer):
    first = _critical_incident(officer, days_ago=60)
    services.recommend_after_critical_incident(officer_id=officer.pk, since=first)
    assignment = Assignment.objects.get(person=officer)
    version = incident_rule.module.current_version
    for lesson in version.lessons.all():
        services.lesson_view_record(assignment=assignment, lesson=lesson)
    services.quiz_submit(assignment=assignment, answers=answers_for(version))
    assert services.recommend_after_critical_incident(officer_id=officer.pk, since=first) == 0  # completed since
    later = _critical_incident(officer, days_ago=-1)  # a later incident
    assert services.recommend_after_critical_incident(officer_id=officer.pk, since=later) == 1


def test_the_daily_sweep_recommends_for_recent_incidents_only(incident_rule, officer, teammate, outsider, incidents):
    incidents += [(officer.pk, _critical_incident(officer, days_ago=1)),
                  (teammate.pk, _critical_incident(teammate, days_ago=30))]
    assert tasks.sweep_critical_incidents() == 1
    assert tasks.sweep_critical_incidents() == 0
    assert set(Assignment.objects.values_list("person__username", flat=True)) == {"officer"}


def test_the_sweep_recommends_nothing_when_no_app_records_incidents(incident_rule, officer):
    assert tasks.sweep_critical_incidents() == 0


def test_the_critical_incident_task_takes_an_id_and_a_time(incident_rule, officer):
    at = _critical_incident(officer)
    assert tasks.recommend_after_critical_incident.delay(officer.pk, at.isoformat()).get() == 1


def test_training_never_reads_exposures_or_wellbeing_for_the_recommendation():
    import inspect

    source = inspect.getsource(services.recommend_after_critical_incident) + inspect.getsource(tasks)
    assert "from exposure" not in source and "Exposure.objects" not in source and "from wellbeing" not in source


def test_the_rule_form_needs_a_team_for_a_team_rule(login, trainer, module, force):
    response = login(trainer).post("/training/manage/rules/", {
        "organisation": force.pk, "trigger": "joins_team", "module": module.pk,
    })
    assert "Choose the team." in response.content.decode()
    assert not AutoAssignmentRule.objects.exists()


def test_a_trainer_creates_and_switches_off_a_rule(login, trainer, module, force):
    client = login(trainer)
    client.post("/training/manage/rules/", {
        "organisation": force.pk, "trigger": "has_role", "high_risk_role": "cse_review", "module": module.pk,
        "due_in_days": 30,
    })
    rule = AutoAssignmentRule.objects.get()
    client.post(f"/training/manage/rules/{rule.pk}/toggle/")
    rule.refresh_from_db()
    assert rule.active is False and rule.created_by == trainer


def test_rules_of_other_organisations_cannot_be_toggled(login, trainer, other_force, module):
    rule = AutoAssignmentRule.objects.create(organisation=other_force, trigger="has_role",
                                             high_risk_role="cse_review", module=module)
    assert login(trainer).post(f"/training/manage/rules/{rule.pk}/toggle/").status_code == 404
