"""Report arithmetic on known sets (cell neutralisation: portal/tests/test_exports.py)."""

import pytest

from training.reports import CompletionRow, evaluation_summary, percentage


def test_the_kansas_city_figures_give_99_point_8_percent_satisfied():
    # 1,500 evaluations, 3 of them unsatisfied: 1,497 / 1,500 = 99.8%.
    summary = evaluation_summary({1: 1, 2: 2, 3: 297, 4: 1200}, recommend_yes=1470)
    assert summary.count == 1500
    assert summary.satisfied == 1497
    assert summary.satisfied_pct == 99.8
    assert summary.distribution_pct == {1: 0.1, 2: 0.1, 3: 19.8, 4: 80.0}
    assert summary.recommend_pct == 98.0


def test_a_small_known_set():
    summary = evaluation_summary({4: 2, 3: 1, 2: 1})
    assert summary.distribution == {1: 0, 2: 1, 3: 1, 4: 2}
    assert summary.satisfied_pct == 75.0


def test_no_evaluations_gives_no_percentage_rather_than_zero():
    summary = evaluation_summary({})
    assert summary.count == 0 and summary.satisfied_pct is None and summary.distribution_pct[4] is None


def test_unknown_levels_and_impossible_recommend_counts_are_refused():
    with pytest.raises(ValueError):
        evaluation_summary({5: 1})
    with pytest.raises(ValueError):
        evaluation_summary({4: 1}, recommend_yes=2)


def test_percentage_rounding():
    assert percentage(1, 3) == 33.3
    assert percentage(2, 3) == 66.7
    assert percentage(0, 0) is None


def test_completion_rows_count_open_and_percentage():
    row = CompletionRow(label="x", assigned=8, completed=6, overdue=1)
    assert row.open == 2 and row.completed_pct == 75.0
