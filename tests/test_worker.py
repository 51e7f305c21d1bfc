"""A real Celery worker process on the Redis broker (run by .ci/run with REDIS_URL set)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def celery_worker_process():
    if not os.environ.get("REDIS_URL"):
        pytest.fail("worker tests need REDIS_URL (run them through .ci/run)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--loglevel", "WARNING",
         "--concurrency", "1", "--without-gossip", "--without-mingle", "--pool", "prefork"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    from portal.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("celery worker exited early:\n" + proc.stdout.read())
        if app.control.ping(timeout=1.0):
            break
    else:
        proc.terminate()
        pytest.fail("celery worker did not answer a ping within 60 s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_task_round_trips_through_redis_and_a_worker_process(celery_worker_process):
    from portal.tasks import ping

    assert ping.delay().get(timeout=30) == "pong"
