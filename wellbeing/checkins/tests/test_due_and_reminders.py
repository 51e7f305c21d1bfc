"""The due list on /wellbeing/ from real rows (schedules, check-ins, TRiM cases, shifts), the daily
reminder task, and query counts that do not grow with rows."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from exposure.models import ExposureCategory, ShiftLog
from portal.models import Notification
from tests.factories import OfficerFactory
from wellbeing.checkins.selectors import due_for, due_for_officers
from wellbeing.models import CheckInSchedule
from wellbeing.tasks import send_checkin_reminders
from wellbeing.tests.helpers import make_checkin
from wellbeing.trim.tests.factories_integ import open_case


def log_shift(officer, day, *, critical=False, start=time(8, 0), minutes=480):
    """A shift with one exposure; a critical one opens a TRiM case from the shift's start (as the log
    of a critical incident does), which is what the follow-ups come from."""
    shift = ShiftLog.objects.create(officer=officer, shift_date=day, start_time=start, duration_minutes=minutes,
                                    role="call_handling")
    category, _ = ExposureCategory.objects.get_or_create(role="call_handling", code="test", defaults={"name": "Test"})
    from exposure.tests.factories import ExposureFactory

    ExposureFactory(shift=shift, officer=officer, shift_date=day, role="call_handling", category=category,
                    intensity=4, minutes=None, critical_incident=critical)
    if critical:
        open_case(officer, at=shift.starts_at, shift_key=str(shift.pk))
    return shift


def up_to_date(officer, now):
    for code in ("phq9", "gad7", "pcl5"):
        make_checkin(officer, code, at=now - timedelta(days=1))


def test_the_index_says_what_is_due_and_why(client, officer):
    now = timezone.now()
    up_to_date(officer, now - timedelta(days=1))
    day = timezone.localdate() - timedelta(days=3)
    log_shift(officer, day, critical=True, start=time(7, 0))
    client.force_login(officer)
    html = client.get("/wellbeing/").content.decode()
    assert f"72 hours after the incident on {date_format(day, 'j F')}" in html
    assert "28 days after the incident" in html  # listed under "Coming up"
    assert 'href="/wellbeing/checkin/pcl5/"' in html


def test_a_pulse_is_offered_after_a_logged_shift(client, officer):
    up_to_date(officer, timezone.now())
    today = timezone.localdate()
    log_shift(officer, today - timedelta(days=1), start=time(0, 0), minutes=60)
    client.force_login(officer)
    html = client.get("/wellbeing/").content.decode()
    assert f"After your shift on {date_format(today - timedelta(days=1), 'j F')}" in html


def test_a_new_officer_is_invited_to_a_first_check_in(client, officer):
    client.force_login(officer)
    html = client.get("/wellbeing/").content.decode()
    assert "Every 4 weeks; this will be your first" in html and "Every 12 weeks; this will be your first" in html


def test_an_admin_can_change_the_schedule_for_a_role(client, officer, force):
    CheckInSchedule.objects.create(organisation=force, role="call_handling", instrument="phq9", trigger="every",
                                   every_days=28, active=False)
    kinds = {i.instrument for i in due_for(officer, now=timezone.now())}
    assert "phq9" not in kinds and "gad7" in kinds


def test_reminders_go_once_per_overdue_item_in_app_and_by_email(officer, teammate, django_capture_on_commit_callbacks):
    now = timezone.now()
    officer.date_joined = now - timedelta(days=30)
    officer.save()
    teammate.date_joined = now  # nothing overdue yet
    teammate.save()
    make_checkin(officer, "pcl5", at=now - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_checkin_reminders()
    assert sent == 2  # PHQ-9 and GAD-7 first check-ins, overdue after 7 days
    notes = Notification.objects.filter(user=officer)
    assert notes.count() == 2
    assert set(notes.values_list("title", flat=True)) == {"A wellbeing check-in is overdue"}
    assert all("PHQ" not in n.body and "GAD" not in n.body for n in notes)
    assert len(mail.outbox) == 2 and mail.outbox[0].to == [officer.email]
    assert not Notification.objects.filter(user=teammate).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_checkin_reminders() == 0  # the same items: nothing sent twice
    assert Notification.objects.filter(user=officer).count() == 2 and len(mail.outbox) == 2


def test_reminders_skip_people_who_are_not_active_officers(officer, supervisor):
    officer.is_active = False
    officer.save()
    assert send_checkin_reminders() == 0


@pytest.mark.parametrize("rows", [2, 30])
def test_the_index_runs_the_same_queries_however_many_check_ins(client, officer, rows, django_assert_num_queries):
    now = timezone.now()
    for n in range(rows):
        make_checkin(officer, "pulse", [n % 5, 2, 3, 1, 4], at=now - timedelta(days=n))
        make_checkin(officer, "phq9", at=now - timedelta(days=n * 3))
    log_shift(officer, timezone.localdate() - timedelta(days=2), critical=True)
    client.force_login(officer)
    client.get("/wellbeing/")  # warm the session
    # session, user, schedules, TRiM cases, last completions, recent completions, shifts, count, trends,
    # unread notifications (navigation), page, and the session save (savepoint, update, release)
    with django_assert_num_queries(12):  # 11 + the current risk level
        response = client.get("/wellbeing/")
    assert response.status_code == 200


@pytest.mark.parametrize("people", [1, 6])
def test_the_due_list_for_many_officers_is_five_queries(officer, people, django_assert_num_queries):
    officers = [officer] + [OfficerFactory(organisation=officer.organisation) for _ in range(people - 1)]
    for person in officers:
        log_shift(person, timezone.localdate() - timedelta(days=2), critical=True)
        make_checkin(person, "phq9")
    with django_assert_num_queries(5):
        due = due_for_officers(officers, now=timezone.now())
    assert set(due) == {p.pk for p in officers}


def test_the_reminder_task_runs_daily_from_the_one_beat_schedule_with_an_expiry():
    from config.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["send-checkin-reminders"]
    assert entry["task"] == send_checkin_reminders.name == "wellbeing.send_checkin_reminders"
    assert 0 < entry["options"]["expires"] < 24 * 60 * 60


# Night shifts across the daylight-saving changes (issue 17): the pulse is offered from the real end
# of the shift, and the follow-ups count real hours from its start, on the date it started.

@pytest.mark.parametrize("day,ends_utc,followup_utc", [
    # Saturday 28 March 2026, 19:00 GMT for 12 hours: ends 07:00 UTC (08:00 BST); 72 hours later is
    # 19:00 UTC on Tuesday 31 March (20:00 BST).
    ("2026-03-28", (2026, 3, 29, 7), (2026, 3, 31, 19)),
    # Saturday 24 October 2026, 19:00 BST for 12 hours: ends 06:00 UTC (06:00 GMT); the follow-up
    # is due at 18:00 UTC (GMT) on Tuesday 27 October.
    ("2026-10-24", (2026, 10, 25, 6), (2026, 10, 27, 18)),
])
def test_a_night_shift_across_a_clock_change_is_timed_in_real_hours(officer, day, ends_utc, followup_utc):
    from datetime import UTC, date, datetime

    shift_date = date.fromisoformat(day)
    officer.date_joined = datetime(2026, 1, 1, tzinfo=UTC)
    officer.save(update_fields=["date_joined"])
    log_shift(officer, shift_date, critical=True, start=time(19, 0), minutes=720)
    ends = datetime(*ends_utc, tzinfo=UTC)
    pulse = [i for i in due_for(officer, now=ends + timedelta(hours=1)) if i.trigger == "after_shift"]
    assert [i.due_at for i in pulse] == [ends]
    assert date_format(shift_date, "j F") in pulse[0].reason  # counted on the date it started
    followup = datetime(*followup_utc, tzinfo=UTC)
    items = [i for i in due_for(officer, now=followup) if i.trigger == "trim_assessment"]
    assert followup in [i.due_at for i in items]
