"""Which shift "Nothing notable on my last shift" means (issue 17): `last_shift_candidates` is pure,
so every case, both 2026 daylight-saving changes included, is tested here without a database.

In 2026 the clocks go forward on Sunday 29 March at 01:00 UTC and back on Sunday 25 October at
01:00 UTC."""

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from exposure.shift_times import (
    LONDON,
    RECENT_END,
    Candidate,
    candidate_for_key,
    last_shift_candidates,
    shift_end,
    shift_start,
)

NIGHT = (time(19), 600)  # 19:00 to 05:00
EARLY = (time(6), 360)  # 06:00 to 12:00
DAY = (time(7), 480)  # 07:00 to 15:00
SPRING = date(2026, 3, 29)
AUTUMN = date(2026, 10, 25)


def london(*args):
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


def logged(day, start, minutes):
    return (shift_start(day, start), shift_end(day, start, minutes))


def test_at_midday_a_finished_early_shift_and_last_nights_unlogged_shift_are_both_offered():
    now = london(2026, 6, 10, 12, 30)
    found = last_shift_candidates(now, [NIGHT, EARLY], [])
    assert found == [Candidate(date(2026, 6, 10), time(6), 360), Candidate(date(2026, 6, 9), time(19), 600)]


def test_after_a_night_shift_the_morning_click_has_one_answer_and_never_tonight():
    found = last_shift_candidates(london(2026, 6, 10, 8, 56), [(time(19), 720)], [])
    assert found == [Candidate(date(2026, 6, 9), time(19), 720)]


def test_a_shift_that_has_not_started_is_never_offered():
    now = london(2026, 6, 10, 18, 59)
    assert all(c.starts_at <= now for c in last_shift_candidates(now, [NIGHT, DAY], []))
    assert Candidate(date(2026, 6, 10), time(19), 600) not in last_shift_candidates(now, [NIGHT], [])


def test_a_shift_under_way_is_offered_with_the_one_before_it():
    # 10:00: today's day shift started three hours ago; yesterday's ended 19 hours ago.
    found = last_shift_candidates(london(2026, 6, 10, 10), [DAY], [])
    assert [c.day for c in found] == [date(2026, 6, 10), date(2026, 6, 9)]


def test_a_shift_that_ended_more_than_a_day_ago_is_not_the_last_shift():
    # 16:00: yesterday's day shift ended 25 hours ago, so today's is the only one meant.
    assert last_shift_candidates(london(2026, 6, 10, 16), [DAY], []) == [Candidate(date(2026, 6, 10), time(7), 480)]
    # exactly 24 hours after the end is out; a minute less is in
    end = shift_end(date(2026, 6, 9), time(7), 480)
    assert Candidate(date(2026, 6, 9), time(7), 480) not in last_shift_candidates(end + RECENT_END, [DAY], [])
    assert Candidate(date(2026, 6, 9), time(7), 480) in last_shift_candidates(
        end + RECENT_END - timedelta(minutes=1), [DAY], [])


def test_a_logged_shift_and_anything_overlapping_it_are_not_offered():
    now = london(2026, 6, 10, 12, 30)
    done = [logged(date(2026, 6, 9), time(19), 600)]
    assert last_shift_candidates(now, [NIGHT, EARLY], done) == [Candidate(date(2026, 6, 10), time(6), 360)]
    overlapping = [logged(date(2026, 6, 10), time(5), 120)]  # 05:00 to 07:00 overlaps the early shift
    assert Candidate(date(2026, 6, 10), time(6), 360) not in last_shift_candidates(now, [EARLY], overlapping)


def test_a_shift_older_than_one_already_logged_is_left_to_the_full_form():
    now = london(2026, 6, 10, 12, 30)
    done = [logged(date(2026, 6, 10), time(6), 360)]
    assert last_shift_candidates(now, [NIGHT, EARLY], done) == []


def test_the_same_pattern_twice_is_one_candidate_and_seconds_are_dropped():
    now = london(2026, 6, 10, 16)
    found = last_shift_candidates(now, [DAY, DAY, (time(7, 0, 30), 480)], [])
    assert found == [Candidate(date(2026, 6, 10), time(7), 480)]


def test_a_guess_for_an_officer_with_no_shifts_is_never_a_question():
    now = london(2026, 6, 10, 10)
    assert last_shift_candidates(now, [DAY], [], guessed=True) == [Candidate(date(2026, 6, 10), time(7), 480)]
    assert last_shift_candidates(now, [DAY], [logged(date(2026, 6, 10), time(7), 480)], guessed=True) == []


def test_no_patterns_means_no_candidates():
    assert last_shift_candidates(london(2026, 6, 10, 10), [], []) == []


# --- daylight saving -----------------------------------------------------------------------------

def test_spring_a_night_shift_across_the_change_ends_an_hour_later_on_the_clock():
    # Saturday 28 March 19:00 GMT, 12 hours of real time: ends 08:00 BST on Sunday 29 March.
    at_0830 = london(2026, 3, 29, 8, 30)
    found = last_shift_candidates(at_0830, [(time(19), 720)], [])
    assert found == [Candidate(date(2026, 3, 28), time(19), 720)]
    assert found[0].ends_at == datetime(2026, 3, 29, 7, tzinfo=UTC)
    # at 07:30 BST it is still going (it ends at 08:00 BST), and Friday's night, which ended 23 h 30 min
    # of real time earlier, is offered after it
    assert last_shift_candidates(london(2026, 3, 29, 7, 30), [(time(19), 720)], []) == found + [
        Candidate(date(2026, 3, 27), time(19), 720)]


def test_spring_the_recent_window_counts_real_hours_not_clock_hours():
    # Saturday 07:00 to 15:00 GMT ended 23 h 30 min of real time before 15:30 BST on Sunday.
    found = last_shift_candidates(london(2026, 3, 29, 15, 30), [DAY], [])
    assert [c.day for c in found] == [SPRING, date(2026, 3, 28)]
    assert last_shift_candidates(london(2026, 3, 29, 16, 1), [DAY], []) == [Candidate(SPRING, time(7), 480)]


def test_spring_a_start_in_the_skipped_hour_is_read_after_the_gap():
    found = last_shift_candidates(london(2026, 3, 29, 4), [(time(1, 30), 120)], [])
    assert found[0] == Candidate(SPRING, time(1, 30), 120)
    assert found[0].starts_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 02:30 BST


def test_autumn_a_night_shift_across_the_change_ends_an_hour_earlier_on_the_clock():
    # Saturday 24 October 19:00 BST, 12 hours of real time: ends 06:00 GMT on Sunday 25 October.
    found = last_shift_candidates(london(2026, 10, 25, 6, 30), [(time(19), 720)], [])
    assert found == [Candidate(date(2026, 10, 24), time(19), 720)]
    assert found[0].ends_at == datetime(2026, 10, 25, 6, tzinfo=UTC)


def test_autumn_the_recent_window_counts_real_hours_not_clock_hours():
    # Saturday 07:00 to 15:00 BST (14:00 UTC) is 25 real hours before 14:00 GMT on Sunday.
    assert last_shift_candidates(london(2026, 10, 25, 14), [DAY], []) == [Candidate(AUTUMN, time(7), 480)]
    found = last_shift_candidates(london(2026, 10, 25, 13, 59), [DAY], [])
    assert [c.day for c in found] == [AUTUMN, date(2026, 10, 24)]


def test_autumn_a_start_in_the_repeated_hour_is_the_first_one_and_never_ahead_of_now():
    # 01:30 on 25 October is read as 01:30 BST (00:30 UTC); at 01:10 GMT (01:10 UTC) it has started.
    now = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)
    found = last_shift_candidates(now, [(time(1, 30), 60)], [])
    assert found[0].day == AUTUMN and found[0].starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # at 01:20 BST (00:20 UTC) it has not
    assert AUTUMN not in [c.day for c in last_shift_candidates(datetime(2026, 10, 25, 0, 20, tzinfo=UTC),
                                                               [(time(1, 30), 60)], [])]


# --- keys ----------------------------------------------------------------------------------------

def test_a_candidate_is_chosen_by_its_key_and_anything_else_is_none():
    found = last_shift_candidates(london(2026, 6, 10, 12, 30), [NIGHT, EARLY], [])
    assert found[1].key == "2026-06-09_1900_600"
    assert candidate_for_key("2026-06-09_1900_600", found) == found[1]
    for crafted in ("", "2026-06-10_1900_600", "2026-06-09_1900_601", "x" * 5000, "2026-06-09_1900_600 ", "\x00"):
        assert candidate_for_key(crafted, found) is None


# --- properties ----------------------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))
patterns = st.lists(st.tuples(st.times().map(lambda t: t.replace(second=0, microsecond=0)),
                              st.integers(min_value=30, max_value=16 * 60)), max_size=3)


@given(now=moments, patterns=patterns, logged_at=st.lists(st.tuples(st.integers(0, 4 * 24 * 60), st.integers(30, 900)),
                                                           max_size=3))
def test_every_candidate_has_started_is_recent_is_unlogged_and_newest_first(now, patterns, logged_at):
    done = [(now - timedelta(minutes=ago), now - timedelta(minutes=ago) + timedelta(minutes=length))
            for ago, length in logged_at]
    found = last_shift_candidates(now, patterns, done)
    for c in found:
        assert c.starts_at <= now
        assert c.ends_at > now - RECENT_END
        assert not any(c.starts_at < end and start < c.ends_at for start, end in done)
        assert all(c.starts_at >= start for start, _ in done)
        assert (c.start, c.minutes) in patterns
    assert [c.starts_at for c in found] == sorted((c.starts_at for c in found), reverse=True)
    assert len({c.key for c in found}) == len(found)
