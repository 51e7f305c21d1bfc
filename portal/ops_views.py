"""/readyz and /metrics: for the monitoring network only (docs/operations.md). /healthz
(portal/views.py) stays the cheap liveness check of the web process and its database; /readyz says
whether the background parts are keeping up; /metrics is Prometheus's."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import heartbeats, metrics
from portal.views import _may_see_health_detail


def readiness(seen: dict[str, datetime], *, now: datetime, limits: dict[str, float]) -> dict[str, dict]:
    """Each part's age in seconds (None: never seen) and whether it is stale (older than its limit,
    or never seen). Pure: `seen` maps part -> last heartbeat, `limits` part -> seconds."""
    parts = {}
    for part, limit in limits.items():
        at = seen.get(part)
        age = None if at is None else round((now - at).total_seconds())
        parts[part] = {"age_seconds": age, "stale": age is None or age > limit}
    return parts


def _limits() -> dict[str, float]:
    return {heartbeats.WORKER: settings.READYZ_WORKER_MAX_AGE, heartbeats.BEAT: settings.READYZ_BEAT_MAX_AGE,
            heartbeats.RISK_SWEEP: settings.READYZ_SWEEP_MAX_AGE}


@never_cache
@require_GET
def readyz(request):
    """200 when the worker and the beat showed they are alive within their limits and the risk
    sweep finished within its own, 503 otherwise. In eager mode (no broker: development) there is no
    worker or beat to wait for. Which part is stale is told only to the monitoring networks."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        parts = {part: {"age_seconds": None, "stale": False, "eager": True} for part in _limits()}
    else:
        try:
            seen = heartbeats.heartbeats()
        except DatabaseError:
            return JsonResponse({"status": "error"}, status=503)
        parts = readiness(seen, now=timezone.now(), limits=_limits())
    ready = not any(p["stale"] for p in parts.values())
    body: dict = {"status": "ok" if ready else "stale"}
    if _may_see_health_detail(request):
        body.update(parts)
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
@require_GET
def metrics_view(request):
    """Prometheus's scrape. Anyone outside the monitoring networks is told there is nothing here."""
    if not _may_see_health_detail(request):
        raise Http404
    content, content_type = metrics.metrics_text()
    return HttpResponse(content, content_type=content_type)
