"""The dose arithmetic against examples worked out by hand (see exposure/dose.py for the formula)."""

from datetime import date, timedelta

import pytest

from exposure.dose import entry_dose, entry_dose_many, mitigation_factor
from exposure.load import daily_loads, decayed_load

BASE = {"mitigations": [], "defined_task": None, "critical_incident": False}


def test_an_hour_at_intensity_three_weighs_three():
    assert entry_dose(intensity=3, minutes=60, **BASE) == 3.0


def test_ninety_minutes_at_four_with_two_mitigations_weighs_four_point_eight():
    # 4 x 1.5 h x (1 - 2 x 0.1) = 4.8
    dose = entry_dose(intensity=4, minutes=90, mitigations=["greyscale", "audio_muted"], defined_task=None,
                      critical_incident=False)
    assert dose == pytest.approx(4.8)


def test_no_minutes_counts_as_half_an_hour():
    # 5 x 0.5 h = 2.5
    assert entry_dose(intensity=5, minutes=None, **BASE) == 2.5


def test_a_defined_task_protects_and_a_critical_incident_doubles():
    # 5 x 0.5 x 0.8 = 2.0; doubled for a critical incident = 4.0
    assert entry_dose(intensity=5, minutes=None, mitigations=[], defined_task=True, critical_incident=False) == 2.0
    assert entry_dose(intensity=5, minutes=None, mitigations=[], defined_task=True, critical_incident=True) == 4.0
    # "no defined task" and "not asked" both leave the dose as it is
    assert entry_dose(intensity=5, minutes=None, mitigations=[], defined_task=False, critical_incident=False) == 2.5


def test_mitigations_never_take_off_more_than_forty_percent():
    # 2 x 2 h x 0.6 = 2.4, whether four or all seven mitigations are used
    four = ["greyscale", "reduced_size", "audio_muted", "blur"]
    all_seven = four + ["screen_filter", "daylight", "breaks"]
    assert entry_dose(intensity=2, minutes=120, mitigations=four, defined_task=None,
                      critical_incident=False) == pytest.approx(2.4)
    assert entry_dose(intensity=2, minutes=120, mitigations=all_seven, defined_task=None,
                      critical_incident=False) == pytest.approx(2.4)


def test_unknown_and_repeated_mitigations_do_not_count():
    assert mitigation_factor(["breaks", "breaks", "crystals"]) == pytest.approx(0.9)
    assert mitigation_factor([]) == 1.0


def test_zero_minutes_weighs_nothing():
    assert entry_dose(intensity=5, minutes=0, **BASE) == 0.0


def test_several_calls_of_one_kind_multiply_the_dose():
    # three calls at intensity 4, half an hour each: 3 x 4 x 0.5 = 6.0
    assert entry_dose_many(count=3, intensity=4, minutes=None, **BASE) == 6.0
    assert entry_dose_many(count=0, intensity=4, minutes=None, **BASE) == 0.0


@pytest.mark.parametrize("bad", [{"intensity": 0}, {"intensity": 6}, {"minutes": -1}])
def test_out_of_range_input_is_refused(bad):
    kwargs = {"intensity": 3, "minutes": 10, **BASE, **bad}
    with pytest.raises(ValueError):
        entry_dose(**kwargs)


def test_a_load_halves_each_half_life():
    d0 = date(2026, 1, 1)
    entries = [(d0, 8.0)]
    assert decayed_load(entries, as_of=d0, half_life_days=14) == 8.0
    assert decayed_load(entries, as_of=d0 + timedelta(days=14), half_life_days=14) == pytest.approx(4.0)
    assert decayed_load(entries, as_of=d0 + timedelta(days=28), half_life_days=14) == pytest.approx(2.0)


def test_a_load_sums_entries_and_ignores_those_after_the_day():
    as_of = date(2026, 3, 10)
    entries = [(as_of, 1.0), (as_of - timedelta(days=7), 2.0), (as_of + timedelta(days=1), 100.0)]
    # 1 + 2 x 0.5 = 2.0; the entry after as_of is ignored
    assert decayed_load(entries, as_of=as_of, half_life_days=7) == pytest.approx(2.0)
    assert decayed_load([], as_of=as_of, half_life_days=7) == 0.0


def test_a_load_needs_a_positive_half_life():
    with pytest.raises(ValueError):
        decayed_load([], as_of=date(2026, 1, 1), half_life_days=0)


def test_daily_loads_match_the_load_of_each_day():
    start = date(2026, 2, 1)
    entries = [(start - timedelta(days=10), 3.0), (start, 2.0), (start + timedelta(days=3), 5.0),
               (start + timedelta(days=3), 1.0), (start + timedelta(days=40), 9.0)]
    series = daily_loads(entries, start=start, end=start + timedelta(days=6), half_life_days=14)
    assert [d for d, _ in series] == [start + timedelta(days=i) for i in range(7)]
    for day, load in series:
        assert load == pytest.approx(decayed_load(entries, as_of=day, half_life_days=14))
