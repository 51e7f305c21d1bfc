"""The one Celery beat schedule. Each entry says when and why, and expires before the next run so
a backlog never runs the same periodic task twice. Every periodic task is a sweep that is safe to
run again (it claims rows before acting). Run exactly ONE beat process."""

from celery.schedules import crontab

MINUTE = 60
HOUR = 60 * MINUTE

BEAT_SCHEDULE: dict = {
    # Every minute: a worker records that it runs tasks, and the beat that it sent this one
    # (portal/heartbeats.py); /readyz and /metrics report how long ago each was.
    "heartbeat": {
        "task": "portal.heartbeat",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    # Re-enqueue risk recomputes whose enqueue was lost (broker down or flushed) or never ran.
    "requeue-pending-recomputes": {
        "task": "wellbeing.requeue_pending_recomputes",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * MINUTE},
    },
    # Every minute: re-enqueue notification emails still unsent a minute after they were due (the
    # enqueue was lost, the broker flushed, a worker died mid-send); the row's claim stops a resend
    # of one in flight. Urgent notices to OH go through here too, so keep it frequent.
    "resend-pending-notification-emails": {
        "task": "portal.resend_pending_notification_emails",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    # Daily at 08:00 (UK time): remind officers of overdue check-ins; once per item (dedupe key).
    "send-checkin-reminders": {
        "task": "wellbeing.send_checkin_reminders",
        "schedule": crontab(hour=8, minute=0),
        "options": {"expires": 20 * HOUR},
    },
    # Every night, recompute everyone: loads decay and follow-ups come due even with no new data.
    "sweep-all-risk": {
        "task": "wellbeing.sweep_all_risk",
        "schedule": crontab(hour=2, minute=15),
        "options": {"expires": 6 * HOUR},
    },
    # Flags not acknowledged by their deadline go to occupational health.
    "escalate-overdue-flags": {
        "task": "wellbeing.escalate_overdue_flags",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * MINUTE},
    },
    # Hourly: open the TRiM case of a logged critical incident whose case did not open with the shift.
    "trim-logged-incidents-sweep": {
        "task": "wellbeing.trim_logged_incidents_sweep",
        "schedule": crontab(minute=20),
        "options": {"expires": 50 * MINUTE},
    },
    # Every minute, day and night: an urgent flag not acknowledged within its organisation's
    # deadline (60 minutes by default) goes to the second on-call contact (wellbeing/risk/urgent.py).
    "urgent-route-sweep": {
        "task": "wellbeing.urgent_route_sweep",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    # Every 15 minutes: TRiM deadlines (wellbeing/trim/escalation.py): an assessment not held a day
    # after it was due goes to the coordinators, a follow-up missed by a week to OH, and practitioners
    # are reminded a day before; each once (claimed marker, dedupe key).
    "trim-escalation-sweep": {
        "task": "wellbeing.trim_escalation_sweep",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * MINUTE},
    },
    # Daily at 07:30 (UK time), before most day shifts start: remind supervisors of the welfare
    # follow-ups they set for today; each once (claimed row and dedupe key).
    "welfare-followups-due": {
        "task": "wellbeing.welfare_followups_due",
        "schedule": crontab(hour=7, minute=30),
        "options": {"expires": 20 * HOUR},
    },
    # Training, once a day at 07:00: due-soon and overdue reminders (each sent once, by dedupe key)
    # and the critical-incident module recommendation sweep.
    "training-daily": {
        "task": "training.daily",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 20 * HOUR},
    },
    # Daily at 03:30: erase records past their retention period (legal holds respected, audit
    # events never touched); writes an ErasureReport with counts only. A rerun erases nothing more.
    "retention-sweep": {
        "task": "wellbeing.retention_sweep",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 20 * HOUR},
    },
    # Daily at 07:45 (UK time): psychological screening and routine appointments for high-risk roles
    # (wellbeing/screening): open the cycles now due, invite once, remind once when overdue.
    "screening-sweep": {
        "task": "wellbeing.screening_sweep",
        "schedule": crontab(hour=7, minute=45),
        "options": {"expires": 20 * HOUR},
    },
}
