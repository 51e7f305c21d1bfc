"""The one definition of the exposure load (exposure/load.py) against hand-worked examples."""

import pytest

from exposure import load


def test_the_usual_is_the_steady_state_of_the_mean_daily_dose():
    assert load.usual_load(1.0, 14.0) == pytest.approx(1 / (1 - 0.5 ** (1 / 14)))
    assert load.usual_load(0.0, 14.0) == 0.0


def test_the_lookback_covers_the_windows_or_eight_half_lives():
    assert load.lookback_days(7.0) == load.RECENT_DAYS + load.USUAL_WINDOW_DAYS == 98
    assert load.lookback_days(14.0) == 112


def test_bands_follow_the_threshold_and_recent_exposure():
    assert load.usual_band(None, recent_dose=5.0, threshold=1.5) == load.NO_HISTORY
    assert load.usual_band(1.5, recent_dose=5.0, threshold=1.5) == load.HIGHER
    assert load.usual_band(1.5, recent_dose=0.0, threshold=1.5) == load.EASING  # nothing lately: coming down
    assert load.usual_band(1.49, recent_dose=5.0, threshold=1.5) == load.USUAL
    assert load.usual_band(1 / 1.5, recent_dose=5.0, threshold=1.5) == load.LOWER


def test_a_shown_ratio_never_crosses_its_threshold():
    assert load.shown_ratio(1.46) == 1.4  # not 1.5: it missed 1.5
    assert load.shown_ratio(1.5) == 1.5
    assert load.shown_ratio(1.27, 1.25) == 1.25  # not 1.2: it reached 1.25
    assert load.shown_ratio(1.24, 1.25) == 1.2
    assert load.shown_ratio(None) is None


def test_every_band_has_a_sentence_and_no_assessment_says_so():
    for band in load.BANDS:
        assert load.officer_sentence(band)
    assert "not been compared" in load.officer_sentence(None)


def test_the_sql_fragment_is_one_per_database_with_parameters_only():
    for vendor in ("postgresql", "sqlite"):
        sql = load.decayed_load_sql(vendor, dose="e.dose", day="e.shift_date")
        assert sql.count("%s") == 2 and "POWER(0.5" in sql and "e.shift_date" in sql
