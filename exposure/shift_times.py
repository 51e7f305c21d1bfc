"""Dates and times of shifts: pure functions (no ORM, no clock), tested alone in
`exposure/tests/test_shift_times.py`.

A shift belongs to the calendar date it started on in the force's time zone (Europe/London), even
when it crosses midnight: its dose, its critical-incident follow-ups and every chart count it on
that date. Its length is real elapsed time, so a night shift across a daylight-saving change ends
an hour later (March) or earlier (October) on the clock than the same shift on another night.

Wall-clock times the clocks skip (01:30 on the last Sunday of March) are read as the moment just
after the gap (02:30 BST); times the clocks repeat (01:30 on the last Sunday of October) as the
first of the two (BST), which is how the zoneinfo database reads a naive time with fold=0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

# How far ahead of now a shift may start when it is logged: an officer logging at the start of a
# shift, or a few minutes early, is fine; a shift hours away has not happened yet (issue 17).
START_AHEAD_LIMIT = timedelta(hours=1)


def shift_start(day: date, start: time, tz: tzinfo = LONDON) -> datetime:
    """The moment a shift starts, as an aware datetime in UTC."""
    return datetime.combine(day, start.replace(tzinfo=None), tzinfo=tz).astimezone(UTC)


def shift_end(day: date, start: time, minutes: int, tz: tzinfo = LONDON) -> datetime:
    """The moment a shift ends (in UTC): `minutes` of real time after it started."""
    return shift_start(day, start, tz) + timedelta(minutes=minutes)


def local_date(moment: datetime, tz: tzinfo = LONDON) -> date:
    """The calendar date of an aware moment in the force's time zone."""
    return moment.astimezone(tz).date()


def day_start(day: date, tz: tzinfo = LONDON) -> datetime:
    """Local midnight at the start of `day`, in UTC."""
    return shift_start(day, time.min, tz)


def likely_shift_date(now: datetime, start: time, tz: tzinfo = LONDON) -> date:
    """The date of the shift an officer most likely means at `now`, given their usual start time:
    the most recent one that has started. At 08:56 with a usual start of 19:00 that is the night
    shift that started yesterday; at 14:00 with a usual start of 07:00, today's."""
    today = local_date(now, tz)
    return today if shift_start(today, start, tz) <= now else today - timedelta(days=1)


def latest_start(now: datetime, limit: timedelta = START_AHEAD_LIMIT) -> datetime:
    """The latest moment a shift logged at `now` may start."""
    return now + limit


def starts_too_late(day: date, start: time, now: datetime, tz: tzinfo = LONDON,
                    limit: timedelta = START_AHEAD_LIMIT) -> bool:
    return shift_start(day, start, tz) > latest_start(now, limit)


def latest_shift_date(now: datetime, tz: tzinfo = LONDON, limit: timedelta = START_AHEAD_LIMIT) -> date:
    """The last date a shift logged at `now` can have (tomorrow only just before local midnight)."""
    return local_date(latest_start(now, limit), tz)


def overlaps(first: tuple[datetime, datetime], second: tuple[datetime, datetime]) -> bool:
    """Whether two [start, end) intervals share any time; touching ends do not overlap."""
    return first[0] < second[1] and second[0] < first[1]


def first_overlapping(interval: tuple[datetime, datetime],
                      shifts: Iterable[tuple[date, time, int]]) -> tuple[date, time, int] | None:
    """The first of `shifts` (date, start time, minutes) whose time overlaps `interval`, or None."""
    for day, start, minutes in shifts:
        if overlaps(interval, (shift_start(day, start), shift_end(day, start, minutes))):
            return day, start, minutes
    return None


def session_prefill(started_at: datetime, tz: tzinfo = LONDON) -> tuple[date, time]:
    """The shift date and start time (to the minute) for a viewing session that began at `started_at`."""
    local = started_at.astimezone(tz)
    return local.date(), local.time().replace(second=0, microsecond=0, tzinfo=None)


# --- "Nothing notable on my last shift": which shift is meant ------------------------------------

# A shift that ended longer ago than this is not "my last shift" any more: after a day off the one
# click means the shift just worked, not the one before the break (issue 17).
RECENT_END = timedelta(hours=24)


@dataclass(frozen=True, order=True)
class Candidate:
    """A shift the officer may mean: its date (the date it started), start time and length."""

    day: date
    start: time
    minutes: int

    @property
    def starts_at(self) -> datetime:
        return shift_start(self.day, self.start)

    @property
    def ends_at(self) -> datetime:
        return shift_end(self.day, self.start, self.minutes)

    @property
    def key(self) -> str:
        """The value a choice posts: date, start and length, nothing else."""
        return f"{self.day.isoformat()}_{self.start.strftime('%H%M')}_{self.minutes}"


def last_shift_candidates(now: datetime, patterns: Sequence[tuple[time, int]],
                          logged: Sequence[tuple[datetime, datetime]], tz: tzinfo = LONDON,
                          recent: timedelta = RECENT_END, guessed: bool = False) -> list[Candidate]:
    """The shifts "my last shift" may mean at `now`, most recently started first: each usual
    pattern (start time, length in minutes) on today, yesterday or the day before, that has
    started (never a future one), ended no longer than `recent` ago (or is still going), overlaps
    no shift already logged and started after every logged one (a shift older than one already
    logged is not "my last shift"; the full form logs it). One candidate is unambiguous; two or
    more need a question. With `guessed` patterns (an officer with no shifts yet, so the default
    start and length) only the most recent is kept: a question about invented shifts helps nobody."""
    today = local_date(now, tz)
    newest_logged = max((interval[0] for interval in logged), default=None)
    found: set[Candidate] = set()
    for start, minutes in patterns:
        for back in range(3):
            day = today - timedelta(days=back)
            begins = shift_start(day, start, tz)
            interval = (begins, begins + timedelta(minutes=minutes))
            if begins > now or interval[1] <= now - recent:
                continue
            if newest_logged is not None and begins < newest_logged:
                continue
            if any(overlaps(interval, other) for other in logged):
                continue
            found.add(Candidate(day, start.replace(second=0, microsecond=0, tzinfo=None), minutes))
    ordered = sorted(found, key=lambda c: (c.starts_at, c.minutes), reverse=True)
    return ordered[:1] if guessed else ordered


def candidate_for_key(key: str, candidates: Sequence[Candidate]) -> Candidate | None:
    """The candidate a posted choice names, or None for anything else (a crafted or stale value)."""
    return next((c for c in candidates if c.key == key), None)
