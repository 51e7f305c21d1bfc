"""The reports' arithmetic, alone: percentiles, days, on time, referrals, months, suppression."""

from datetime import date, timedelta

import pytest

from portal.exports import SUPPRESSED
from wellbeing.trim import stats
from wellbeing.trim.stats import CaseRow, Figures


def row(incident_on=date(2026, 3, 3), *, unit="Response", offer="", due=None, held=None, referred=False):
    return CaseRow(incident_on=incident_on, unit=unit, offer=offer,
                   assessment_due_on=due or incident_on + timedelta(days=3),
                   initial_held_on=held, referred=referred)


# ----------------------------------------------------------------------------- percentiles


@pytest.mark.parametrize(("values", "p", "want"), [
    ([7], 0.5, 7), ([7], 0.9, 7), ([7], 0, 7), ([7], 1, 7),
    ([1, 2, 3, 4], 0.5, 2.5),  # the median of an even count is the mean of the middle two
    ([1, 2, 3, 4], 0.9, 3.7),  # Excel: PERCENTILE.INC({1,2,3,4}, 0.9) = 3.7
    ([4, 1, 3, 2], 0.9, 3.7),  # order does not matter
    ([1, 2, 3, 4, 5], 0.5, 3), ([1, 2, 3, 4, 5], 0.9, 4.6),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1), ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 1),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1, 10), ([2, 2, 2, 9], 0.5, 2),
])
def test_percentiles_interpolate_between_the_nearest_values_as_percentile_inc(values, p, want):
    assert stats.percentile(values, p) == pytest.approx(want)


def test_a_percentile_of_nothing_or_out_of_range_is_refused():
    with pytest.raises(ValueError):
        stats.percentile([], 0.5)
    with pytest.raises(ValueError):
        stats.percentile([1], 1.5)
    with pytest.raises(ValueError):
        stats.percentile([1], -0.1)


@pytest.mark.parametrize(("value", "want"), [(6.25, 6.3), (6.24, 6.2), (2.5, 2.5), (3.7000000000000002, 3.7),
                                             (100 * 2 / 3, 66.7), (0, 0.0), (0.05, 0.1)])
def test_one_decimal_rounds_halves_up(value, want):
    assert stats.one_decimal(value) == want


# ----------------------------------------------------------------------------- one case


def test_days_to_assessment_are_calendar_days_from_the_incidents_day():
    assert stats.days_to_assessment(row(date(2026, 3, 3), held=date(2026, 3, 3))) == 0
    assert stats.days_to_assessment(row(date(2026, 3, 3), held=date(2026, 3, 6))) == 3
    assert stats.days_to_assessment(row(date(2026, 2, 27), held=date(2026, 3, 2))) == 3  # across a month end
    assert stats.days_to_assessment(row(date(2026, 3, 3))) is None
    assert stats.days_to_assessment(row(date(2026, 3, 3), held=date(2026, 3, 1))) == 0  # a slip: never negative


def test_held_on_its_due_day_is_on_time_and_a_day_later_is_not():
    due = date(2026, 3, 6)
    assert stats.held_on_time(row(due=due, held=date(2026, 3, 5)))
    assert stats.held_on_time(row(due=due, held=due))
    assert not stats.held_on_time(row(due=due, held=date(2026, 3, 7)))
    assert not stats.held_on_time(row(due=due))


@pytest.mark.parametrize(("assessments", "want"), [
    ([], False),
    ([("initial", "low", "none")], False),
    ([("initial", "raised", "peer_support")], False),  # a raised initial band alone is not a referral
    ([("initial", "raised", "line_manager")], False),
    ([("initial", "low", "oh_referral")], True),
    ([("initial", "raised", "named_service")], True),
    ([("initial", "low", "none"), ("follow_up", "raised", "peer_support")], True),  # a raised follow-up
    ([("initial", "low", "none"), ("follow_up", "low", "none")], False),
])
def test_a_case_is_referred_by_a_referral_action_or_a_raised_follow_up(assessments, want):
    assert stats.referred(assessments) is want


# ----------------------------------------------------------------------------- suppression


@pytest.mark.parametrize(("counts", "want"), [
    ([], []),
    ([5, 6, 7], [5, 6, 7]),
    ([0, 0], [SUPPRESSED, SUPPRESSED]),
    ([4], [SUPPRESSED]),
    ([4, 9, 6], [SUPPRESSED, 9, SUPPRESSED]),  # one hidden: the smallest shown is hidden too
    ([9, 3, 6, 6], [9, SUPPRESSED, SUPPRESSED, 6]),  # the first of equals
    ([1, 2, 8], [SUPPRESSED, SUPPRESSED, 8]),  # two hidden already: their sum is all the total says
    ([5, 4], [SUPPRESSED, SUPPRESSED]),
])
def test_protect_hides_small_counts_and_a_second_one_when_one_alone_would_show(counts, want):
    assert stats.protect(counts) == want


def test_a_small_group_has_every_figure_suppressed():
    rows = [row(held=date(2026, 3, 5), offer="declined", referred=True) for _ in range(4)]
    [(key, figures)] = stats.table([("g", rows)])
    assert key == "g"
    assert figures == Figures(SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED)


def test_a_group_of_five_shows_its_figures():
    held = [date(2026, 3, d) for d in (4, 5, 6, 7, 10)]  # 1, 2, 3, 4, 7 days; due on the 6th
    rows = [row(date(2026, 3, 3), due=date(2026, 3, 6), held=h, offer="accepted") for h in held]
    [(_key, figures)] = stats.table([("g", rows)], below=5)
    assert figures.cases == 5 and figures.held == 5
    assert figures.median_days == 3.0
    assert figures.p90_days == 5.8  # 4 + 0.6 x (7 - 4)
    assert figures.on_time_share == 60.0  # the 4th, 5th and 6th
    assert figures.declined == SUPPRESSED and figures.referred == SUPPRESSED  # 0 is under 5


def test_measures_need_five_assessments_held_even_in_a_large_group():
    rows = [row(held=date(2026, 3, 5)) for _ in range(4)] + [row() for _ in range(10)]
    [(_key, figures)] = stats.table([("g", rows)])
    assert figures.cases == 14
    assert figures.held == SUPPRESSED
    assert (figures.median_days, figures.p90_days, figures.on_time_share) == (SUPPRESSED,) * 3


def test_nothing_held_gives_no_measures_rather_than_a_suppressed_one():
    [(_key, figures)] = stats.table([("g", [row()])], below=1)
    assert figures.cases == 1 and figures.held == SUPPRESSED  # 0 is under any threshold
    assert (figures.median_days, figures.p90_days, figures.on_time_share) == (None, None, None)


def test_with_no_threshold_the_raw_counts_show():
    rows = [row(offer="declined"), row(offer="accepted", referred=True, held=date(2026, 3, 4)), row(offer="")]
    [(_key, figures)] = stats.table([("g", rows)], below=0)
    assert (figures.cases, figures.held, figures.declined, figures.referred) == (3, 1, 1, 1)
    assert (figures.median_days, figures.p90_days, figures.on_time_share) == (1.0, 1.0, 100.0)


# ----------------------------------------------------------------------------- months and units


def test_months_between_lists_every_first_day_across_a_year_end():
    assert stats.months_between(date(2025, 11, 30), date(2026, 2, 1)) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert stats.months_between(date(2026, 3, 5), date(2026, 3, 5)) == [date(2026, 3, 1)]
    with pytest.raises(ValueError):
        stats.months_between(date(2026, 3, 5), date(2026, 3, 4))


def test_by_month_counts_each_case_in_its_incidents_month_and_keeps_empty_months():
    rows = ([row(date(2026, 1, 31)) for _ in range(6)] + [row(date(2026, 3, 1)) for _ in range(7)]
            + [row(date(2025, 12, 31)), row(date(2026, 4, 1))])  # outside the range: left out
    months = stats.by_month(rows, date(2026, 1, 15), date(2026, 3, 20), below=0)
    assert [(m, f.cases) for m, f in months] == [(date(2026, 1, 1), 6), (date(2026, 2, 1), 0), (date(2026, 3, 1), 7)]


def test_by_month_suppresses_a_second_month_when_one_alone_is_small():
    rows = ([row(date(2026, 1, 5)) for _ in range(6)] + [row(date(2026, 2, 5)) for _ in range(9)]
            + [row(date(2026, 3, 5))])
    months = stats.by_month(rows, date(2026, 1, 1), date(2026, 3, 31))
    assert [f.cases for _m, f in months] == [SUPPRESSED, 9, SUPPRESSED]


def test_by_unit_sorts_by_name_with_no_team_last():
    rows = ([row(unit="response") for _ in range(5)] + [row(unit="") for _ in range(5)]
            + [row(unit="CID") for _ in range(6)])
    assert [(u, f.cases) for u, f in stats.by_unit(rows)] == [("CID", 6), ("response", 5), ("", 5)]


def test_by_unit_of_nothing_is_empty():
    assert stats.by_unit([]) == []


def test_figure_names_follow_the_columns():
    assert stats.figure_names() == ["cases", "held", "median_days", "p90_days", "on_time_share", "declined",
                                    "referred"]
