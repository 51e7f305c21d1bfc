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


def follow_up_due(day: date, hours: int, tz: tzinfo = LONDON) -> datetime:
    """When a follow-up `hours` after a critical incident on a shift of `day` is due (in UTC):
    real hours counted from the start of the shift's date, whenever in the night the incident was."""
    return day_start(day, tz) + timedelta(hours=hours)


def session_prefill(started_at: datetime, tz: tzinfo = LONDON) -> tuple[date, time]:
    """The shift date and start time (to the minute) for a viewing session that began at `started_at`."""
    local = started_at.astimezone(tz)
    return local.date(), local.time().replace(second=0, microsecond=0, tzinfo=None)
