"""Acknowledging and closing flags, recording welfare actions, sharing call outcomes, follow-ups."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.models import AuditEvent, Notification
from wellbeing.models import Flag, WelfareAction
from wellbeing.risk import flags as flag_life
from wellbeing.tasks import welfare_followups_due
from wellbeing.team import services as team_services
from wellbeing.tests.team_helpers import exposure, flag


def test_acknowledging_an_open_flag_once_changes_it_once(officer, supervisor):
    f = flag(officer)
    assert flag_life.flag_acknowledge(flag=f, role=flag_life.SUPERVISOR, by=supervisor) is True
    assert flag_life.flag_acknowledge(flag=f, role=flag_life.SUPERVISOR, by=supervisor) is False
    f.refresh_from_db()
    assert f.status == Flag.Status.ACKNOWLEDGED and f.acknowledged_by == supervisor
    assert AuditEvent.objects.filter(action="flag_acknowledged", subject=officer).count() == 1


def test_a_flag_cannot_be_closed_without_an_action(officer, supervisor):
    f = flag(officer)
    with pytest.raises(ValidationError):
        flag_life.flag_close(flag=f, role=flag_life.SUPERVISOR, by=supervisor)
    assert Flag.objects.get(pk=f.pk).status == Flag.Status.OPEN
    assert not AuditEvent.objects.filter(action="flag_closed").exists()


def test_recording_an_action_acknowledges_and_can_close_the_flag(officer, supervisor):
    f = flag(officer)
    action = team_services.welfare_action_record(officer=officer, by=supervisor, kind="welfare_conversation",
                                                 flag=f, close_flag=True)
    f.refresh_from_db()
    assert f.status == Flag.Status.CLOSED and f.closed_by == supervisor and f.acknowledged_at is not None
    assert action.flag == f and action.recorded_by == supervisor
    actions = set(AuditEvent.objects.filter(subject=officer).values_list("action", flat=True))
    assert {"welfare_action_recorded", "flag_acknowledged", "flag_closed"} <= actions


def test_an_action_without_closing_leaves_the_flag_acknowledged(officer, supervisor):
    f = flag(officer)
    team_services.welfare_action_record(officer=officer, by=supervisor, kind="trim_referral", flag=f)
    assert Flag.objects.get(pk=f.pk).status == Flag.Status.ACKNOWLEDGED
    assert flag_life.flag_close(flag=f, role=flag_life.SUPERVISOR, by=supervisor) is True
    assert flag_life.flag_close(flag=f, role=flag_life.SUPERVISOR, by=supervisor) is False
    assert AuditEvent.objects.filter(action="flag_closed").count() == 1


def test_an_unknown_kind_or_someone_elses_flag_is_refused(officer, teammate, supervisor):
    with pytest.raises(ValidationError):
        team_services.welfare_action_record(officer=officer, by=supervisor, kind="chat")
    with pytest.raises(ValidationError):
        team_services.welfare_action_record(officer=officer, by=supervisor, kind="other", flag=flag(teammate))
    assert not WelfareAction.objects.exists()


def test_an_outcome_is_marked_shared_once(officer, supervisor):
    call = exposure(officer, outcome_wanted=True)
    assert team_services.outcome_mark_shared(exposure=call, by=supervisor)
    assert not team_services.outcome_mark_shared(exposure=call, by=supervisor)
    call.refresh_from_db()
    assert call.outcome_shared_at is not None and call.outcome_shared_by == supervisor
    assert AuditEvent.objects.filter(action="outcome_shared", subject=officer).count() == 1


def test_a_call_nobody_asked_about_cannot_be_marked(officer, supervisor):
    call = exposure(officer, outcome_wanted=False)
    assert not team_services.outcome_mark_shared(exposure=call, by=supervisor)


def test_a_follow_up_reminds_its_recorder_once_on_the_day(officer, supervisor, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    due = team_services.welfare_action_record(officer=officer, by=supervisor, kind="decompression",
                                              follow_up_on=today)
    team_services.welfare_action_record(officer=officer, by=supervisor, kind="peer_support",
                                        follow_up_on=today + timedelta(days=3))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert welfare_followups_due() == 1
        assert welfare_followups_due() == 0
    notes = Notification.objects.filter(user=supervisor, dedupe_key=f"welfare:{due.pk}:follow_up")
    # The title names nobody (it is also the email subject); the link leads to the person.
    assert notes.count() == 1 and officer.get_full_name() not in notes.get().title
    assert notes.get().link == f"/team/people/{officer.pk}/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [supervisor.email]


def test_a_follow_up_already_done_is_not_reminded(officer, supervisor):
    action = team_services.welfare_action_record(officer=officer, by=supervisor, kind="other",
                                                 follow_up_on=timezone.localdate())
    assert team_services.follow_up_mark_done(action=action, by=supervisor)
    assert not team_services.follow_up_mark_done(action=action, by=supervisor)
    assert welfare_followups_due() == 0


def test_the_beat_schedule_runs_the_follow_up_task_daily():
    from config.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["welfare-followups-due"]
    assert entry["task"] == "wellbeing.welfare_followups_due" and entry["options"]["expires"] < 24 * 3600
