"""/readyz and /metrics: for the monitoring network only (docs/operations.md). /healthz
(portal/views.py) stays the cheap liveness check of the web process and its database; /readyz says
whether the background parts are keeping up; /metrics is Prometheus's."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import heartbeats, metrics
from portal.views import _may_see_health_detail

logger = logging.getLogger(__name__)


class _Seen:
    """What this process last told the log about readiness: the stale parts (None: nothing yet)."""

    stale: tuple[str, ...] | None = None


def _log_change(stale: tuple[str, ...]) -> None:
    """One WARNING when this process first finds a part stale (or a different set of parts), one INFO
    when everything is fresh again; nothing for the probes in between. The probe's 503 is the
    monitoring system's signal: without this, Django would log every probe at ERROR."""
    if stale == _Seen.stale or (not stale and _Seen.stale is None):
        _Seen.stale = stale
        return
    if stale:
        logger.warning("readiness stale parts=%s", ",".join(stale))
    else:
        logger.info("readiness ok again")
    _Seen.stale = stale


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
    stale = tuple(part for part, p in parts.items() if p["stale"])
    _log_change(stale)
    body: dict = {"status": "stale" if stale else "ok"}
    if _may_see_health_detail(request):
        body.update(parts)
    response = JsonResponse(body, status=503 if stale else 200)
    response._has_been_logged = True  # type: ignore[attr-defined]  # told once above, not per probe
    return response


@never_cache
@require_GET
def metrics_view(request):
    """Prometheus's scrape. Anyone outside the monitoring networks is told there is nothing here."""
    if not _may_see_health_detail(request):
        raise Http404
    content, content_type = metrics.metrics_text()
    return HttpResponse(content, content_type=content_type)
