"""Heartbeats: when each moving part last showed it is alive (`portal.Heartbeat` rows), read by
/readyz and /metrics (docs/operations.md).

- "worker": a Celery worker ran `portal.heartbeat` (beat sends it every minute);
- "beat": the beat process published that task (the before_task_publish signal, in the beat);
- "risk_sweep": the nightly risk sweep finished (wellbeing/risk/service.py).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import DatabaseError
from django.utils import timezone

from portal.models import Heartbeat

logger = logging.getLogger(__name__)

WORKER, BEAT, RISK_SWEEP = "worker", "beat", "risk_sweep"
HEARTBEAT_TASK = "portal.heartbeat"


def heartbeat_record(name: str, *, at: datetime | None = None) -> None:
    """Say `name` is alive now: an UPDATE, or the first INSERT (a racing second insert is ignored)."""
    at = at or timezone.now()
    if not Heartbeat.objects.filter(name=name).update(at=at):
        Heartbeat.objects.bulk_create([Heartbeat(name=name, at=at)], ignore_conflicts=True)


def heartbeats() -> dict[str, datetime]:
    return dict(Heartbeat.objects.values_list("name", "at"))


def beat_published_receiver(sender=None, **kwargs) -> None:
    """before_task_publish: when the beat sends the heartbeat task, the beat is alive. Only the
    beat sends that task, so this writes only there; a database error must not stop the beat."""
    if sender != HEARTBEAT_TASK:
        return
    try:
        heartbeat_record(BEAT)
    except DatabaseError as exc:
        logger.warning("beat heartbeat not recorded (%s)", type(exc).__name__)
