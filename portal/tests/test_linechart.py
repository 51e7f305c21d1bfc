"""The server-drawn line chart's geometry (portal/linechart.py): a round axis from zero, each day
at its place, month ticks, and no division by zero on a single day or an all-zero series."""

from datetime import date, timedelta

import pytest

from portal.linechart import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, line_chart, nice_step


@pytest.mark.parametrize(("top", "step"), [(0, 1), (4, 1), (6, 1), (7, 2), (13, 2.5), (30, 5), (133, 25),
                                           (0.4, 0.1), (1000, 200)])
def test_nice_step_covers_the_top_in_at_most_six_steps(top, step):
    assert nice_step(top) == pytest.approx(step)
    assert top / nice_step(top) <= 6


def _days(n, start=date(2026, 9, 2)):
    return [start + timedelta(days=i) for i in range(n)]


def test_the_line_spans_the_plot_from_first_to_last_day():
    chart = line_chart(_days(90), [0.0] * 89 + [4.0])
    points = chart.line.removeprefix("M").split(" L")
    assert len(points) == 90
    assert points[0] == f"{LEFT:.1f},{HEIGHT - BOTTOM:.1f}"
    assert points[-1] == f"{WIDTH - RIGHT:.1f},{TOP:.1f}"  # 4 is the top of a 0-4 axis
    assert [t.value for t in chart.y_ticks] == [0, 1, 2, 3, 4]
    assert chart.area.startswith(f"M{LEFT:.1f},{HEIGHT - BOTTOM} L") and chart.area.endswith(" Z")


def test_the_axis_rounds_up_past_the_largest_value():
    chart = line_chart(_days(3), [10.0, 133.0, 50.0])
    assert [t.value for t in chart.y_ticks] == [0, 25, 50, 75, 100, 125, 150]
    assert chart.y_ticks[-1].at == TOP and chart.y_ticks[0].at == HEIGHT - BOTTOM


def test_months_are_ticked_on_their_first_day():
    chart = line_chart(_days(90), [1.0] * 90)
    assert [t.value for t in chart.x_ticks] == [date(2026, 10, 1), date(2026, 11, 1)]
    assert LEFT < chart.x_ticks[0].at < chart.x_ticks[1].at < WIDTH - RIGHT


def test_a_single_day_of_zeros_still_draws():
    chart = line_chart([date(2026, 11, 1)], [0.0])
    assert chart.line == f"M{LEFT:.1f},{HEIGHT - BOTTOM:.1f}"
    assert [t.value for t in chart.y_ticks] == [0, 1]
    assert chart.x_ticks[0].at == LEFT


def test_mismatched_or_empty_series_are_refused():
    with pytest.raises(ValueError, match="one value for each day"):
        line_chart([], [])
    with pytest.raises(ValueError, match="one value for each day"):
        line_chart(_days(2), [1.0])
