"""The wellbeing gauge of /metrics (portal/metrics.py): flags nobody acknowledged by their
deadline, counted by kind (operational, clinical, urgent). A count, never a person."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from wellbeing.models import Flag

KINDS = ("operational", "clinical", "urgent")


def overdue_flags() -> Iterable[Metric]:
    rows = (Flag.objects.filter(status__in=[Flag.Status.OPEN, Flag.Status.ESCALATED],
                                acknowledge_by__lte=timezone.now())
            .values("kind", "urgent").annotate(n=Count("pk")).order_by())
    counts = dict.fromkeys(KINDS, 0)
    for row in rows:
        counts["urgent" if row["urgent"] else row["kind"]] += row["n"]
    gauge = GaugeMetricFamily("portal_flags_overdue", "Flags not acknowledged by their deadline, by kind",
                              labels=["kind"])
    for kind in KINDS:
        gauge.add_metric([kind], counts[kind])
    yield gauge
