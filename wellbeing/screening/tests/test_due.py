"""Screening due dates and status: pure arithmetic, every edge."""

from datetime import date

import pytest

from wellbeing.screening import due
from wellbeing.screening.defaults import default_interval, default_rows


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),  # month end: 31 Jan + 1 month
    (date(2028, 1, 31), 1, date(2028, 2, 29)),  # ... in a leap year
    (date(2028, 2, 29), 12, date(2029, 2, 28)),  # leap day + a year
    (date(2028, 2, 29), 48, date(2032, 2, 29)),  # leap day + four years
    (date(2026, 8, 31), 6, date(2027, 2, 28)),  # six-monthly from a month end, across the year
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year end
    (date(2026, 5, 10), 12, date(2027, 5, 10)),
    (date(2026, 5, 10), 0, date(2026, 5, 10)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
])
def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month(start, months, expected):
    assert due.add_months(start, months) == expected


def test_with_no_role_nothing_is_due():
    assert due.next_due_on(role_since=None, interval_months=12, first_within_days=90, last_completed=None) is None
    found = due.standing(role_since=None, interval_months=12, first_within_days=90,
                         last_completed=date(2026, 1, 1), today=date(2026, 6, 1))
    assert found == due.Standing(None, due.NO_ROLE) and not found.in_window
    assert due.status_on(None, date(2026, 1, 1)) == due.NO_ROLE


def test_the_first_one_is_due_the_set_number_of_days_after_joining_the_role():
    assert due.next_due_on(role_since=date(2026, 1, 1), interval_months=12, first_within_days=90,
                           last_completed=None) == date(2026, 4, 1)
    assert due.next_due_on(role_since=date(2028, 2, 1), interval_months=12, first_within_days=28,
                           last_completed=None) == date(2028, 2, 29)  # leap year
    assert due.next_due_on(role_since=date(2026, 1, 1), interval_months=12, first_within_days=0,
                           last_completed=None) == date(2026, 1, 1)


def test_the_next_one_is_due_the_interval_after_the_last_completed_in_the_role():
    assert due.next_due_on(role_since=date(2025, 1, 1), interval_months=12, first_within_days=90,
                           last_completed=date(2026, 1, 31)) == date(2027, 1, 31)
    assert due.next_due_on(role_since=date(2025, 1, 1), interval_months=6, first_within_days=90,
                           last_completed=date(2026, 8, 31)) == date(2027, 2, 28)
    assert due.next_due_on(role_since=date(2025, 1, 1), interval_months=1, first_within_days=90,
                           last_completed=date(2027, 1, 31)) == date(2027, 2, 28)


def test_a_completion_before_the_role_started_does_not_count_a_new_role_restarts_the_cycle():
    # Screened in the old role on 1 March; joined the new role on 1 June: first due 90 days later.
    assert due.next_due_on(role_since=date(2026, 6, 1), interval_months=12, first_within_days=90,
                           last_completed=date(2026, 3, 1)) == date(2026, 8, 30)
    # A completion on the very day the role started counts.
    assert due.next_due_on(role_since=date(2026, 6, 1), interval_months=12, first_within_days=90,
                           last_completed=date(2026, 6, 1)) == date(2027, 6, 1)
    assert due.counted_completion(date(2026, 6, 1), date(2026, 5, 31)) is None
    assert due.counted_completion(None, date(2026, 5, 31)) is None
    assert due.counted_completion(date(2026, 6, 1), None) is None


@pytest.mark.parametrize(("today", "completed", "expected"), [
    (date(2026, 3, 1), False, due.NOT_YET_DUE),  # 31 days before
    (date(2026, 3, 1), True, due.UP_TO_DATE),
    (date(2026, 3, 2), False, due.DUE),  # exactly 30 days before: the window opens
    (date(2026, 3, 2), True, due.DUE),
    (date(2026, 4, 1), False, due.DUE),  # the due day itself
    (date(2026, 4, 2), False, due.OVERDUE),  # the day after
    (date(2027, 4, 2), True, due.OVERDUE),
])
def test_status_not_yet_due_then_due_from_thirty_days_before_then_overdue_after_the_day(today, completed, expected):
    assert due.status_on(date(2026, 4, 1), today, completed=completed) == expected


def test_the_due_window_is_a_parameter():
    assert due.status_on(date(2026, 4, 1), date(2026, 3, 25), window_days=7) == due.DUE
    assert due.status_on(date(2026, 4, 1), date(2026, 3, 24), window_days=7) == due.NOT_YET_DUE


def test_standing_of_someone_new_in_the_role_then_up_to_date_after_a_screening():
    kwargs = {"role_since": date(2026, 1, 1), "interval_months": 12, "first_within_days": 90}
    assert due.standing(**kwargs, last_completed=None, today=date(2026, 1, 10)) == due.Standing(
        date(2026, 4, 1), due.NOT_YET_DUE)
    assert due.standing(**kwargs, last_completed=None, today=date(2026, 3, 15)).in_window
    assert due.standing(**kwargs, last_completed=None, today=date(2026, 4, 2)).status == due.OVERDUE
    after = due.standing(**kwargs, last_completed=date(2026, 4, 20), today=date(2026, 5, 1))
    assert after == due.Standing(date(2027, 4, 20), due.UP_TO_DATE) and not after.in_window
    assert due.standing(**kwargs, last_completed=date(2026, 4, 20), today=date(2027, 3, 21)).status == due.DUE


def test_an_open_cycle_keeps_the_due_date_it_opened_with():
    found = due.standing(role_since=date(2026, 1, 1), interval_months=6, first_within_days=30,
                         last_completed=None, today=date(2026, 4, 10), open_due_on=date(2026, 4, 1))
    assert found == due.Standing(date(2026, 4, 1), due.OVERDUE)


def test_the_invitation_goes_once_from_the_start_of_the_due_window():
    assert not due.invitation_due(date(2026, 4, 1), date(2026, 3, 1), invited=False)
    assert due.invitation_due(date(2026, 4, 1), date(2026, 3, 2), invited=False)
    assert due.invitation_due(date(2026, 4, 1), date(2026, 9, 1), invited=False)  # opened late
    assert not due.invitation_due(date(2026, 4, 1), date(2026, 3, 2), invited=True)


def test_the_reminder_goes_once_when_overdue_a_week_after_the_invitation_and_not_once_booked():
    kwargs = {"invited_on": date(2026, 3, 2), "reminded": False, "booked": False}
    assert not due.reminder_due(date(2026, 4, 1), date(2026, 4, 1), **kwargs)  # due, not overdue
    assert due.reminder_due(date(2026, 4, 1), date(2026, 4, 2), **kwargs)
    assert not due.reminder_due(date(2026, 4, 1), date(2026, 4, 2), **{**kwargs, "reminded": True})
    assert not due.reminder_due(date(2026, 4, 1), date(2026, 4, 2), **{**kwargs, "booked": True})
    assert not due.reminder_due(date(2026, 4, 1), date(2026, 4, 2), **{**kwargs, "invited_on": None})
    # invited when already overdue: the reminder waits a week
    late = {**kwargs, "invited_on": date(2026, 6, 1)}
    assert not due.reminder_due(date(2026, 4, 1), date(2026, 6, 7), **late)
    assert due.reminder_due(date(2026, 4, 1), date(2026, 6, 8), **late)


def test_the_defaults_are_annual_six_monthly_for_cse_review_and_counter_terrorism_appointments_for_cse_only():
    assert default_interval("firearms", "screening").interval_months == 12
    assert default_interval("call_handling", "screening").interval_months == 12
    assert default_interval("cse_review", "screening").interval_months == 6
    assert default_interval("counter_terrorism", "screening").interval_months == 6
    assert default_interval("cse_review", "appointment").active
    assert not default_interval("firearms", "appointment").active
    assert all(i.first_within_days == 90 for _r, _k, i in default_rows())
    assert len(default_rows()) == 10
