"""Recompute and sweep against the database: one code path, idempotent, flags raised once."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from portal.models import Notification, RecomputePending, TaskFailure
from tests.factories import OfficerFactory, TeamFactory, UserFactory
from wellbeing.models import Flag, RiskAssessment, RoleBaseline
from wellbeing.risk.service import risk_recompute, risk_sweep
from wellbeing.tasks import escalate_overdue_flags, recompute_risk
from wellbeing.tests.risk_data import add_exposure, usual_then_heavy


def test_a_heavy_recent_week_flags_the_supervisor_with_operational_categories_only(officer, supervisor, oh):
    usual_then_heavy(officer)
    [assessment] = risk_recompute(officer_ids=[officer.pk])
    codes = {r["code"] for r in assessment.reasons}
    assert "exposure_load_rising" in codes and assessment.level in ("amber", "red")
    assert all(r["kind"] == "operational" for r in assessment.reasons)
    assert set(Flag.objects.filter(officer=officer).values_list("reason_code", flat=True)) == codes
    assert Notification.objects.filter(user=supervisor).count() == len(codes)
    assert not Notification.objects.filter(user=oh).exists()


def test_a_rerun_changes_nothing(officer, supervisor):
    usual_then_heavy(officer)
    first = risk_recompute(officer_ids=[officer.pk])
    assert len(first) == 1
    for _ in range(4):
        assert risk_recompute(officer_ids=[officer.pk]) == []
    assert RiskAssessment.objects.filter(officer=officer).count() == 1
    assert Flag.objects.filter(officer=officer).count() == len(first[0].reasons)


def test_new_rules_give_a_new_assessment_and_keep_the_old_one(officer, supervisor):
    from wellbeing.models import RuleSet
    from wellbeing.risk.rules import DEFAULT_RULES

    usual_then_heavy(officer)
    [old] = risk_recompute(officer_ids=[officer.pk])
    RuleSet.objects.create(version=2, rules={**DEFAULT_RULES, "own_ratio_amber": 100.0})
    [new] = risk_recompute(officer_ids=[officer.pk])
    assert (old.rules_version, new.rules_version) == (1, 2)
    old.refresh_from_db()
    assert "exposure_load_rising" in {r["code"] for r in old.reasons}
    assert "exposure_load_rising" not in {r["code"] for r in new.reasons}


def test_the_sweep_and_a_single_recompute_agree(force, supervisor):
    team = TeamFactory(unit__organisation=force)
    people = [OfficerFactory(organisation=force, team=team, high_risk_role="firearms") for _ in range(6)]
    for i, person in enumerate(people):
        for d in range(0, 60, 4):
            add_exposure(person, days_ago=d, intensity=1 + i % 5, minutes=30 + 20 * i)
    risk_sweep()
    swept = {a.officer_id: (a.level, a.reasons) for a in RiskAssessment.objects.all()}
    assert set(swept) >= {p.pk for p in people}
    assert RoleBaseline.objects.get(role="firearms").officers == 6
    RiskAssessment.objects.all().delete()
    Flag.objects.all().delete()
    for person in people:
        [single] = risk_recompute(officer_ids=[person.pk])
        assert (single.level, single.reasons) == swept[person.pk]


def test_the_sweep_is_skipped_while_another_holds_its_lock(officer):
    if connection.vendor != "postgresql":
        pytest.skip("the sweep lock is a PostgreSQL advisory lock")
    from django.db import connections

    from wellbeing.risk.service import SWEEP_LOCK_KEY

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [SWEEP_LOCK_KEY])
        assert risk_sweep() is None
        assert not RiskAssessment.objects.exists()
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK_KEY])
        assert risk_sweep() is not None
    finally:
        other.close()


def test_a_sweep_is_skipped_while_another_holds_the_lease_and_records_its_finish(officer):
    from portal.leases import lease_release, lease_take
    from portal.models import Heartbeat
    from wellbeing.risk.service import SWEEP_LEASE

    other = lease_take(SWEEP_LEASE, seconds=600)  # another worker's sweep, still running
    assert risk_sweep() is None
    assert not Heartbeat.objects.filter(name="risk_sweep").exists()
    lease_release(other)
    assert risk_sweep() is not None
    assert Heartbeat.objects.get(name="risk_sweep").at > timezone.now() - timedelta(minutes=1)


def test_a_sweep_whose_lease_was_taken_over_stops(officer, settings):
    from portal.leases import Held
    from portal.models import Heartbeat

    settings.RISK_SWEEP_CHUNK = 1
    with mock.patch.object(Held, "renew", return_value=False):
        assert risk_sweep() == 0
    assert not RiskAssessment.objects.exists()
    assert not Heartbeat.objects.filter(name="risk_sweep").exists()


def test_the_task_clears_the_pending_mark_only_for_requests_it_covered(officer):
    RecomputePending.objects.create(officer=officer, requested_at=timezone.now() + timedelta(minutes=5))
    recompute_risk.apply(args=[officer.pk])
    assert RecomputePending.objects.filter(pk=officer.pk).exists()  # a newer request is still pending
    RecomputePending.objects.filter(pk=officer.pk).update(requested_at=timezone.now() - timedelta(minutes=5))
    recompute_risk.apply(args=[officer.pk])
    assert not RecomputePending.objects.filter(pk=officer.pk).exists()


def test_a_task_that_keeps_failing_ends_in_a_visible_failure_record(officer, monkeypatch):
    calls = []

    def broken(**kwargs):
        calls.append(1)
        raise OperationalError("database restarting")

    monkeypatch.setattr("wellbeing.risk.service.risk_recompute", broken)
    # as a worker would: the failure ends the chain of retries instead of raising into the caller
    monkeypatch.setitem(recompute_risk.app.conf, "task_eager_propagates", False)
    result = recompute_risk.apply(args=[officer.pk], throw=False)
    assert result.failed()
    assert len(calls) == 1 + recompute_risk.max_retries
    failure = TaskFailure.objects.get()
    assert failure.task_name == "wellbeing.recompute_risk" and failure.args == [officer.pk]
    assert "OperationalError" in failure.error


def test_a_bad_argument_fails_at_once_without_retrying(db):
    result = recompute_risk.apply(args=["not-an-id"], throw=False)
    assert result.failed()
    assert TaskFailure.objects.count() == 1


def test_unacknowledged_flags_escalate_to_oh_once(officer, supervisor, oh):
    from wellbeing.risk.flags import flag_raise

    flag, _ = flag_raise(officer=officer, reason_code="exposure_load_high", acknowledge_within_hours=0)
    assert escalate_overdue_flags.apply().get() == 1
    assert escalate_overdue_flags.apply().get() == 0
    flag.refresh_from_db()
    assert flag.status == Flag.Status.ESCALATED
    escalated = "Occupational health: an item was escalated to your queue"
    assert Notification.objects.filter(user=oh, title=escalated).count() == 1


class TestRunningTasksRepeatedly(HypothesisTestCase):
    """Running the recompute 1, 2 or 5 times gives the same assessments and each flag once."""

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        exposures=st.lists(st.tuples(st.integers(0, 100), st.integers(1, 5), st.integers(5, 300),
                                     st.booleans()), min_size=0, max_size=12),
        runs=st.sampled_from([1, 2, 5]),
    )
    def test_repeats_are_harmless(self, exposures, runs):
        supervisor = UserFactory(is_supervisor=True)
        team = TeamFactory(unit__organisation=supervisor.organisation)
        team.supervisors.add(supervisor)
        person = OfficerFactory(organisation=supervisor.organisation, team=team)
        for days_ago, intensity, minutes, critical in exposures:
            add_exposure(person, days_ago=days_ago, intensity=intensity, minutes=minutes, critical_incident=critical)
        now = timezone.now()
        risk_recompute(officer_ids=[person.pk], now=now)
        once = (list(RiskAssessment.objects.filter(officer=person).values_list("level", "reasons", "inputs_digest")),
                sorted(Flag.objects.filter(officer=person).values_list("reason_code", flat=True)))
        for _ in range(runs - 1):
            risk_recompute(officer_ids=[person.pk], now=now)
            recompute_risk.apply(args=[person.pk])
        again = (list(RiskAssessment.objects.filter(officer=person).values_list("level", "reasons", "inputs_digest")),
                 sorted(Flag.objects.filter(officer=person).values_list("reason_code", flat=True)))
        assert again == once
        assert len(once[1]) == len(set(once[1]))


def _checkin(officer, instrument, total, days_ago, answers=None):
    """A check-in scored by the instruments: `answers`, or answers that add up to `total`."""
    from wellbeing.tests.factories import CheckInFactory

    given = {"answers": answers} if answers is not None else {"score_total": total}
    checkin = CheckInFactory(officer=officer, instrument=instrument,
                             completed_at=timezone.now() - timedelta(days=days_ago), **given)
    assert checkin.total == total
    return checkin


def test_only_the_latest_result_of_each_questionnaire_counts(officer, supervisor):
    _checkin(officer, "phq9", 14, days_ago=20)
    _checkin(officer, "phq9", 4, days_ago=2)
    _checkin(officer, "gad7", 3, days_ago=30)
    _checkin(officer, "gad7", 12, days_ago=5)
    _checkin(officer, "phq4", 4, days_ago=3, answers=[1, 0, 2, 1])  # anxiety 1, depression 3
    [assessment] = risk_recompute(officer_ids=[officer.pk])
    screen = next(r for r in assessment.reasons if r["code"] == "screen_over_cutoff")
    assert screen["numbers"] == {"instruments": ["gad7", "phq4"]}


def test_a_check_in_after_a_critical_incident_covers_its_72_hour_follow_up(officer, supervisor):
    from wellbeing.trim.tests.factories_integ import open_case

    add_exposure(officer, days_ago=4, critical_incident=True)
    open_case(officer, at=timezone.now() - timedelta(days=4))  # the case the log opens
    [before] = risk_recompute(officer_ids=[officer.pk])
    assert "critical_incident_followup" in {r["code"] for r in before.reasons}
    _checkin(officer, "pulse", 15, days_ago=0)
    [after] = risk_recompute(officer_ids=[officer.pk])
    assert "critical_incident_followup" not in {r["code"] for r in after.reasons}


def test_new_numbers_for_the_same_finding_refresh_the_current_assessment(officer, supervisor):
    from portal.models import AuditEvent

    usual_then_heavy(officer)
    now = timezone.now()
    [first] = risk_recompute(officer_ids=[officer.pk], now=now)
    flags = Flag.objects.filter(officer=officer).count()
    # A day later the load has decayed a little: the same reasons at the same levels, other numbers.
    [same] = risk_recompute(officer_ids=[officer.pk], now=now + timedelta(days=1))
    assert same.pk == first.pk and RiskAssessment.objects.filter(officer=officer).count() == 1
    assert same.refreshed_at == now + timedelta(days=1) and same.computed_at == first.computed_at
    assert same.level == first.level and [r["code"] for r in same.reasons] == [r["code"] for r in first.reasons]
    assert same.reasons != first.reasons  # the numbers moved on
    assert Flag.objects.filter(officer=officer).count() == flags
    assert AuditEvent.objects.filter(action="riskassessment_refreshed").count() == 1
    assert risk_recompute(officer_ids=[officer.pk], now=now + timedelta(days=1)) == []


def test_a_closed_flag_is_not_raised_again_while_the_finding_stays_the_same(officer, supervisor):
    usual_then_heavy(officer)
    now = timezone.now()
    risk_recompute(officer_ids=[officer.pk], now=now)
    Flag.objects.filter(officer=officer).update(status=Flag.Status.CLOSED)
    risk_recompute(officer_ids=[officer.pk], now=now + timedelta(days=1))
    assert not Flag.objects.filter(officer=officer, status__in=Flag.ACTIVE).exists()


def test_a_new_finding_is_a_new_assessment_and_the_old_one_is_kept_as_it_was(officer, supervisor):
    usual_then_heavy(officer)
    now = timezone.now()
    [first] = risk_recompute(officer_ids=[officer.pk], now=now)
    _checkin(officer, "phq9", 15, days_ago=0)
    [second] = risk_recompute(officer_ids=[officer.pk], now=now + timedelta(minutes=5))
    assert second.pk != first.pk and "screen_over_cutoff" in {r["code"] for r in second.reasons}
    old = RiskAssessment.objects.get(pk=first.pk)
    assert not old.is_current and old.reasons == first.reasons and old.refreshed_at is None


def test_a_refresh_never_rewrites_an_assessment_that_is_no_longer_current(officer, supervisor):
    from wellbeing.risk.engine import Assessment
    from wellbeing.risk.service import _refresh

    usual_then_heavy(officer)
    now = timezone.now()
    [first] = risk_recompute(officer_ids=[officer.pk], now=now)
    _checkin(officer, "phq9", 15, days_ago=0)
    risk_recompute(officer_ids=[officer.pk], now=now)
    stale = Assessment(level="green", score=0.0, reasons=())
    assert _refresh([(first.pk, stale, "x" * 64)], now=now) == 0
    old = RiskAssessment.objects.get(pk=first.pk)
    assert old.level == first.level and old.reasons == first.reasons and old.inputs_digest == first.inputs_digest


def test_the_sweep_turns_the_cycle_collector_back_on(officer):
    import gc

    assert gc.isenabled()
    risk_sweep()
    assert gc.isenabled()
    gc.disable()
    try:
        risk_sweep()
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_a_refresh_stores_the_numbers_exactly(officer, supervisor):
    from wellbeing.risk.engine import Assessment, ReasonResult
    from wellbeing.risk.service import _refresh

    usual_then_heavy(officer)
    [current] = risk_recompute(officer_ids=[officer.pk])
    awkward = {"text": 'back\\slash, "quotes", tab\tand ü', "ratio": 0.1 + 0.2}
    reason = ReasonResult("exposure_load_high", "amber", awkward)
    result = Assessment(level=current.level, score=12.3, reasons=(reason,))
    assert _refresh([(current.pk, result, "d" * 64)], now=timezone.now()) == 1
    current.refresh_from_db()
    assert current.reasons == result.as_json() and current.score == 12.3 and current.inputs_digest == "d" * 64
