"""Prometheus metrics at /metrics (docs/operations.md): django-prometheus's request metrics plus
the portal's own gauges, computed when scraped from shared state (the database and Redis), so any
web process gives the same answer. No label carries personal data: queue names, task names,
parts of the system and kinds of flag only.

- portal_celery_queue_depth{queue}: messages waiting in each Celery queue (Redis LLEN);
- portal_celery_task_failures_total{task}: tasks that raised (Celery's task_failure signal),
  counted in Redis so every worker adds to one total (in-process in eager mode);
- portal_heartbeat_age_seconds{part}: seconds since the worker ran, and the beat sent, the
  minute heartbeat task (portal/heartbeats.py);
- portal_risk_sweep_age_seconds: seconds since the last risk sweep finished;
- portal_flags_overdue{kind} (wellbeing/risk/metrics.py): flags nobody acknowledged by their deadline.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from portal import heartbeats

logger = logging.getLogger(__name__)

FAILURES_KEY = "portal:metrics:task_failures"  # a Redis hash: task name -> failures
_local_failures: Counter[str] = Counter()  # eager mode: tasks run in this process
_collectors: list = []


class _Collector:
    """A prometheus_client collector from a function that yields metric families."""

    def __init__(self, collect: Callable[[], Iterable[Metric]]):
        self._collect = collect

    def collect(self) -> Iterable[Metric]:
        try:
            yield from self._collect()
        except DatabaseError as exc:  # a scrape must answer even when one source is down
            logger.warning("metrics: %s skipped (%s)", self._collect.__name__, type(exc).__name__)

    def describe(self) -> list:
        return []  # computed when scraped; describing would run the queries at registration


def add_collector(collect: Callable[[], Iterable[Metric]]) -> None:
    """Register a function yielding metric families (once per function, whatever the reloads)."""
    if any(c._collect is collect for c in _collectors):
        return
    collector = _Collector(collect)
    _collectors.append(collector)
    REGISTRY.register(collector)


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)


def task_failure_receiver(sender=None, **kwargs) -> None:
    """Celery's task_failure, in the worker: one more failure of this task (its name only)."""
    name = getattr(sender, "name", None) or "unknown"
    if not settings.REDIS_URL:
        _local_failures[name] += 1
        return
    try:
        _redis().hincrby(FAILURES_KEY, name, 1)
    except Exception as exc:  # redis-py raises its own errors; the task's failure matters more than the count
        logger.warning("task failure not counted (%s)", type(exc).__name__)


def _celery_metrics() -> Iterable[Metric]:
    failures = CounterMetricFamily("portal_celery_task_failures", "Celery tasks that raised, by task name",
                                   labels=["task"])
    if not settings.REDIS_URL:
        for name, count in sorted(_local_failures.items()):
            failures.add_metric([name], count)
        yield failures
        return
    depth = GaugeMetricFamily("portal_celery_queue_depth", "Messages waiting in each Celery queue",
                              labels=["queue"])
    up = GaugeMetricFamily("portal_redis_up", "1 when Redis answered this scrape")
    try:
        client = _redis()
        for queue in settings.METRICS_CELERY_QUEUES:
            depth.add_metric([queue], client.llen(queue))
        for name, count in sorted(client.hgetall(FAILURES_KEY).items()):
            failures.add_metric([name.decode()], int(count))
    except Exception as exc:  # redis-py's errors: report Redis as down, keep the rest of the scrape
        logger.warning("metrics: redis unreachable (%s)", type(exc).__name__)
        up.add_metric([], 0)
        yield up
        return
    up.add_metric([], 1)
    yield from (up, depth, failures)


def _heartbeat_metrics() -> Iterable[Metric]:
    now = timezone.now()
    seen = heartbeats.heartbeats()
    ages = GaugeMetricFamily("portal_heartbeat_age_seconds", "Seconds since each part last showed it is alive",
                             labels=["part"])
    for part in (heartbeats.WORKER, heartbeats.BEAT):
        if part in seen:
            ages.add_metric([part], (now - seen[part]).total_seconds())
    yield ages
    if heartbeats.RISK_SWEEP in seen:
        yield GaugeMetricFamily("portal_risk_sweep_age_seconds", "Seconds since the last risk sweep finished",
                                value=(now - seen[heartbeats.RISK_SWEEP]).total_seconds())


def register() -> None:
    add_collector(_celery_metrics)
    add_collector(_heartbeat_metrics)


def metrics_text() -> tuple[bytes, str]:
    """The exposition text. With PROMETHEUS_MULTIPROC_DIR set (gunicorn with several workers) the
    request metrics of every process are merged; the portal's own collectors are added to that."""
    from prometheus_client import CONTENT_TYPE_LATEST

    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        for collector in _collectors:
            registry.register(collector)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
