"""The saving services: recompute requested in the same transaction, never losing a shift when the
broker fails, and the viewing session clock."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from exposure import services
from exposure.models import ExposureCategory, ShiftLog, ViewingSession
from exposure.tests import helpers
from portal.models import RecomputePending


def _broker_down():
    return mock.patch("wellbeing.tasks.recompute_risk.apply_async", side_effect=ConnectionError("broker down"))


def test_with_the_broker_down_the_shift_is_saved_and_the_officer_left_for_the_sweep(
    login, officer, django_capture_on_commit_callbacks
):
    client = login(officer)
    with _broker_down() as enqueue, django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/exposure/log/", helpers.call_handling())
    assert response.status_code == 302
    # One recompute was asked for after the commit (the shift's critical incident also opens a TRiM
    # case, whose training recommendation is another after-commit callback).
    assert enqueue.call_count == 1 and len(callbacks) >= 1
    assert ShiftLog.objects.filter(officer=officer).exists()
    assert RecomputePending.objects.filter(officer=officer).exists()


def test_with_the_broker_down_edits_and_deletes_still_save(login, officer, django_capture_on_commit_callbacks):
    client = login(officer)
    client.post("/exposure/log/", helpers.call_handling())
    shift = ShiftLog.objects.get()
    RecomputePending.objects.all().delete()
    with _broker_down(), django_capture_on_commit_callbacks(execute=True):
        client.post(f"/exposure/shifts/{shift.pk}/edit/", helpers.call_handling(start_time="09:00"))
    shift.refresh_from_db()
    assert shift.start_time.hour == 9 and RecomputePending.objects.filter(officer=officer).exists()
    RecomputePending.objects.all().delete()
    with _broker_down(), django_capture_on_commit_callbacks(execute=True):
        client.post(f"/exposure/shifts/{shift.pk}/delete/")
    assert not ShiftLog.objects.exists() and RecomputePending.objects.filter(officer=officer).exists()


def test_with_the_broker_up_the_recompute_runs_after_commit(officer, django_capture_on_commit_callbacks):
    category = ExposureCategory.objects.get(role="call_handling", code="domestic_abuse")
    with mock.patch("wellbeing.tasks.recompute_risk.apply_async") as enqueue:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.shift_create(officer=officer, shift_date=timezone.localdate(), start_time=timezone.now().time(),
                                  duration_minutes=60, role="call_handling",
                                  entries=[services.EntryData(category=category, intensity=2)])
            assert enqueue.call_count == 0  # nothing is sent before the commit
        for callback in callbacks:
            callback()
    enqueue.assert_called_once_with(args=[officer.pk], retry=False)


def test_a_failing_save_requests_no_recompute(officer):
    with pytest.raises(ValidationError):
        services.shift_create(officer=officer, shift_date=timezone.localdate(), start_time=timezone.now().time(),
                              duration_minutes=0, role="call_handling", entries=[])
    assert not ShiftLog.objects.exists() and not RecomputePending.objects.exists()


def _at(moment):
    return mock.patch("exposure.services.timezone.now", return_value=moment)


def test_a_viewing_session_counts_viewing_and_break_time_from_server_times(officer):
    t0 = timezone.now() - timedelta(hours=2)
    with _at(t0):
        session = services.viewing_session_start(officer=officer)
    with _at(t0 + timedelta(minutes=50)):
        session = services.viewing_session_break(session=session)
    with _at(t0 + timedelta(minutes=61)):
        session = services.viewing_session_resume(session=session)
    with _at(t0 + timedelta(minutes=61, seconds=30)):
        services.viewing_session_resume(session=session)  # a second click changes nothing
    with _at(t0 + timedelta(minutes=91)):
        session = services.viewing_session_stop(session=session)
    assert session.state == "stopped"
    assert session.viewed_seconds == 80 * 60 and session.break_seconds == 11 * 60 and session.break_count == 1
    assert session.viewed_minutes == 80
    with _at(t0 + timedelta(minutes=95)):
        assert services.viewing_session_break(session=session).viewed_seconds == 80 * 60


def test_starting_twice_returns_the_open_session(officer):
    first = services.viewing_session_start(officer=officer)
    assert services.viewing_session_start(officer=officer).pk == first.pk
    assert ViewingSession.objects.count() == 1


def test_viewing_break_limits_defeated_the_timer_keeps_the_longest_stretch_without_a_break(officer):
    t0 = timezone.now() - timedelta(hours=4)
    steps = [(20, services.viewing_session_break), (30, services.viewing_session_resume),
             (95, services.viewing_session_break), (105, services.viewing_session_resume),
             (135, services.viewing_session_stop)]
    with _at(t0):
        session = services.viewing_session_start(officer=officer)
    for minute, step in steps:
        with _at(t0 + timedelta(minutes=minute)):
            session = step(session=session)
    # 20, then 65, then 30 minutes of viewing: the longest stretch is the 65, not the 115 in all
    session.refresh_from_db()
    assert session.viewed_seconds == 115 * 60 and session.longest_viewing_seconds == 65 * 60
    assert session.break_count == 2


def test_viewing_break_limits_defeated_a_long_stretch_reaches_the_risk_rules_when_it_ends(
    teammate, django_capture_on_commit_callbacks
):
    """Stopping (or pausing) the timer after 60 minutes or more without a break recomputes the
    reviewer's risk at once, so the viewing-without-breaks reason reaches the line that day, not at
    the night's sweep. Starting, resuming and a repeated click ask for nothing."""
    from wellbeing.models import RiskAssessment

    t0 = timezone.now() - timedelta(hours=2)
    with _at(t0), django_capture_on_commit_callbacks(execute=True) as started:
        session = services.viewing_session_start(officer=teammate)
    assert not started and not RecomputePending.objects.exists()
    with _at(t0 + timedelta(minutes=70)), django_capture_on_commit_callbacks(execute=True) as stopped:
        session = services.viewing_session_stop(session=session)
    assert stopped  # the recompute, then the flag's email, after the commit
    current = RiskAssessment.objects.get(officer=teammate, is_current=True)
    assert [r["code"] for r in current.reasons] == ["viewing_without_breaks"]
    assert current.level == "amber"
    with _at(t0 + timedelta(minutes=71)), django_capture_on_commit_callbacks(execute=True) as again:
        services.viewing_session_stop(session=session)
    assert not again  # already stopped: nothing to recompute


def test_a_break_after_viewing_asks_for_a_recompute_and_resuming_does_not(officer, django_capture_on_commit_callbacks):
    t0 = timezone.now() - timedelta(hours=1)
    with _at(t0):
        session = services.viewing_session_start(officer=officer)
    with _at(t0 + timedelta(minutes=20)), django_capture_on_commit_callbacks() as paused:
        session = services.viewing_session_break(session=session)
    assert len(paused) == 1 and RecomputePending.objects.filter(officer=officer).exists()
    RecomputePending.objects.all().delete()
    with _at(t0 + timedelta(minutes=30)), django_capture_on_commit_callbacks() as resumed:
        services.viewing_session_resume(session=session)
    assert not resumed and not RecomputePending.objects.exists()
