"""The daily reminders: due soon and overdue, each sent once."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from portal.models import Notification
from training import services, tasks
from training.models import Assignment
from training.tests.factories import answers_for, make_module


def _assign(module, person, due_in_days):
    services.assignment_create_many(module=module, people=[person], due_on=None, notify=False)
    assignment = Assignment.objects.get(module=module, person=person)
    assignment.due_on = timezone.localdate() + dt.timedelta(days=due_in_days)
    assignment.save()
    return assignment


def test_due_soon_and_overdue_reminders_are_sent_once_each(trainer, officer, teammate, outsider,
                                                           django_capture_on_commit_callbacks):
    module = make_module(trainer)
    _assign(module, officer, 3)       # due soon
    _assign(module, teammate, -2)     # overdue
    _assign(module, outsider, 30)     # not yet
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.send_reminders()
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.send_reminders()
    assert first == {"due_soon": 1, "overdue": 1}
    assert second == {"due_soon": 0, "overdue": 0}
    assert officer.notifications.get().title.startswith("Training due soon")
    assert teammate.notifications.get().title.startswith("Training overdue")
    assert not outsider.notifications.exists()
    assert len(mail.outbox) == 2


def test_a_due_soon_reminder_is_followed_by_one_overdue_reminder_later(trainer, officer):
    module = make_module(trainer)
    assignment = _assign(module, officer, 2)
    services.reminders_send()
    services.reminders_send(today=assignment.due_on + dt.timedelta(days=1))
    services.reminders_send(today=assignment.due_on + dt.timedelta(days=5))
    titles = sorted(Notification.objects.filter(user=officer).values_list("title", flat=True))
    assert [t.split(":")[0] for t in titles] == ["Training due soon", "Training overdue"]


def test_completed_training_and_inactive_people_get_no_reminders(trainer, officer, teammate):
    module = make_module(trainer)
    done = _assign(module, officer, -1)
    services.quiz_submit(assignment=done, answers=answers_for(module.current_version))
    _assign(module, teammate, -1)
    teammate.is_active = False
    teammate.save()
    assert services.reminders_send() == {"due_soon": 0, "overdue": 0}


def test_the_daily_task_runs_reminders_and_the_incident_sweep(trainer, officer):
    module = make_module(trainer)
    _assign(module, officer, 1)
    assert tasks.daily() == {"due_soon": 1, "overdue": 0, "recommended": 0}


def test_the_beat_schedule_runs_the_daily_task_with_an_expiry():
    from config.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["training-daily"]
    assert entry["task"] == "training.daily"
    assert entry["options"]["expires"] < 24 * 3600


def test_retired_modules_get_no_reminders(trainer, officer):
    from training.models import Module

    module = make_module(trainer)
    _assign(module, officer, 1)
    Module.objects.filter(pk=module.pk).update(status=Module.Status.RETIRED)
    assert services.reminders_send() == {"due_soon": 0, "overdue": 0}
