"""A real Celery worker process on the Redis broker (run by .ci/run with REDIS_URL set)."""

import pytest

from tests.worker_support import worker  # noqa: F401 - fixture

pytestmark = pytest.mark.worker


def test_a_task_round_trips_through_redis_and_a_worker_process(worker):  # noqa: F811
    from portal.tasks import ping

    assert ping.delay().get(timeout=30) == "pong"
