"""Celery tasks of the wellbeing app. Tasks take ids only, never personal data."""

from celery import shared_task


@shared_task(name="wellbeing.recompute_risk", acks_late=True, reject_on_worker_lost=True)
def recompute_risk(officer_id: int) -> None:
    """Recompute one officer's risk assessment (idempotent). The risk engine lands with its own
    issue; until then this only clears the pending mark so nothing accumulates."""
    from portal.models import RecomputePending

    RecomputePending.objects.filter(pk=officer_id).delete()


@shared_task(name="wellbeing.requeue_pending_recomputes")
def requeue_pending_recomputes(older_than_seconds: int = 60) -> int:
    """Enqueue again every recompute still pending after `older_than_seconds` (its enqueue was
    lost, or the broker was down). Returns how many were enqueued."""
    from datetime import timedelta

    from django.utils import timezone

    from portal.models import RecomputePending
    from portal.recompute import recompute_enqueue

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(RecomputePending.objects.filter(requested_at__lte=cutoff).values_list("officer_id", flat=True))
    return sum(1 for officer_id in ids if recompute_enqueue(officer_id))


@shared_task(name="wellbeing.send_checkin_reminders")
def send_checkin_reminders() -> int:
    """Daily: remind officers of overdue check-ins (in-app and email), once per overdue item."""
    from wellbeing.services import checkin_reminders_send

    return checkin_reminders_send()
