"""The risk engine through a real worker on Redis and PostgreSQL (run by .ci/run): a flag reaches
the right inbox within seconds; a broker outage (even a flushed broker) loses nothing; a worker
killed mid-task has its work finished by another child."""

import os
import subprocess
import time
from urllib.parse import urlparse

import pytest
from django.db import transaction

from portal.models import Notification, RecomputePending
from portal.recompute import recompute_request
from tests.factories import OfficerFactory, TeamFactory
from tests.worker_support import Worker, redis_url, wait_for, worker  # noqa: F401 - fixture
from wellbeing.models import Flag, RiskAssessment
from wellbeing.risk import engine as risk
from wellbeing.risk import inputs as risk_inputs
from wellbeing.risk.service import current_rules
from wellbeing.tests.risk_data import add_exposure, usual_then_heavy

pytestmark = pytest.mark.worker


def redis_cli(*args):
    parsed = urlparse(redis_url())
    return subprocess.run(["redis-cli", "-h", parsed.hostname, "-p", str(parsed.port or 6379),
                           "-n", parsed.path.strip("/") or "0", *args], capture_output=True, text=True, timeout=10)


def start_redis():
    parsed = urlparse(redis_url())
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", parsed.hostname, "--port",
                    str(parsed.port or 6379), "--save", "", "--appendonly", "no"], check=True, timeout=20)
    assert wait_for(lambda: redis_cli("ping").stdout.strip() == "PONG", timeout=20)


def test_crossing_the_threshold_reaches_the_supervisor_within_seconds_and_nobody_else(
        worker, officer, supervisor, teammate, outsider, other_supervisor, oh, trainer):  # noqa: F811
    usual_then_heavy(officer)
    with transaction.atomic():
        add_exposure(officer, days_ago=0, intensity=5, minutes=300)
        recompute_request(officer_id=officer.pk)
    start = time.monotonic()
    flag = wait_for(lambda: Flag.objects.filter(officer=officer, reason_code="exposure_load_rising").first(), 30)
    assert flag is not None, "no flag within 30 s"
    assert time.monotonic() - start < 30
    assert wait_for(lambda: not RecomputePending.objects.filter(pk=officer.pk).exists(), 10)
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"supervisor"}


def test_a_broker_outage_loses_no_work_even_when_redis_comes_back_empty(
        worker, officer, supervisor, teammate):  # noqa: F811
    usual_then_heavy(officer)
    usual_then_heavy(teammate)
    redis_cli("shutdown", "nosave")
    try:
        assert wait_for(lambda: redis_cli("ping").returncode != 0, 10)
        timings = []
        for person in (officer, teammate):
            start = time.monotonic()
            with transaction.atomic():
                add_exposure(person, days_ago=0, intensity=4, minutes=200)
                recompute_request(officer_id=person.pk)
            timings.append(time.monotonic() - start)
        assert max(timings) < 10, f"a save waited on the dead broker: {timings}"
        assert set(RecomputePending.objects.values_list("officer_id", flat=True)) == {officer.pk, teammate.pk}
    finally:
        start_redis()
    redis_cli("flushdb")  # whatever was queued is gone: PostgreSQL still has the pending marks
    worker.stop()
    restarted = Worker()
    try:
        from wellbeing.tasks import requeue_pending_recomputes

        assert requeue_pending_recomputes(older_than_seconds=0) == 2
        assert wait_for(lambda: not RecomputePending.objects.exists(), 30), "pending marks not cleared"
        version, rules = current_rules()
        inputs = risk_inputs.gather([officer.pk, teammate.pk], now=time_now(), rules=rules)
        from wellbeing.models import RoleBaseline

        baselines = {b.role: (b.median_load, b.officers) for b in RoleBaseline.objects.all()}
        for person in (officer, teammate):
            median, count = baselines.get(person.high_risk_role, (None, 0))
            expected = risk.evaluate(inputs[person.pk], peer_median=median, peer_count=count, rules=rules,
                                     now=time_now())
            stored = RiskAssessment.objects.filter(officer=person).first()
            assert (stored.level, stored.reasons) == (expected.level, expected.as_json())
    finally:
        restarted.stop()


def time_now():
    from django.utils import timezone

    return timezone.now()


def test_a_worker_killed_mid_sweep_has_its_work_finished(transactional_db, force, supervisor):
    team = TeamFactory(unit__organisation=force)
    people = OfficerFactory.create_batch(400, organisation=force, team=team, high_risk_role="cse_review")
    for i, person in enumerate(people):
        add_exposure(person, days_ago=i % 20, intensity=1 + i % 5, minutes=30 + i % 200)
    # 40 commits, so it can be caught midway; a short lease, so that the sweep the killed child held
    # lapses within the test (its message comes back at once and tries again when the lease lapses)
    w = Worker(concurrency=1, extra_env={"RISK_SWEEP_CHUNK": "10", "RISK_SWEEP_LEASE_SECONDS": "15"})
    try:
        from wellbeing.tasks import sweep_all_risk

        sweep_all_risk.delay()
        assert wait_for(lambda: RiskAssessment.objects.exists(), 60), "the sweep never started"
        done_before = RiskAssessment.objects.count()
        w.kill_children()
        assert done_before < len(people), "the sweep finished before it could be interrupted"
        assert wait_for(lambda: RiskAssessment.objects.values("officer").distinct().count() >= len(people), 120)
        # each officer assessed once: the redelivered sweep skipped what was already saved
        assert RiskAssessment.objects.count() == RiskAssessment.objects.values("officer").distinct().count()
    finally:
        w.stop()


def test_two_beats_running_at_once_duplicate_nothing(transactional_db, force, supervisor):
    if os.environ.get("DATABASE_URL", "").startswith("sqlite"):
        pytest.fail("needs PostgreSQL")
    team = TeamFactory(unit__organisation=force)
    team.supervisors.add(supervisor)
    people = OfficerFactory.create_batch(60, organisation=force, team=team, high_risk_role="firearms")
    for i, person in enumerate(people):
        for d in range(0, 40, 5):
            add_exposure(person, days_ago=d, intensity=1 + (i * d) % 5, minutes=20 + i * 3)
    w = Worker(concurrency=2)
    try:
        from wellbeing.tasks import sweep_all_risk

        for _ in range(2):  # what two beat processes would each send at 02:15
            sweep_all_risk.delay()
        assert wait_for(lambda: RiskAssessment.objects.values("officer").distinct().count() >= len(people), 90)
        time.sleep(3)  # let the second sweep finish too
        assert RiskAssessment.objects.count() == RiskAssessment.objects.values("officer").distinct().count()
        active = Flag.objects.filter(status__in=Flag.ACTIVE)
        assert active.count() == active.values("officer", "reason_code").distinct().count()
    finally:
        w.stop()


def test_out_of_hours_no_one_on_duty_the_real_worker_runs_the_urgent_route_once(
        worker, force, officer, oh):  # noqa: F811
    from datetime import timedelta

    from portal.models import Organisation
    from tests.factories import UserFactory
    from wellbeing.risk.flags import flag_raise
    from wellbeing.tasks import urgent_route_sweep

    second = UserFactory(username="second", organisation=force, is_oh=True, email="second@example.invalid")
    Organisation.objects.filter(pk=force.pk).update(on_call_contact=oh, on_call_second_contact=second)
    raised = time_now() - timedelta(hours=2)  # raised two hours ago, nobody acknowledged it
    flag, _ = flag_raise(officer=officer, reason_code="phq9_item9", urgent=True, now=raised)
    assert Notification.objects.filter(user=oh, dedupe_key=f"flag:{flag.pk}:oncall").exists()
    for _ in range(2):  # what two beat runs (or two beats) would send
        urgent_route_sweep.delay()
    second_step = Notification.objects.filter(user=second, dedupe_key=f"flag:{flag.pk}:oncall-second")
    assert wait_for(second_step.exists, 30), "the second contact was not told within 30 s"
    assert wait_for(lambda: second_step.filter(emailed_at__isnull=False).exists(), 30), "no email sent"
    time.sleep(2)  # let the other run finish too
    assert second_step.count() == 1
    flag.refresh_from_db()
    assert flag.second_contact_notified_at is not None and flag.status == Flag.Status.OPEN
