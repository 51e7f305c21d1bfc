"""The TRiM coordinator's reports: plain rows in, figures out, no ORM (the rows come from
`wellbeing.trim.report_selectors`). docs/trim.md, "Reports", says the same in words.

- Every case belongs to the month of its INCIDENT (the incident's day, UK time), not to the day the
  case was opened: a referral opened a fortnight later still counts in the incident's month, and
  every time measured runs from the incident.
- Days to the initial assessment: calendar days from the incident's day to the day the assessment
  was held (the portal records the day held, never the time), so an assessment held the day after
  the incident took 1 day. Shown as the median and the 90th percentile, one decimal.
- Percentiles (the median is the 50th) interpolate linearly between the two nearest values, as
  Excel's PERCENTILE.INC and numpy's default do: with the values sorted, the p-th percentile sits at
  position (n - 1) x p (counting from 0).
- Held on time: held on or before the day (UK time) the initial assessment was due. A day held has
  no time, so an assessment held on its due day counts as on time whatever the hour it was due.
  The share is of the initial assessments held; one not held yet is not counted.
- Offers declined: cases whose assessment offer stands declined now (an offer accepted after a
  decline counts as accepted).
- Cases referred: cases with at least one assessment whose action was a referral (occupational
  health or a named service), or with a follow-up in the raised band (which opens an OH referral).
  One person referred twice counts once.
- Small numbers (`portal.exports.SUPPRESS_BELOW`, 5): a count under 5, zero included, is shown as
  SUPPRESSED. In each count column, if exactly one cell is suppressed, the smallest other count is
  suppressed too, so a hidden cell cannot be worked out from the total. The median, the 90th
  percentile and the share are suppressed when fewer than 5 assessments lie behind them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portal.exports import SUPPRESS_BELOW, SUPPRESSED

# TrimAssessment.Action / .Stage / .Band codes (no model import: this module is pure).
REFERRAL_ACTIONS = frozenset({"oh_referral", "named_service"})
FOLLOW_UP, RAISED, DECLINED = "follow_up", "raised", "declined"
COUNTS = ("cases", "held", "declined", "referred")  # the additive columns


@dataclass(frozen=True)
class CaseRow:
    """One case, as the reports need it."""

    incident_on: date  # the incident's day, UK time
    unit: str  # the unit of the person's team now ("" when they have no team)
    offer: str  # TrimCase.offer: "", "accepted" or "declined"
    assessment_due_on: date  # the day, UK time, the initial assessment was due
    initial_held_on: date | None  # the day the initial assessment was held, if it was
    referred: bool  # see referred()


@dataclass(frozen=True)
class Figures:
    """One row of a report: counts (int or SUPPRESSED), days and a percentage (float, SUPPRESSED,
    or None when there is nothing to measure)."""

    cases: int | str
    held: int | str
    median_days: float | str | None
    p90_days: float | str | None
    on_time_share: float | str | None
    declined: int | str
    referred: int | str


def referred(assessments: Iterable[tuple[str, str, str]]) -> bool:
    """Whether a case's assessments, as (stage, band, action), include a referral: an action of
    referral to OH or to a named service, or a follow-up in the raised band."""
    return any(action in REFERRAL_ACTIONS or (stage == FOLLOW_UP and band == RAISED)
               for stage, band, action in assessments)


def one_decimal(value: float) -> float:
    """Rounded to one decimal, halves away from zero (6.25 -> 6.3), as people round by hand."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (p from 0 to 1) by linear interpolation between the nearest ranks
    (PERCENTILE.INC): position (n - 1) x p in the sorted values, counted from 0."""
    if not values:
        raise ValueError("no values")
    if not 0 <= p <= 1:
        raise ValueError("p must be between 0 and 1")
    ordered = sorted(values)
    position = (len(ordered) - 1) * p
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def days_to_assessment(row: CaseRow) -> int | None:
    """Calendar days from the incident's day to the day the initial assessment was held (never
    below 0: a day held before the incident is a slip of the pen); None if not held."""
    if row.initial_held_on is None:
        return None
    return max((row.initial_held_on - row.incident_on).days, 0)


def held_on_time(row: CaseRow) -> bool:
    """Held on or before the day it was due (the day held has no time)."""
    return row.initial_held_on is not None and row.initial_held_on <= row.assessment_due_on


@dataclass(frozen=True)
class _Raw:
    cases: int
    held: int
    declined: int
    referred: int
    days: tuple[int, ...]
    on_time: int


def _raw(rows: list[CaseRow]) -> _Raw:
    days = tuple(d for d in map(days_to_assessment, rows) if d is not None)
    return _Raw(cases=len(rows), held=len(days), declined=sum(r.offer == DECLINED for r in rows),
                referred=sum(r.referred for r in rows), days=days, on_time=sum(map(held_on_time, rows)))


def protect(counts: Sequence[int], below: int = SUPPRESS_BELOW) -> list[int | str]:
    """A column of counts ready to show: each under `below` suppressed and, if that hides exactly
    one cell while others are shown, the smallest shown one too (the first of equals), so the
    hidden one cannot be found by taking the others from the total."""
    shown: list[int | str] = [SUPPRESSED if c < below else c for c in counts]
    hidden = [i for i, c in enumerate(shown) if c == SUPPRESSED]
    visible = [i for i, c in enumerate(shown) if c != SUPPRESSED]
    if len(hidden) == 1 and visible:
        shown[min(visible, key=lambda i: counts[i])] = SUPPRESSED
    return shown


def _measures(raw: _Raw, below: int) -> tuple:
    """(median days, 90th percentile days, on-time share %): None with nothing held, suppressed with
    fewer than `below` held."""
    if not raw.held:
        return None, None, None
    if raw.held < below:
        return SUPPRESSED, SUPPRESSED, SUPPRESSED
    return (one_decimal(percentile(raw.days, 0.5)), one_decimal(percentile(raw.days, 0.9)),
            one_decimal(100 * raw.on_time / raw.held))


def table(groups: Sequence[tuple[object, list[CaseRow]]], below: int = SUPPRESS_BELOW) -> list[tuple[object, Figures]]:
    """(key, Figures) for each (key, rows) group, in the order given, small numbers suppressed
    across the whole table (see `protect`)."""
    raws = [_raw(rows) for _key, rows in groups]
    columns = {name: protect([getattr(r, name) for r in raws], below) for name in COUNTS}
    result = []
    for i, ((key, _rows), raw) in enumerate(zip(groups, raws, strict=True)):
        median, p90, share = _measures(raw, below)
        result.append((key, Figures(cases=columns["cases"][i], held=columns["held"][i], median_days=median,
                                    p90_days=p90, on_time_share=share, declined=columns["declined"][i],
                                    referred=columns["referred"][i])))
    return result


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from `start`'s to `end`'s, oldest first."""
    if end < start:
        raise ValueError("end before start")
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(first, last + 1)]


def by_month(rows: Iterable[CaseRow], start: date, end: date,
             below: int = SUPPRESS_BELOW) -> list[tuple[date, Figures]]:
    """One row per month from `start` to `end` (empty months too, so a gap shows), by the incident's
    month; rows outside the months are left out."""
    months = months_between(start, end)
    grouped: dict[date, list[CaseRow]] = {m: [] for m in months}
    for row in rows:
        bucket = grouped.get(row.incident_on.replace(day=1))
        if bucket is not None:
            bucket.append(row)
    return table([(m, grouped[m]) for m in months], below)


def by_unit(rows: Iterable[CaseRow], below: int = SUPPRESS_BELOW) -> list[tuple[str, Figures]]:
    """One row per unit with at least one case, by name; people with no team ("") last."""
    grouped: dict[str, list[CaseRow]] = {}
    for row in rows:
        grouped.setdefault(row.unit, []).append(row)
    order = sorted(grouped, key=lambda unit: (unit == "", unit.casefold()))
    return table([(unit, grouped[unit]) for unit in order], below)


def figure_names() -> list[str]:
    """The Figures fields in order (the columns of the exports)."""
    return [f.name for f in fields(Figures)]
