"""Celery tasks of the wellbeing app. Tasks take ids only, never personal data."""

from celery import shared_task


@shared_task(name="wellbeing.recompute_risk", acks_late=True, reject_on_worker_lost=True)
def recompute_risk(officer_id: int) -> None:
    """Recompute one officer's risk assessment (idempotent). The risk engine lands with its own
    issue; until then this only clears the pending mark so nothing accumulates."""
    from portal.models import RecomputePending

    RecomputePending.objects.filter(pk=officer_id).delete()
