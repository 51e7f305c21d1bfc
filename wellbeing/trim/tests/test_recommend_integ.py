"""The critical-incident training recommendation follows the TRiM case (issue 20): one for every new
case, however it opened, and never two for one case (the daily training sweep reads the cases
through `training.signals.recent_critical_incidents`; training never imports wellbeing)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from training import tasks
from training.models import Assignment, AutoAssignmentRule
from training.tests.factories import answers_for, make_module
from wellbeing.models import TrimIncident
from wellbeing.trim.tests.factories_integ import open_case


@pytest.fixture
def incident_rule(force, trainer):
    module = make_module(trainer, slug="after-an-incident")
    return AutoAssignmentRule.objects.create(
        organisation=force, trigger=AutoAssignmentRule.Trigger.CRITICAL_INCIDENT, module=module, due_in_days=21)


def recommended(person):
    return Assignment.objects.filter(person=person, source=Assignment.Source.RECOMMENDED)


@pytest.mark.parametrize("source", [TrimIncident.Source.LOGGED, TrimIncident.Source.DECLARED,
                                    TrimIncident.Source.REFERRED])
def test_duplicate_reminder_a_new_case_recommends_the_training_once(
        incident_rule, officer, source, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = open_case(officer, at=timezone.now() - timedelta(hours=2), source=source)
    assert len(callbacks) == 1
    assert recommended(officer).count() == 1
    assert tasks.sweep_critical_incidents() == 0  # the sweep finds the case and recommends nothing twice
    case.stage = case.Stage.PLANNED
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case.save()  # a later save of the case is not a new case
    assert callbacks == []
    assert recommended(officer).count() == 1
    assert officer.notifications.filter(title="Training recommended for you").count() == 1


def test_duplicate_reminder_a_completed_recommendation_is_not_made_again_for_the_same_case(
        incident_rule, officer, django_capture_on_commit_callbacks):
    from training import services

    with django_capture_on_commit_callbacks(execute=True):
        open_case(officer, at=timezone.now() - timedelta(hours=2))
    assignment = recommended(officer).get()
    version = incident_rule.module.current_version
    for lesson in version.lessons.all():
        services.lesson_view_record(assignment=assignment, lesson=lesson)
    services.quiz_submit(assignment=assignment, answers=answers_for(version))
    assert tasks.sweep_critical_incidents() == 0
    assert recommended(officer).count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # a later incident: recommended again
        open_case(officer, at=timezone.now() + timedelta(minutes=1))
    assert recommended(officer).count() == 2


def test_duplicate_reminder_two_cases_for_one_person_give_one_open_recommendation(
        incident_rule, officer, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        open_case(officer, at=now - timedelta(hours=3), source=TrimIncident.Source.LOGGED)
        open_case(officer, at=now - timedelta(hours=2), source=TrimIncident.Source.DECLARED)
    assert recommended(officer).count() == 1


def test_trim_deadline_missed_a_recommendation_lost_after_the_commit_is_made_by_the_daily_sweep(
        incident_rule, officer, teammate):
    # the on-commit call never ran (no callbacks executed here: as if the process died after commit)
    open_case(officer, at=timezone.now() - timedelta(days=1))
    open_case(teammate, at=timezone.now() - timedelta(days=40), created_at=timezone.now() - timedelta(days=40))
    assert not recommended(officer).exists()
    assert tasks.sweep_critical_incidents() == 1
    assert tasks.sweep_critical_incidents() == 0
    assert recommended(officer).count() == 1 and not recommended(teammate).exists()


def test_a_failing_recommendation_never_undoes_the_case(incident_rule, officer, django_capture_on_commit_callbacks,
                                                       monkeypatch):
    from training import services

    def broken(**kwargs):
        raise RuntimeError("training is down")

    monkeypatch.setattr(services, "recommend_after_critical_incident", broken)
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(officer, at=timezone.now())
    assert case.pk and officer.trim_cases.count() == 1
