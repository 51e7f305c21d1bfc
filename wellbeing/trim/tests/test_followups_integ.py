"""The TRiM case as the one source of the critical-incident follow-ups (issue 20): the check-ins due
at the case's initial assessment and follow-up dates, one reminder per follow-up, the risk engine's
follow-up reason from the same dates, and the change-over of incidents logged before cases existed.
A fixed clock throughout (`now=`)."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from exposure.models import ExposureCategory, ShiftLog
from exposure.tests.factories import ExposureFactory
from portal.models import Notification
from wellbeing.checkins.selectors import due_for
from wellbeing.checkins.services import checkin_reminders_send
from wellbeing.instruments.schedule import DUE, OVERDUE, UPCOMING
from wellbeing.models import CheckInSchedule, TrimCase, TrimIncident
from wellbeing.risk.inputs import gather
from wellbeing.risk.rules import DEFAULT_RULES
from wellbeing.tests.helpers import make_checkin
from wellbeing.trim.tests.factories_integ import open_case

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday 2 March 2026, 10:00 GMT
TRIM = ("trim_assessment", "trim_followup")


@pytest.fixture
def only_trim(officer):
    """Only the TRiM follow-ups are scheduled, so every item and reminder below is one of them."""
    CheckInSchedule.objects.exclude(trigger__in=TRIM).update(active=False)
    officer.date_joined = T0 - timedelta(days=400)
    officer.save(update_fields=["date_joined"])
    return officer


def items(officer, now):
    return [i for i in due_for(officer, now=now) if i.trigger in TRIM]


def test_the_seeded_schedule_asks_the_pcl5_and_the_pulse_at_each_trim_date(db):
    rows = set(CheckInSchedule.objects.filter(organisation=None, role="", trigger__in=TRIM)
               .values_list("instrument", "trigger", "grace_days"))
    assert rows == {("pcl5", "trim_assessment", 2), ("pulse", "trim_assessment", 2),
                    ("pcl5", "trim_followup", 7), ("pulse", "trim_followup", 7)}
    assert not CheckInSchedule.objects.exclude(trigger__in=("every", "after_shift", *TRIM)).exists()


@pytest.mark.parametrize("source", [TrimIncident.Source.LOGGED, TrimIncident.Source.DECLARED,
                                    TrimIncident.Source.REFERRED])
def test_trim_deadline_missed_every_case_gives_the_follow_ups_at_72_hours_and_28_days(only_trim, source):
    """A declared incident (or a referral) with nothing logged gives the same follow-ups as a log."""
    case = open_case(only_trim, at=T0, source=source)
    assert [i.status for i in items(only_trim, T0 + timedelta(hours=47))] == [UPCOMING] * 4
    opened = items(only_trim, T0 + timedelta(hours=48))  # a third of the 72 hours early
    assert {(i.instrument, i.status, i.due_at) for i in opened if i.status == DUE} == {
        ("pcl5", DUE, T0 + timedelta(hours=72)), ("pulse", DUE, T0 + timedelta(hours=72))}
    assert {i.reason for i in opened if i.status == DUE} == {"72 hours after the incident on 2 March"}
    late = items(only_trim, T0 + timedelta(hours=72, days=2))
    assert {(i.key, i.status) for i in late if i.trigger == "trim_assessment"} == {
        (f"trim_assessment:{case.pk}:pcl5", OVERDUE), (f"trim_assessment:{case.pk}:pulse", OVERDUE)}
    month = items(only_trim, T0 + timedelta(days=28))
    followups = [i for i in month if i.trigger == "trim_followup"]
    assert {(i.status, i.due_at, i.reason) for i in followups} == {
        (DUE, T0 + timedelta(days=28), "28 days after the incident on 2 March")}
    assert len(followups) == 2


def test_trim_deadline_missed_the_follow_ups_keep_the_organisations_own_timings(only_trim, force):
    force.trim_assessment_hours, force.trim_followup_days = 48, 30
    force.save(update_fields=["trim_assessment_hours", "trim_followup_days"])
    open_case(only_trim, at=T0)
    first = [i for i in items(only_trim, T0 + timedelta(hours=48)) if i.trigger == "trim_assessment"]
    assert {(i.status, i.due_at, i.reason) for i in first} == {
        (DUE, T0 + timedelta(hours=48), "48 hours after the incident on 2 March")}
    assert [i.status for i in items(only_trim, T0 + timedelta(hours=31))] == [UPCOMING] * 4  # opens 16 h early
    later = [i for i in items(only_trim, T0 + timedelta(days=30)) if i.trigger == "trim_followup"]
    assert {(i.status, i.due_at, i.reason) for i in later} == {
        (DUE, T0 + timedelta(days=30), "30 days after the incident on 2 March")}
    # opens 3 days early (day 27), so it is not yet open on day 26, when a 28-day one would be
    assert {i.status for i in items(only_trim, T0 + timedelta(days=26, hours=23)) if i.trigger == "trim_followup"} == {
        UPCOMING}


def test_trim_deadline_missed_a_due_date_the_coordinator_moves_moves_the_check_in(only_trim):
    case = open_case(only_trim, at=T0)
    TrimCase.objects.filter(pk=case.pk).update(assessment_due_at=T0 + timedelta(hours=96))
    [pcl5] = [i for i in items(only_trim, T0 + timedelta(hours=96)) if i.key.endswith(":pcl5")
              and i.trigger == "trim_assessment"]
    assert (pcl5.due_at, pcl5.reason) == (T0 + timedelta(hours=96), "96 hours after the incident on 2 March")


@pytest.mark.parametrize("at,due,day", [
    # 20:00 GMT on Saturday 28 March 2026; the clocks go forward that night: 72 real hours later is
    # 20:00 UTC (21:00 BST) on Tuesday 31 March.
    (datetime(2026, 3, 28, 20, tzinfo=UTC), datetime(2026, 3, 31, 20, tzinfo=UTC), "28 March"),
    # 23:30 BST on Saturday 24 October 2026 (22:30 UTC); the clocks go back that night: due 22:30 UTC
    # (GMT) on Tuesday 27 October.
    (datetime(2026, 10, 24, 22, 30, tzinfo=UTC), datetime(2026, 10, 27, 22, 30, tzinfo=UTC), "24 October"),
    # 00:30 BST on Sunday 5 July is 23:30 UTC on the 4th: the officer reads the 5th.
    (datetime(2026, 7, 4, 23, 30, tzinfo=UTC), datetime(2026, 7, 7, 23, 30, tzinfo=UTC), "5 July"),
])
def test_trim_deadline_missed_follow_ups_across_a_clock_change_are_real_hours_on_the_london_date(
        only_trim, at, due, day):
    open_case(only_trim, at=at)
    first = [i for i in items(only_trim, due) if i.trigger == "trim_assessment"]
    assert {(i.status, i.due_at, i.reason) for i in first} == {(DUE, due, f"72 hours after the incident on {day}")}
    month = [i for i in items(only_trim, at + timedelta(days=28)) if i.trigger == "trim_followup"]
    assert {(i.status, i.due_at, i.reason) for i in month} == {
        (DUE, at + timedelta(hours=672), f"28 days after the incident on {day}")}


def test_a_check_in_in_the_window_does_the_follow_up(only_trim):
    open_case(only_trim, at=T0)
    make_checkin(only_trim, "pcl5", at=T0 + timedelta(hours=60))
    left = items(only_trim, T0 + timedelta(hours=72, days=3))
    assert {(i.instrument, i.trigger) for i in left if i.status != UPCOMING} == {("pulse", "trim_assessment")}


def test_an_exposure_alone_defines_no_follow_up_of_its_own(only_trim):
    """The timings live on the case only: a critical exposure on the same shift adds no second set."""
    shift = ShiftLog.objects.create(officer=only_trim, shift_date=T0.date(), start_time=time(10, 0),
                                    duration_minutes=480, role="call_handling")
    category, _ = ExposureCategory.objects.get_or_create(role="call_handling", code="test", defaults={"name": "Test"})
    ExposureFactory(shift=shift, officer=only_trim, shift_date=shift.shift_date, role="call_handling",
                    category=category, intensity=5, minutes=None, critical_incident=True)
    assert items(only_trim, T0 + timedelta(hours=72)) == []
    open_case(only_trim, at=shift.starts_at, shift_key=f"shift:{shift.pk}")
    assert len(items(only_trim, T0 + timedelta(hours=72))) == 4


def _trim_reminders(officer):
    return Notification.objects.filter(user=officer)


def test_duplicate_reminder_one_reminder_per_follow_up_however_often_the_task_runs(
        only_trim, django_capture_on_commit_callbacks):
    case = open_case(only_trim, at=T0, source=TrimIncident.Source.DECLARED)
    runs = [T0 + timedelta(hours=71), T0 + timedelta(hours=72), T0 + timedelta(hours=72, days=2),
            T0 + timedelta(hours=72, days=2, minutes=5), T0 + timedelta(days=4), T0 + timedelta(days=28),
            T0 + timedelta(days=35), T0 + timedelta(days=35, hours=1), T0 + timedelta(days=40)]
    sent = []
    for now in runs:
        with django_capture_on_commit_callbacks(execute=True):
            sent.append(checkin_reminders_send(now=now))
    # the initial two (PCL-5, pulse) once overdue (2 days after), the follow-up two 7 days after
    assert sent == [0, 0, 2, 0, 0, 0, 2, 0, 0]
    notes = _trim_reminders(only_trim)
    assert sorted(notes.values_list("dedupe_key", flat=True)) == sorted(
        f"checkin-reminder:{trigger}:{case.pk}:{code}" for trigger in TRIM for code in ("pcl5", "pulse"))
    assert set(notes.values_list("title", flat=True)) == {"A wellbeing check-in is overdue"}


def test_duplicate_reminder_the_same_event_logged_and_declared_gives_one_check_in_and_one_reminder(
        only_trim, django_capture_on_commit_callbacks):
    logged = open_case(only_trim, at=T0, source=TrimIncident.Source.LOGGED)
    open_case(only_trim, at=T0 + timedelta(minutes=40), source=TrimIncident.Source.DECLARED)
    assert len(items(only_trim, T0 + timedelta(hours=72))) == 4
    for now in (T0 + timedelta(days=3, hours=1), T0 + timedelta(days=5), T0 + timedelta(days=6)):
        with django_capture_on_commit_callbacks(execute=True):
            checkin_reminders_send(now=now)
    assert sorted(_trim_reminders(only_trim).values_list("dedupe_key", flat=True)) == [
        f"checkin-reminder:trim_assessment:{logged.pk}:pcl5", f"checkin-reminder:trim_assessment:{logged.pk}:pulse"]


def test_trim_deadline_missed_two_separate_incidents_each_get_their_follow_ups(only_trim):
    open_case(only_trim, at=T0)
    open_case(only_trim, at=T0 + timedelta(days=2))
    assert len([i for i in items(only_trim, T0 + timedelta(days=5, hours=1)) if i.trigger == "trim_assessment"]) == 4


def test_trim_deadline_missed_the_risk_engine_reads_the_case_due_dates(officer, force):
    force.trim_assessment_hours, force.trim_followup_days = 48, 30
    force.save(update_fields=["trim_assessment_hours", "trim_followup_days"])
    open_case(officer, at=T0, source=TrimIncident.Source.DECLARED)
    inputs = gather([officer.pk], now=T0 + timedelta(hours=50), rules=DEFAULT_RULES)[officer.pk]
    assert sorted(inputs.followups) == [(date(2026, 3, 2), T0 + timedelta(hours=48)),
                                        (date(2026, 3, 2), T0 + timedelta(days=30))]
    # long after both are past their grace period, the case is not read at all
    assert gather([officer.pk], now=T0 + timedelta(days=45), rules=DEFAULT_RULES)[officer.pk].followups == []


def test_the_risk_inputs_read_the_cases_in_queries_that_do_not_grow_with_them(officer, force):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import OfficerFactory

    def count(now):
        with CaptureQueriesContext(connection) as queries:
            gather(None, now=now, rules=DEFAULT_RULES, portable=True)
        return len(queries)

    open_case(officer, at=T0)
    few = count(T0 + timedelta(hours=73))
    for _ in range(5):
        person = OfficerFactory(organisation=force)
        open_case(person, at=T0)
        open_case(person, at=T0 + timedelta(days=1))
    assert count(T0 + timedelta(hours=73)) == few


# --- The change-over: incidents logged before cases existed (migration 0019_trim_followups_backfill)

backfill = importlib.import_module("wellbeing.migrations.0019_trim_followups_backfill").backfill


def _critical_shift(officer, day, start=time(8, 0)):
    shift = ShiftLog.objects.create(officer=officer, shift_date=day, start_time=start, duration_minutes=480,
                                    role="call_handling")
    category, _ = ExposureCategory.objects.get_or_create(role="call_handling", code="test", defaults={"name": "Test"})
    ExposureFactory(shift=shift, officer=officer, shift_date=day, role="call_handling", category=category,
                    intensity=5, minutes=None, critical_incident=True)
    return shift


def test_trim_deadline_missed_an_incident_logged_before_cases_existed_keeps_its_follow_ups(
        only_trim, django_capture_on_commit_callbacks):
    now = T0 + timedelta(days=5)
    recent = _critical_shift(only_trim, T0.date(), start=time(10, 0))
    old = _critical_shift(only_trim, (T0 - timedelta(days=60)).date())
    # the old schedule already reminded the officer of the PCL-5 at 72 hours (grace 2 days)
    Notification.objects.create(user=only_trim, title="A wellbeing check-in is overdue",
                                dedupe_key=f"checkin-reminder:ci:{recent.pk}:pcl5:72")
    backfill(apps, None, now=now)
    backfill(apps, None, now=now)  # a rerun opens nothing twice
    [case] = TrimCase.objects.filter(person=only_trim)
    assert (case.shift_key, case.incident.source, case.incident.occurred_at) == (f"shift:{recent.pk}", "logged", T0)
    assert (case.assessment_due_at, case.followup_due_at) == (T0 + timedelta(hours=72), T0 + timedelta(days=28))
    # the assessment's escalation point (due + 24 hours) passed before TRiM ran: not sent late
    assert case.assessment_escalated_at == now and case.followup_escalated_at is None
    assert not TrimCase.objects.filter(shift_key=f"shift:{old.pk}").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert checkin_reminders_send(now=now) == 1  # the pulse only: the PCL-5 was reminded already
    assert sorted(Notification.objects.filter(user=only_trim).values_list("dedupe_key", flat=True)) == [
        f"checkin-reminder:trim_assessment:{case.pk}:pcl5", f"checkin-reminder:trim_assessment:{case.pk}:pulse"]


def test_the_backfill_leaves_a_shift_that_already_has_its_case(only_trim):
    shift = _critical_shift(only_trim, T0.date())
    open_case(only_trim, at=shift.starts_at, shift_key=f"shift:{shift.pk}")
    backfill(apps, None, now=T0 + timedelta(days=1))
    assert TrimCase.objects.filter(person=only_trim).count() == 1


def test_the_backfill_uses_the_organisations_timings(only_trim, force):
    force.trim_assessment_hours, force.trim_followup_days = 48, 30
    force.save(update_fields=["trim_assessment_hours", "trim_followup_days"])
    _critical_shift(only_trim, T0.date(), start=time(10, 0))
    backfill(apps, None, now=T0 + timedelta(hours=1))
    case = TrimCase.objects.get(person=only_trim)
    assert (case.assessment_due_at, case.followup_due_at) == (T0 + timedelta(hours=48), T0 + timedelta(days=30))
    assert case.assessment_escalated_at is None and case.followup_escalated_at is None
    assert timezone.is_aware(case.created_at)
