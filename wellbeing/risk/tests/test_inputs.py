"""Gathering the risk inputs: the single PostgreSQL aggregate and the portable queries agree."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import OfficerFactory
from wellbeing import instruments
from wellbeing.risk.engine import NO_SUBSCALES
from wellbeing.risk.inputs import PULSE_LOOKBACK_DAYS, gather
from wellbeing.risk.rules import DEFAULT_RULES
from wellbeing.tests.risk_data import add_exposure

INSTRUMENTS = ["pulse", "pulse", "pulse", "phq9", "gad7", "pcl5", "phq4"]


def _checkin(officer, instrument, *, at, total=None, answers=None, safety=None, **extra):
    """A check-in scored by the instruments: `answers`, or answers that add up to `total`."""
    from wellbeing.tests.factories import CheckInFactory

    given = {"answers": answers} if answers is not None else {"score_total": total}
    if safety is not None:
        given["safety"] = safety
    checkin = CheckInFactory(officer=officer, instrument=instrument, completed_at=at, **given, **extra)
    assert total is None or checkin.total == total
    return checkin


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
        definition = instruments.get(instrument)
        # random answers, scored as published: PHQ-9 item 9 above 0 (and PHQ-4's safety question, yes)
        # now and then make the check-in urgent, and the PCL-5 DSM-5 rule is met or not
        values = [definition.min_value] * 3 + list(range(definition.min_value, definition.max_value + 1))
        answers = [rng.choice(values) for _ in definition.items]
        extra = {"safety": rng.random() < 0.1} if definition.safety_question else {}
        if instrument == "pcl5" and rng.random() < 0.3:
            extra["result"] = {}  # an older row, from before the DSM-5 rule was recorded
        _checkin(officer, instrument, at=at, answers=answers, **extra)


def _comparable(inputs):
    return {pk: (i.role, round(i.load_now, 9), round(i.recent_dose, 9), round(i.usual_daily_dose, 9),
                 sorted(set(i.followups)), i.long_viewing_without_breaks, sorted(i.call_runs), i.last_checkin_at,
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
    _checkin(officer, "phq4", at=now - timedelta(days=2), answers=[2, 1, 2, 1], safety=True)  # 3 and 3
    _checkin(officer, "phq9", at=now - timedelta(days=3), answers=[3, 3, 3, 2, 0, 0, 0, 0, 1])
    _checkin(officer, "phq9", at=now - timedelta(days=1), total=4)
    inputs = gather([officer.pk], now=now, rules=DEFAULT_RULES)[officer.pk]
    assert inputs.urgent_code == "safety_question" and inputs.urgent_at == now - timedelta(days=2)
    assert sorted((s.instrument, s.total, s.subscales) for s in inputs.screens) == [
        ("phq4", 6, {"anxiety": 3, "depression": 3}), ("phq9", 4, {})]


def test_clinical_result_not_triaged_screens_are_held_compactly_with_their_subscales_on_both_paths(officer):
    """A sweep holds a screen or more for most officers (P2, its peak memory): no per-screen
    attribute dict, and the screens without subscales share one empty mapping that nobody can change."""
    now = timezone.now()
    _checkin(officer, "phq4", at=now - timedelta(days=2), answers=[2, 1, 2, 1])
    _checkin(officer, "gad7", at=now - timedelta(days=1), total=12)
    for portable in (False, True):
        screens = {s.instrument: s for s in gather([officer.pk], now=now, rules=DEFAULT_RULES,
                                                    portable=portable)[officer.pk].screens}
        assert not any(hasattr(s, "__dict__") for s in screens.values())
        assert screens["gad7"].subscales is NO_SUBSCALES and dict(screens["phq4"].subscales) == {
            "anxiety": 3, "depression": 3}
        with pytest.raises(TypeError):
            screens["gad7"].subscales["anxiety"] = 1  # type: ignore[index]


def test_clinical_result_not_triaged_both_paths_carry_the_pcl5_rule_and_the_check_in(officer):
    now = timezone.now()
    # 2 on one B, one C, two D and two E items: the DSM-5 rule met at a total of 12
    pcl5 = _checkin(officer, "pcl5", at=now - timedelta(days=1),
                    answers=[2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0])
    assert pcl5.total == 12 and pcl5.result["dsm5_provisional"]
    urgent = _checkin(officer, "phq9", at=now - timedelta(days=2), answers=[1, 1, 0, 0, 0, 0, 0, 0, 1])
    assert urgent.urgent
    for portable in (False, True):
        inputs = gather([officer.pk], now=now, rules=DEFAULT_RULES, portable=portable)[officer.pk]
        screens = {s.instrument: s for s in inputs.screens}
        assert (screens["pcl5"].dsm5_provisional, screens["pcl5"].checkin_id) == (True, pcl5.pk)
        assert (screens["phq9"].dsm5_provisional, screens["phq9"].checkin_id) == (False, urgent.pk)
        assert inputs.urgent_checkin_id == urgent.pk


def test_a_shift_counts_from_its_london_date_in_the_first_hour_of_a_summer_day(db):
    # Issue 17: 00:30 BST on 15 July is 23:30 UTC on the 14th. A shift dated the 15th (in London)
    # counts in the load at once, not an hour later when the UTC date catches up.
    from datetime import UTC, date, datetime

    from exposure.models import Exposure, ShiftLog

    officer = OfficerFactory(high_risk_role="call_handling")
    exposure = add_exposure(officer, days_ago=0, intensity=3, minutes=60)
    Exposure.objects.filter(pk=exposure.pk).update(shift_date=date(2026, 7, 15))
    ShiftLog.objects.filter(pk=exposure.shift_id).update(shift_date=date(2026, 7, 15))
    inputs = gather([officer.pk], now=datetime(2026, 7, 14, 23, 30, tzinfo=UTC), rules=DEFAULT_RULES, portable=True)
    assert inputs[officer.pk].load_now > 0
    assert inputs[officer.pk].recent_dose == pytest.approx(exposure.dose)
