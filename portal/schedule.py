"""The one Celery beat schedule. Each entry says when and why, and expires before the next run so
a backlog never runs the same periodic task twice. Every periodic task is a sweep that is safe to
run again (it claims rows before acting). Run exactly ONE beat process."""

from celery.schedules import crontab

MINUTE = 60
HOUR = 60 * MINUTE

BEAT_SCHEDULE: dict = {
    # Re-enqueue risk recomputes whose enqueue was lost (broker down or flushed) or never ran.
    "requeue-pending-recomputes": {
        "task": "wellbeing.requeue_pending_recomputes",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * MINUTE},
    },
    # Training, once a day at 07:00: due-soon and overdue reminders (each sent once, by dedupe key)
    # and the critical-incident module recommendation sweep.
    "training-daily": {
        "task": "training.daily",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 20 * HOUR},
    },
}
