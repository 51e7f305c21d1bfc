"""A real Celery worker process for the `worker` tests (run by .ci/run with REDIS_URL and a
PostgreSQL DATABASE_URL). The worker is pointed at the test database pytest-django created."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("worker tests need REDIS_URL (run them through .ci/run)")
    return url


def worker_database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.fail("worker tests need PostgreSQL (a worker process cannot share an SQLite test database)")
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, concurrency: int = 1, extra_env: dict | None = None):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "REDIS_URL": redis_url(),
               "DATABASE_URL": worker_database_url(), **(extra_env or {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "WARNING",
             "--concurrency", str(concurrency), "--without-gossip", "--without-mingle", "--pool", "prefork",
             "--hostname", f"test{time.monotonic_ns()}@%h"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        from config.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail("celery worker exited early:\n" + self.proc.stdout.read())
            if app.control.ping(timeout=1.0):
                return
        self.stop()
        pytest.fail("celery worker did not answer a ping in time")

    def children(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def kill_children(self) -> None:
        for pid in self.children():
            os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def wait_for(predicate, timeout: float = 30, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


@pytest.fixture
def worker(transactional_db):
    w = Worker()
    yield w
    w.stop()
