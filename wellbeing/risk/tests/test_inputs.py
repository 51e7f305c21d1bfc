"""Gathering the risk inputs: the single PostgreSQL aggregate and the portable queries agree."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import OfficerFactory
from wellbeing.models import CheckIn
from wellbeing.risk.inputs import PULSE_LOOKBACK_DAYS, gather
from wellbeing.risk.rules import DEFAULT_RULES
from wellbeing.tests.risk_data import add_exposure

INSTRUMENTS = ["pulse", "pulse", "pulse", "phq9", "gad7", "pcl5", "phq4"]


def _checkin(officer, instrument, *, at, total, urgent=False, result=None):
    return CheckIn.objects.create(officer=officer, instrument=instrument, instrument_version="v1", answers=[],
                                  total=total, urgent=urgent, result=result or {}, completed_at=at)


def _random_history(rng: random.Random, officer, now) -> None:
    for _ in range(rng.randint(0, 12)):
        add_exposure(officer, days_ago=rng.randint(0, 130), intensity=rng.randint(1, 5),
                     minutes=rng.choice([20, 59, 60, 120, 240]), critical_incident=rng.random() < 0.15,
                     mitigations=rng.choice([(), ("breaks",), ("greyscale",)]))
    for _ in range(rng.randint(0, 16)):
        instrument = rng.choice(INSTRUMENTS)
        # some check-ins long ago (the last check-in then comes from the second query), some at the
        # same moment (ties are broken by id)
        at = now - timedelta(days=rng.choice([0, 1, 5, 13, 15, 60, 89, 91, 119, 121, 200, 400]),
                             minutes=rng.choice([0, 0, 7, 300]))
        result = {"anxiety": rng.randint(0, 6), "depression": rng.randint(0, 6)} if instrument == "phq4" else None
        if instrument == "pcl5":  # the DSM-5 rule met, not met, or (older rows) not recorded
            result = rng.choice([{"dsm5_provisional": True}, {"dsm5_provisional": False}, None])
        _checkin(officer, instrument, at=at, total=rng.randint(0, 20), urgent=rng.random() < 0.1, result=result)


def _comparable(inputs):
    return {pk: (i.role, round(i.load_now, 9), round(i.recent_dose, 9), round(i.usual_daily_dose, 9),
                 sorted(set(i.critical_incidents)), i.long_viewing_without_breaks, i.last_checkin_at,
                 sorted((s.instrument, s.completed_at, s.total, sorted(s.subscales.items()), s.dsm5_provisional,
                         s.checkin_id) for s in i.screens),
                 i.pulses, i.urgent_at, i.urgent_code if i.urgent_at else None, i.urgent_checkin_id)
            for pk, i in inputs.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_postgresql_aggregates_give_the_same_inputs_as_the_portable_queries(force, seed):
    if connection.vendor != "postgresql":
        pytest.skip("the single-statement aggregates are PostgreSQL's; SQLite always uses the portable queries")
    rng = random.Random(seed)
    now = timezone.now()
    people = [OfficerFactory(organisation=force, high_risk_role=rng.choice(["call_handling", "cse_review"]))
              for _ in range(12)]
    for person in people:
        _random_history(rng, person, now)
    # one officer with many pulses, two of them at the same moment
    for day in range(12):
        _checkin(people[0], "pulse", at=now - timedelta(days=day), total=20 - day)
    _checkin(people[0], "pulse", at=now - timedelta(days=3), total=1)

    fast = gather(None, now=now, rules=DEFAULT_RULES)
    portable = gather(None, now=now, rules=DEFAULT_RULES, portable=True)
    assert _comparable(fast) == _comparable(portable)
    ids = [p.pk for p in people[:3]]
    assert _comparable(gather(ids, now=now, rules=DEFAULT_RULES)) == _comparable(
        gather(ids, now=now, rules=DEFAULT_RULES, portable=True))
    assert len(fast[people[0].pk].pulses) == 2 * DEFAULT_RULES["pulse_trend_window"]


def test_pulses_come_oldest_first_and_only_the_last_two_windows(officer):
    now = timezone.now()
    for day, total in [(PULSE_LOOKBACK_DAYS + 1, 0)] + [(d, 10 + d) for d in range(10)]:
        _checkin(officer, "pulse", at=now - timedelta(days=day), total=total)
    pulses = gather([officer.pk], now=now, rules=DEFAULT_RULES)[officer.pk].pulses
    assert pulses == [17, 16, 15, 14, 13, 12, 11, 10]


def test_a_last_check_in_older_than_the_recent_window_still_counts(officer):
    now = timezone.now()
    long_ago = now - timedelta(days=200)
    _checkin(officer, "phq9", at=long_ago, total=3)
    _checkin(officer, "gad7", at=now - timedelta(days=400), total=3)
    inputs = gather([officer.pk], now=now, rules=DEFAULT_RULES)[officer.pk]
    assert inputs.last_checkin_at == long_ago and inputs.screens == []


def test_an_urgent_answer_and_the_latest_screens(officer):
    now = timezone.now()
    _checkin(officer, "phq4", at=now - timedelta(days=2), total=6, urgent=True,
             result={"anxiety": 3, "depression": 3})
    _checkin(officer, "phq9", at=now - timedelta(days=3), total=12, urgent=True)
    _checkin(officer, "phq9", at=now - timedelta(days=1), total=4)
    inputs = gather([officer.pk], now=now, rules=DEFAULT_RULES)[officer.pk]
    assert inputs.urgent_code == "safety_question" and inputs.urgent_at == now - timedelta(days=2)
    assert sorted((s.instrument, s.total, s.subscales) for s in inputs.screens) == [
        ("phq4", 6, {"anxiety": 3, "depression": 3}), ("phq9", 4, {})]


def test_clinical_result_not_triaged_both_paths_carry_the_pcl5_rule_and_the_check_in(officer):
    now = timezone.now()
    pcl5 = _checkin(officer, "pcl5", at=now - timedelta(days=1), total=12, result={"dsm5_provisional": True})
    urgent = _checkin(officer, "phq9", at=now - timedelta(days=2), total=3, urgent=True)
    for portable in (False, True):
        inputs = gather([officer.pk], now=now, rules=DEFAULT_RULES, portable=portable)[officer.pk]
        screens = {s.instrument: s for s in inputs.screens}
        assert (screens["pcl5"].dsm5_provisional, screens["pcl5"].checkin_id) == (True, pcl5.pk)
        assert (screens["phq9"].dsm5_provisional, screens["phq9"].checkin_id) == (False, urgent.pk)
        assert inputs.urgent_checkin_id == urgent.pk
