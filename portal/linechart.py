"""The geometry of a small line chart drawn on the server as SVG (no script): the officer's 90-day
exposure load on their start page. Plotly there cost a phone about 330 KB and two seconds of
script before the page answered a tap (Lighthouse mobile 42-87, issue 17); this chart is part of
the HTML, so it shows with the text and cannot shift the layout.

Pure: dates and values in, path data and tick positions in viewBox units out. The template
(templates/portal/_line_chart.html) draws them; the page keeps its sentence and table alternative."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 400, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 40, 32  # margins: y tick labels and axis title, title, x tick labels


@dataclass(frozen=True)
class Tick:
    at: float  # position along the axis, in viewBox units
    value: float | date


@dataclass(frozen=True)
class LineChart:
    line: str  # SVG path data of the line
    area: str  # the same line closed down to zero, for the shaded area
    y_ticks: list[Tick]
    x_ticks: list[Tick]  # the first of each month within the range
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def mid_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2


def nice_step(top: float, most: int = 6) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that covers 0..top in at most `most` steps."""
    if top <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(top / most))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if top / (m * power) <= most)


def line_chart(days: list[date], values: list[float]) -> LineChart:
    """The chart of `values` (one a day, `days` ascending, at least one) from zero to a round top."""
    if not days or len(days) != len(values):
        raise ValueError("line_chart needs one value for each day, and at least one day")
    step = nice_step(max(max(values), 0))
    top = step * max(1, math.ceil(max(max(values), 0) / step))
    span = max((days[-1] - days[0]).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return round(LEFT + plot_w * (day - days[0]).days / span, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - max(value, 0) / top), 1)

    points = " L".join(f"{x(d)},{y(v)}" for d, v in zip(days, values, strict=True))
    bottom = HEIGHT - BOTTOM
    y_ticks = [Tick(y(step * i), round(step * i, 6)) for i in range(round(top / step) + 1)]
    months = [d for d in days if d.day == 1]
    return LineChart(line=f"M{points}", area=f"M{x(days[0])},{bottom} L{points} L{x(days[-1])},{bottom} Z",
                     y_ticks=y_ticks, x_ticks=[Tick(x(d), d) for d in months])
