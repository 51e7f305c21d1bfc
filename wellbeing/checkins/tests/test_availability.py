"""H8: out of hours no one is on duty. The pure rules for when occupational health works, and the
ordering that puts the 24-hour crisis lines first when it does not."""

from datetime import datetime, time, timezone

import pytest

from wellbeing.checkins.availability import LONDON, OhHours, crisis_first, oh_is_open, oh_next_opening, oh_status

NINE_TO_FIVE = (time(8, 0), time(17, 0))
OVERNIGHT = (time(20, 0), time(6, 0))
# 2025-06-02 is a Monday; 2025-06-06 a Friday; 2025-06-07/08 the weekend.
MON, TUE, FRI, SAT, SUN = (datetime(2025, 6, d) for d in (2, 3, 6, 7, 8))


def at(day, hh, mm=0):
    return day.replace(hour=hh, minute=mm)


@pytest.mark.parametrize(("now", "weekends", "expected"), [
    (at(MON, 12), False, True),  # weekday, inside
    (at(TUE, 7, 59), False, False),  # weekday, a minute before opening
    (at(TUE, 8, 0), False, True),  # exactly at opening: open
    (at(TUE, 16, 59), False, True),
    (at(TUE, 17, 0), False, False),  # exactly at closing: closed
    (at(TUE, 23, 30), False, False),  # weekday night
    (at(TUE, 0, 0), False, False),  # midnight
    (at(SAT, 12), False, False),  # weekend, no weekend cover
    (at(SUN, 9), False, False),
    (at(SAT, 12), True, True),  # weekend cover
    (at(SUN, 17), True, False),
    (at(FRI, 16, 59), False, True),
])
def test_out_of_hours_no_one_on_duty_day_hours(now, weekends, expected):
    assert oh_is_open(now, *NINE_TO_FIVE, weekends) is expected


@pytest.mark.parametrize(("now", "weekends", "expected"), [
    (at(MON, 20, 0), False, True),  # opens at 20:00
    (at(MON, 19, 59), False, False),
    (at(TUE, 3, 0), False, True),  # Monday's night runs into Tuesday
    (at(TUE, 6, 0), False, False),  # exactly at closing
    (at(TUE, 12, 0), False, False),  # the day in between
    (at(MON, 3, 0), False, False),  # Sunday night did not open (no weekend cover)
    (at(MON, 3, 0), True, True),  # ... unless it works weekends
    (at(SAT, 3, 0), False, True),  # Friday night runs into Saturday
    (at(SAT, 21, 0), False, False),
    (at(SAT, 21, 0), True, True),
])
def test_out_of_hours_no_one_on_duty_overnight_hours(now, weekends, expected):
    assert oh_is_open(now, *OVERNIGHT, weekends) is expected


def test_out_of_hours_no_one_on_duty_equal_open_and_close_means_the_whole_working_day():
    midnight = time(0, 0)
    assert oh_is_open(at(TUE, 0, 0), midnight, midnight, False)
    assert oh_is_open(at(TUE, 23, 59), midnight, midnight, False)
    assert not oh_is_open(at(SAT, 12), midnight, midnight, False)
    assert oh_is_open(at(SAT, 12), midnight, midnight, True)


@pytest.mark.parametrize(("now", "hours", "weekends", "expected"), [
    (at(TUE, 7, 0), NINE_TO_FIVE, False, at(TUE, 8)),  # early morning: today
    (at(TUE, 17, 0), NINE_TO_FIVE, False, at(datetime(2025, 6, 4), 8)),  # evening: tomorrow
    (at(FRI, 17, 30), NINE_TO_FIVE, False, at(datetime(2025, 6, 9), 8)),  # Friday evening: Monday
    (at(SAT, 10), NINE_TO_FIVE, False, at(datetime(2025, 6, 9), 8)),
    (at(SUN, 23, 59), NINE_TO_FIVE, False, at(datetime(2025, 6, 9), 8)),
    (at(FRI, 17, 30), NINE_TO_FIVE, True, at(SAT, 8)),  # weekend cover: Saturday
    (at(TUE, 12), OVERNIGHT, False, at(TUE, 20)),
    (at(SAT, 12), OVERNIGHT, False, at(datetime(2025, 6, 9), 20)),  # weekend: Monday night
    (at(TUE, 12), NINE_TO_FIVE, False, at(datetime(2025, 6, 4), 8)),  # open now: the next period
])
def test_out_of_hours_no_one_on_duty_next_opening(now, hours, weekends, expected):
    nxt = oh_next_opening(now, *hours, weekends)
    assert nxt == expected.replace(tzinfo=LONDON) and nxt.tzinfo is LONDON


def test_out_of_hours_no_one_on_duty_status_uses_london_time_across_summer_time():
    hours = OhHours(*NINE_TO_FIVE, weekends=False)
    # 07:30 UTC on a June Tuesday is 08:30 in London (BST): open.
    assert oh_status(datetime(2025, 6, 3, 7, 30, tzinfo=timezone.utc), hours).open_now
    # 16:30 UTC in June is 17:30 in London: closed, opens 08:00 London next day.
    status = oh_status(datetime(2025, 6, 3, 16, 30, tzinfo=timezone.utc), hours)
    assert not status.open_now and status.next_opening == datetime(2025, 6, 4, 8, tzinfo=LONDON)
    # In January London is on GMT: 07:30 UTC is 07:30 local, still closed.
    assert not oh_status(datetime(2025, 1, 7, 7, 30, tzinfo=timezone.utc), hours).open_now


def test_out_of_hours_no_one_on_duty_unknown_hours_count_as_closed():
    status = oh_status(datetime(2025, 6, 3, 11, tzinfo=timezone.utc), None)
    assert (status.open_now, status.next_opening) == (False, None)


def test_out_of_hours_no_one_on_duty_crisis_lines_first_only_when_closed():
    contacts = [{"name": "Force OH", "always_open": False}, {"name": "999", "always_open": True},
                {"name": "Mind"}, {"name": "Samaritans", "always_open": True}]
    assert [c["name"] for c in crisis_first(contacts, oh_open=True)] == ["Force OH", "999", "Mind", "Samaritans"]
    assert [c["name"] for c in crisis_first(contacts, oh_open=False)] == ["999", "Samaritans", "Force OH", "Mind"]


@pytest.mark.parametrize(("hours", "text"), [
    (OhHours(time(8), time(17), False), "Occupational health works Monday to Friday, 08:00 to 17:00."),
    (OhHours(time(8), time(17), True), "Occupational health works every day, 08:00 to 17:00."),
    (OhHours(time(20), time(6), False),
     "Occupational health works from 20:00 until 06:00 the next morning, starting Monday to Friday."),
    (OhHours(time(20), time(6), True), "Occupational health works every day, from 20:00 until 06:00 the next morning."),
    (OhHours(time(0), time(0), False), "Occupational health works all day, Monday to Friday."),
    (OhHours(time(0), time(0), True), "Occupational health works at any hour, every day."),
    (None, "Your organisation has not said when occupational health works, so use the 24-hour lines below "
           "if you need someone now."),
])
def test_out_of_hours_no_one_on_duty_hours_in_words(hours, text):
    from wellbeing.checkins.availability import hours_text

    assert hours_text(hours) == text
