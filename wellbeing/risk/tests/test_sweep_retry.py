"""A sweep that finds the lease held tries again when it lapses, unless a sweep has finished since
it was asked for (the worker test kills a sweep's process: tests/test_risk_worker.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.heartbeats import RISK_SWEEP, heartbeat_record
from portal.models import Lease
from wellbeing.risk.service import SWEEP_LEASE, sweep_retry_seconds

pytestmark = pytest.mark.django_db


def test_no_lease_or_a_lapsed_one_means_try_again_at_once():
    asked = timezone.now()
    assert sweep_retry_seconds(asked_at=asked) == 1.0
    Lease.objects.create(name=SWEEP_LEASE, holder="dead", expires_at=asked - timedelta(seconds=5))
    assert sweep_retry_seconds(asked_at=asked) == 1.0


def test_a_held_lease_means_try_again_when_it_lapses(settings):
    asked = timezone.now()
    Lease.objects.create(name=SWEEP_LEASE, holder="someone", expires_at=asked + timedelta(seconds=100))
    assert 99 <= sweep_retry_seconds(asked_at=asked) <= 101.5
    settings.RISK_SWEEP_LEASE_SECONDS = 30  # never longer than one lease
    assert sweep_retry_seconds(asked_at=asked) == 31.0


def test_a_sweep_finished_since_the_ask_means_nothing_left_to_do():
    asked = timezone.now()
    Lease.objects.create(name=SWEEP_LEASE, holder="someone", expires_at=asked + timedelta(seconds=100))
    heartbeat_record(RISK_SWEEP, at=asked - timedelta(minutes=1))  # an older sweep does not count
    assert sweep_retry_seconds(asked_at=asked) is not None
    heartbeat_record(RISK_SWEEP, at=asked + timedelta(seconds=1))
    assert sweep_retry_seconds(asked_at=asked) is None
