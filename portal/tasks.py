"""Celery tasks of the core. Tasks take ids only, never personal data."""

from celery import Task, shared_task
from django.conf import settings

# A send that is still running after this long is cut off; the claim it holds is taken over by the
# resend sweep only after NOTIFY_EMAIL_CLAIM_TIMEOUT, which must be longer (tests/test_task_config.py).
EMAIL_SOFT_TIME_LIMIT = 100
EMAIL_TIME_LIMIT = 120


class RecordedFailureTask(Task):
    """Writes a visible TaskFailure row when the task fails for good (after its retries)."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from portal.models import TaskFailure

        TaskFailure.objects.create(task_name=self.name, task_id=task_id or "", args=list(args),
                                   error=f"{type(exc).__name__}: {exc}"[:300])


@shared_task(name="portal.ping", ignore_result=False)
def ping() -> str:
    """Round trip through the broker and a worker; used by the worker integration test."""
    return "pong"


@shared_task(
    bind=True,
    name="portal.notification_email_send",
    base=RecordedFailureTask,  # a bug or a database outage here leaves a TaskFailure; the row stays for the sweep
    acks_late=True,  # the row's claim makes a redelivery after a worker dies safe
    reject_on_worker_lost=True,
    max_retries=settings.NOTIFY_EMAIL_MAX_ATTEMPTS,
    soft_time_limit=EMAIL_SOFT_TIME_LIMIT,
    time_limit=EMAIL_TIME_LIMIT,
)
def notification_email_send(self, notification_id: int) -> None:
    """Send one notification's email (portal/notify.py has the whole outbox). Errors that may pass
    are retried after a backoff, counted on the row so that the bound holds across the sweep's
    re-enqueues too. In eager mode (development, tests) nothing waits inline: the row keeps its
    next due time and the sweep sends it."""
    from portal.notify import notification_email_attempt

    delay = notification_email_attempt(notification_id=notification_id)
    if delay is not None and not (self.request.is_eager or self.request.called_directly):
        raise self.retry(countdown=delay)


@shared_task(name="portal.resend_pending_notification_emails")
def resend_pending_notification_emails(older_than_seconds: int = 60) -> int:
    """Enqueue again every notification email still unsent a minute after it was due (its enqueue
    was lost, the broker was flushed, or its worker died mid-send). Returns how many."""
    from portal.notify import notifications_email_resend

    return notifications_email_resend(older_than_seconds=older_than_seconds)


@shared_task(name="portal.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Every minute (beat): the worker that runs this is alive (/readyz, /metrics)."""
    from portal.heartbeats import WORKER, heartbeat_record

    heartbeat_record(WORKER)
