"""The rules report: how each reason's flags fared, for the wellbeing lead and OH. Pure: plain rows
in, figures out, no ORM (the rows come from `review.selectors.report_rows`).

Per reason code and per window (the last 3 and 12 months, counted as 91 and 365 days back from now):
flags raised, the share closed as "not applicable" or "false alarm", and the median time to
acknowledge. Time to acknowledge is from raising to the first response: the supervisor's
acknowledgement, or, for a flag nobody acknowledged (OH's flags are closed, not acknowledged), its
closing; a flag still waiting is not counted. Small numbers (`portal.exports.SUPPRESS_BELOW`): fewer
than 5 flags raised and every figure of that window is suppressed; fewer than 5 closed as wrong
(but some) and the share is suppressed; fewer than 5 acknowledged and the median is suppressed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import NamedTuple

from portal.exports import SUPPRESS_BELOW, SUPPRESSED

WINDOWS = {3: 91, 12: 365}  # months shown -> days counted
DISMISSALS = frozenset({"not_applicable", "false_alarm"})  # Flag.DISMISSALS (no model import: pure)


class FlagRow(NamedTuple):
    reason_code: str
    raised_at: datetime
    outcome: str
    acknowledged_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class Figures:
    raised: int | str  # a count, or SUPPRESSED
    dismissed_share: float | str | None  # percent (one decimal), SUPPRESSED, or None (nothing raised)
    median_hours: float | str | None  # hours (one decimal), SUPPRESSED, or None (none acknowledged)


def response_hours(row: FlagRow) -> float | None:
    """Hours from raising to the first response (acknowledged, else closed); None while waiting."""
    answered = row.acknowledged_at or row.closed_at
    if answered is None:
        return None
    return max((answered - row.raised_at).total_seconds(), 0) / 3600


def figures(rows: list[FlagRow], below: int = SUPPRESS_BELOW) -> Figures:
    """The figures of one reason in one window, with the small-number rule applied."""
    raised = len(rows)
    if raised == 0:
        return Figures(0, None, None)
    if raised < below:
        return Figures(SUPPRESSED, SUPPRESSED, SUPPRESSED)
    dismissed = sum(1 for r in rows if r.outcome in DISMISSALS)
    share = SUPPRESSED if 0 < dismissed < below else round(100 * dismissed / raised, 1)
    hours = [h for h in map(response_hours, rows) if h is not None]
    if not hours:
        middle = None
    elif len(hours) < below:
        middle = SUPPRESSED
    else:
        middle = round(median(hours), 1)
    return Figures(raised, share, middle)


def rules_report(rows, *, now: datetime, codes, below: int = SUPPRESS_BELOW) -> list[tuple[str, dict[int, Figures]]]:
    """(reason code, {months: Figures}) for each code of `codes` (in that order), then any other code
    found in the rows. `rows` are FlagRow-shaped tuples."""
    rows = [FlagRow(*r) for r in rows]
    order = list(codes) + sorted({r.reason_code for r in rows} - set(codes))
    report = []
    for code in order:
        mine = [r for r in rows if r.reason_code == code]
        report.append((code, {months: figures([r for r in mine if r.raised_at >= now - timedelta(days=days)], below)
                              for months, days in WINDOWS.items()}))
    return report
