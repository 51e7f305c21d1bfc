"""Gunicorn settings file for bin/web (`--config python:portal.gunicorn_config`): hooks only; the
bind address, worker count and logger stay on bin/web's command line.

With several workers, each keeps its own request counters. bin/web points PROMETHEUS_MULTIPROC_DIR
at an empty directory before gunicorn starts, so every worker writes its metrics there and
/metrics merges them (portal/metrics.py). When a worker exits (a restart after max requests, a
crash, a timeout), its live gauges must stop counting: prometheus_client's `mark_process_dead`
removes them; its counters and histograms stay in the totals, as Prometheus expects.
"""

from __future__ import annotations

import os


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
