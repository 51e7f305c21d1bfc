"""Asking for an officer's risk to be recomputed, without ever losing the request.

Call `recompute_request(officer_id=...)` inside the transaction that saves an exposure or a
check-in. It records a pending mark in that same transaction and enqueues the Celery task only
after commit. If the broker is down the save still succeeds: the enqueue fails fast (short broker
timeouts in settings), the mark stays, and the periodic sweep enqueues it again.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from portal.models import RecomputePending

logger = logging.getLogger(__name__)

# Sent after commit with `officer_id`. The app that owns the risk engine (wellbeing, which sits above
# the core) connects the receiver that enqueues its recompute task (WellbeingConfig.ready), so the
# core never imports it. A receiver that raises (the broker refused) leaves the pending mark.
recompute_wanted = Signal()


def recompute_request(*, officer_id: int) -> None:
    now = timezone.now()
    # One statement: a new mark, or a newer request time on the mark already there (its `since` kept).
    RecomputePending.objects.bulk_create([RecomputePending(officer_id=officer_id, since=now, requested_at=now)],
                                         update_conflicts=True, unique_fields=["officer"],
                                         update_fields=["requested_at"])
    transaction.on_commit(lambda: recompute_enqueue(officer_id))


def recompute_enqueue(officer_id: int) -> bool:
    """Enqueue one recompute. Returns False (and leaves the pending mark) if the broker refused or
    no receiver is connected."""
    try:
        enqueued = recompute_wanted.send(sender=RecomputePending, officer_id=officer_id)
    except Exception:  # any broker/transport error: the pending mark is the safety net
        logger.warning("risk recompute not enqueued officer_id=%s; the sweep will retry", officer_id)
        return False
    if not enqueued:
        logger.warning("risk recompute not enqueued officer_id=%s: no receiver is connected", officer_id)
        return False
    return True
