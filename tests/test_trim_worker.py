"""The TRiM deadline sweep through a real worker on Redis and PostgreSQL (run by .ci/run): two sweeps
running at once in two worker processes escalate a missed assessment once."""

from datetime import UTC, datetime

import pytest

from portal.models import AuditEvent, Notification
from tests.worker_support import Worker, wait_for
from wellbeing.models import TrimCase
from wellbeing.trim.tests.factories import TrimCaseFactory, TrimCoordinatorFactory

pytestmark = pytest.mark.worker


def test_trim_deadline_missed_two_sweeps_at_once_in_a_real_worker_escalate_once(transactional_db, force, officer):
    coordinator = TrimCoordinatorFactory(organisation=force)
    case = TrimCaseFactory(person=officer, incident__occurred_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
                           assessment_due_at=datetime(2026, 1, 8, 9, 0, tzinfo=UTC),
                           followup_due_at=datetime(2099, 1, 1, tzinfo=UTC))
    w = Worker(concurrency=2)
    try:
        from wellbeing.tasks import trim_escalation_sweep

        for _ in range(3):
            trim_escalation_sweep.delay()
        assert wait_for(lambda: TrimCase.objects.get(pk=case.pk).assessment_escalated_at is not None, 60)
        assert wait_for(lambda: idle(), 60), "the sweeps did not finish"
    finally:
        w.stop()
    assert list(Notification.objects.values_list("user_id", flat=True)) == [coordinator.pk]
    assert AuditEvent.objects.filter(action="trim_assessment_escalated").count() == 1
    assert TrimCase.objects.get(pk=case.pk).assessment_escalated_at is not None


def idle() -> bool:
    """No task running or waiting in any worker (results are not stored: tasks ignore them)."""
    from config.celery import app

    inspect = app.control.inspect(timeout=1.0)
    active, reserved = inspect.active() or {}, inspect.reserved() or {}
    with app.connection_for_read() as conn:
        queued = conn.default_channel.client.llen(app.conf.task_default_queue)  # a Redis list per queue
    return bool(active) and not queued and not any(active.values()) and not any(reserved.values())
