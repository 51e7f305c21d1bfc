"""Shift dates and times in Europe/London, including both daylight-saving changes (issue 17).

In 2026 the clocks go forward on Sunday 29 March at 01:00 UTC (01:00 GMT becomes 02:00 BST) and
back on Sunday 25 October at 01:00 UTC (02:00 BST becomes 01:00 GMT)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exposure import shift_times as st_
from exposure.shift_times import LONDON, START_AHEAD_LIMIT

SPRING = date(2026, 3, 29)  # last Sunday of March
AUTUMN = date(2026, 10, 25)  # last Sunday of October


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def london(*args):
    return datetime(*args, tzinfo=LONDON)


# --- start and end ------------------------------------------------------------------------------

@pytest.mark.parametrize("day,start,expected", [
    (date(2026, 1, 15), time(19), utc(2026, 1, 15, 19)),  # GMT
    (date(2026, 7, 15), time(19), utc(2026, 7, 15, 18)),  # BST
    (SPRING, time(0, 30), utc(2026, 3, 29, 0, 30)),  # before the gap: GMT
    (SPRING, time(1, 30), utc(2026, 3, 29, 1, 30)),  # in the gap: read as 02:30 BST
    (SPRING, time(2, 30), utc(2026, 3, 29, 1, 30)),  # after the gap: BST
    (AUTUMN, time(0, 30), utc(2026, 10, 24, 23, 30)),  # BST
    (AUTUMN, time(1, 30), utc(2026, 10, 25, 0, 30)),  # repeated hour: the first (BST)
    (AUTUMN, time(2, 30), utc(2026, 10, 25, 2, 30)),  # GMT
])
def test_a_shift_starts_at_its_local_time_in_london(day, start, expected):
    assert st_.shift_start(day, start) == expected
    assert st_.shift_start(day, start).tzinfo is UTC


def test_a_night_shift_across_the_spring_change_lasts_its_real_length_and_counts_on_its_start_date():
    # Saturday 28 March 19:00 GMT, 12 hours: the clocks lose an hour, so it ends at 08:00 BST.
    day = SPRING - timedelta(days=1)
    end = st_.shift_end(day, time(19), 12 * 60)
    assert end == utc(2026, 3, 29, 7)
    assert end.astimezone(LONDON).time() == time(8)
    assert end - st_.shift_start(day, time(19)) == timedelta(hours=12)
    assert st_.local_date(st_.shift_start(day, time(19))) == day  # dose and charts: 28 March


def test_a_night_shift_across_the_autumn_change_lasts_its_real_length_and_counts_on_its_start_date():
    # Saturday 24 October 19:00 BST, 12 hours: the clocks gain an hour, so it ends at 06:00 GMT.
    day = AUTUMN - timedelta(days=1)
    end = st_.shift_end(day, time(19), 12 * 60)
    assert end == utc(2026, 10, 25, 6)
    assert end.astimezone(LONDON).time() == time(6)
    assert end - st_.shift_start(day, time(19)) == timedelta(hours=12)
    assert st_.local_date(st_.shift_start(day, time(19))) == day


def test_a_shift_across_midnight_on_an_ordinary_night_ends_the_next_morning():
    end = st_.shift_end(date(2026, 11, 29), time(22), 10 * 60)
    assert end.astimezone(LONDON) == london(2026, 11, 30, 8)


@given(day=st.dates(date(1990, 1, 1), date(2090, 12, 31)),
       start=st.times(), minutes=st.integers(1, 24 * 60))
def test_every_shift_lasts_exactly_its_minutes_and_starts_on_its_date(day, start, minutes):
    begins = st_.shift_start(day, start)
    assert st_.shift_end(day, start, minutes) - begins == timedelta(minutes=minutes)
    # Only a time inside the spring gap moves, and only by the hour the clocks skip.
    assert st_.local_date(begins) == day


# --- day boundaries -----------------------------------------------------------------------------

@pytest.mark.parametrize("moment,expected", [
    (utc(2026, 7, 14, 23, 30), date(2026, 7, 15)),  # 00:30 BST
    (utc(2026, 1, 14, 23, 30), date(2026, 1, 14)),  # 23:30 GMT
    (utc(2026, 3, 29, 0, 59), SPRING),
    (utc(2026, 10, 24, 23, 0), AUTUMN),  # 00:00 BST on the Sunday
])
def test_local_date_is_the_london_calendar_date(moment, expected):
    assert st_.local_date(moment) == expected


@pytest.mark.parametrize("day,expected", [
    (date(2026, 1, 15), utc(2026, 1, 15)),
    (date(2026, 7, 15), utc(2026, 7, 14, 23)),
    (SPRING, utc(2026, 3, 29)),
    (AUTUMN, utc(2026, 10, 24, 23)),
])
def test_day_start_is_local_midnight(day, expected):
    assert st_.day_start(day) == expected


# --- which shift the officer means --------------------------------------------------------------

@pytest.mark.parametrize("now,start,expected", [
    # 08:56 after a night shift that started yesterday at 19:00: that one, never tonight's.
    (london(2026, 11, 30, 8, 56), time(19), date(2026, 11, 29)),
    # During and after a day shift: today's.
    (london(2026, 11, 30, 14, 0), time(7), date(2026, 11, 30)),
    (london(2026, 11, 30, 7, 0), time(7), date(2026, 11, 30)),
    # Just before the usual start: the previous one, which has happened.
    (london(2026, 11, 30, 6, 59), time(7), date(2026, 11, 29)),
    # Late evening after a night shift has started: tonight's.
    (london(2026, 11, 30, 19, 30), time(19), date(2026, 11, 30)),
    # The mornings after a night shift across each clock change.
    (london(2026, 3, 29, 8, 30), time(19), date(2026, 3, 28)),
    (london(2026, 10, 25, 7, 0), time(19), date(2026, 10, 24)),
    # Midnight starts and the first of a month and year.
    (london(2027, 1, 1, 0, 10), time(0), date(2027, 1, 1)),
    (london(2027, 1, 1, 0, 10), time(22), date(2026, 12, 31)),
])
def test_the_likely_shift_is_the_one_most_recently_started(now, start, expected):
    assert st_.likely_shift_date(now.astimezone(UTC), start) == expected
    assert st_.shift_start(expected, start) <= now


@given(now=st.datetimes(datetime(2000, 1, 1), datetime(2080, 1, 1), timezones=st.just(UTC)), start=st.times())
def test_the_likely_shift_has_always_started_and_is_within_a_day(now, start):
    day = st_.likely_shift_date(now, start)
    assert st_.shift_start(day, start) <= now
    assert now - st_.shift_start(day, start) <= timedelta(hours=26)
    assert not st_.starts_too_late(day, start, now)


# --- how far ahead a shift may start ------------------------------------------------------------

def test_the_limit_is_an_hour():
    assert START_AHEAD_LIMIT == timedelta(hours=1)


@pytest.mark.parametrize("day,start,too_late", [
    (date(2026, 11, 30), time(8, 56), False),  # now
    (date(2026, 11, 30), time(9, 56), False),  # exactly the limit
    (date(2026, 11, 30), time(9, 57), True),
    (date(2026, 11, 30), time(19), True),  # tonight's shift, at 08:56
    (date(2026, 11, 29), time(19), False),  # last night's
    (date(2026, 12, 1), time(0), True),
])
def test_a_shift_may_start_at_most_the_limit_ahead_of_now(day, start, too_late):
    now = london(2026, 11, 30, 8, 56).astimezone(UTC)
    assert st_.starts_too_late(day, start, now) is too_late


def test_just_before_midnight_tomorrow_is_a_possible_date():
    now = london(2026, 11, 30, 23, 30).astimezone(UTC)
    assert st_.latest_shift_date(now) == date(2026, 12, 1)
    assert not st_.starts_too_late(date(2026, 12, 1), time(0, 15), now)
    assert st_.latest_shift_date(london(2026, 11, 30, 22, 30)) == date(2026, 11, 30)


# --- overlaps, follow-ups and the viewing timer --------------------------------------------------

@pytest.mark.parametrize("a,b,expected", [
    ((1, 3), (2, 4), True), ((1, 3), (3, 5), False), ((1, 5), (2, 3), True), ((4, 5), (1, 2), False),
])
def test_overlaps(a, b, expected):
    def span(pair):
        return utc(2026, 1, 1, pair[0]), utc(2026, 1, 1, pair[1])
    assert st_.overlaps(span(a), span(b)) is expected
    assert st_.overlaps(span(b), span(a)) is expected


def test_night_shifts_either_side_of_the_autumn_change_overlap_by_their_real_times():
    # 19:00 BST for 12 hours ends 06:00 GMT; a shift from 05:30 GMT on the Sunday overlaps it.
    saturday = (st_.shift_start(AUTUMN - timedelta(days=1), time(19)),
                st_.shift_end(AUTUMN - timedelta(days=1), time(19), 720))
    sunday = (st_.shift_start(AUTUMN, time(5, 30)), st_.shift_end(AUTUMN, time(5, 30), 60))
    assert st_.overlaps(saturday, sunday)
    later = (st_.shift_start(AUTUMN, time(6)), st_.shift_end(AUTUMN, time(6), 60))
    assert not st_.overlaps(saturday, later)


def test_first_overlapping_names_the_first_clashing_shift_by_real_times_or_none():
    saturday_night = (AUTUMN - timedelta(days=1), time(19), 720)  # ends 06:00 GMT on the Sunday
    morning = (st_.shift_start(AUTUMN, time(5, 30)), st_.shift_end(AUTUMN, time(5, 30), 60))
    clear = (AUTUMN + timedelta(days=1), time(5, 30), 60)
    assert st_.first_overlapping(morning, [clear, saturday_night]) == saturday_night
    assert st_.first_overlapping(morning, [clear]) is None
    assert st_.first_overlapping(morning, []) is None


@pytest.mark.parametrize("started,expected", [
    (utc(2026, 11, 29, 19, 0, 42), (date(2026, 11, 29), time(19))),
    (utc(2026, 7, 14, 23, 15), (date(2026, 7, 15), time(0, 15))),  # BST: after local midnight
    (utc(2026, 3, 29, 1, 10), (SPRING, time(2, 10))),
    (utc(2026, 10, 25, 1, 10), (AUTUMN, time(1, 10))),  # the second 01:10, GMT
])
def test_a_viewing_session_gives_the_local_date_and_minute_it_started(started, expected):
    assert st_.session_prefill(started) == expected
