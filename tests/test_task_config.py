"""Task configuration that the broker and the outbox rely on.

Redis redelivers a message that has not been acknowledged within the visibility timeout, and a task
waiting for its retry (an ETA message) is not acknowledged while it waits: a retry delay as long
as the visibility timeout would run the task twice. Every retry delay must stay below it."""

from django.conf import settings

from config.celery import app
from config.schedule import BEAT_SCHEDULE
from portal import tasks as portal_tasks
from tests.test_settings import run_manage

VISIBILITY = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_no_retry_delay_reaches_the_broker_visibility_timeout():
    app.loader.import_default_modules()
    retrying = [t for name, t in app.tasks.items() if not name.startswith("celery.")
                and getattr(t, "autoretry_for", None)]
    assert retrying, "expected the autoretrying tasks to be registered"
    for task in retrying:
        assert (task.retry_backoff_max or 600) < VISIBILITY, task.name
    assert settings.NOTIFY_EMAIL_RETRY_MAX_DELAY < VISIBILITY


def test_start_up_refuses_an_email_retry_delay_as_long_as_the_visibility_timeout():
    result = run_manage("check", DEBUG="true", NOTIFY_EMAIL_RETRY_MAX_DELAY=str(VISIBILITY))
    assert result.returncode != 0 and "visibility timeout" in result.stderr


def test_an_email_send_in_flight_is_never_taken_over_by_the_sweep():
    # The sweep takes over a claim only once it is older than any send can last.
    assert settings.NOTIFY_EMAIL_CLAIM_TIMEOUT > portal_tasks.EMAIL_TIME_LIMIT
    assert portal_tasks.notification_email_send.time_limit == portal_tasks.EMAIL_TIME_LIMIT
    assert portal_tasks.EMAIL_SOFT_TIME_LIMIT > 6 * settings.EMAIL_TIMEOUT  # connect, EHLO, MAIL, RCPT, DATA, QUIT


def test_the_resend_sweep_runs_every_minute_from_the_one_beat_schedule_with_an_expiry():
    entry = BEAT_SCHEDULE["resend-pending-notification-emails"]
    assert entry["task"] == "portal.resend_pending_notification_emails"
    assert entry["task"] in app.tasks
    assert entry["options"]["expires"] < 60


def test_the_trim_deadline_sweep_runs_every_15_minutes_from_the_one_beat_schedule_with_an_expiry():
    entry = BEAT_SCHEDULE["trim-escalation-sweep"]
    assert entry["task"] == "wellbeing.trim_escalation_sweep"
    assert entry["task"] in app.tasks
    assert entry["schedule"].minute == {0, 15, 30, 45} and len(entry["schedule"].hour) == 24
    assert entry["options"]["expires"] < 15 * 60


def test_the_trim_safety_net_opens_missed_cases_hourly_from_the_one_beat_schedule():
    entry = BEAT_SCHEDULE["trim-logged-incidents-sweep"]
    assert entry["task"] == "wellbeing.trim_logged_incidents_sweep"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert entry["schedule"].minute == {20} and len(entry["schedule"].hour) == 24
    assert entry["options"]["expires"] < 60 * 60


def test_the_screening_sweep_runs_daily_from_the_one_beat_schedule_with_an_expiry():
    entry = BEAT_SCHEDULE["screening-sweep"]
    assert entry["task"] == "wellbeing.screening_sweep"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert entry["options"]["expires"] < 24 * 60 * 60
