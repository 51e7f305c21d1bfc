"""When a screening (or a counselling or check-in appointment) is due: pure functions over plain
dates (no ORM), each tested alone (wellbeing/screening/tests/test_due.py).

A cycle starts when the person joins their high-risk role (`role_since`): the first one is due
`first_within_days` after that; each later one `interval_months` after the last one completed in
that role. A completion before `role_since` (in an earlier role, or before a new start date) does
not count: a new role starts the cycle again. Months are calendar months; a day that the target
month lacks becomes its last day (31 January + 1 month = 28 or 29 February).

Status, for a due date and today:
- not yet due: more than `DUE_WINDOW_DAYS` before the due date (and, if one was completed in this
  role, "up to date");
- due: from `DUE_WINDOW_DAYS` before the due date up to and including the due date;
- overdue: after the due date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

DUE_WINDOW_DAYS = 30
# The reminder of an overdue one goes at least this long after the invitation, so that someone who
# is invited when already overdue (a late start in the portal) is not sent two notices in one week.
REMINDER_AFTER_INVITATION_DAYS = 7

NO_ROLE = "no_role"
NOT_YET_DUE = "not_yet_due"
UP_TO_DATE = "up_to_date"
DUE = "due"
OVERDUE = "overdue"
STATUSES = (OVERDUE, DUE, NOT_YET_DUE, UP_TO_DATE)


@dataclass(frozen=True)
class Standing:
    due_on: date | None
    status: str

    @property
    def in_window(self) -> bool:
        """Due or overdue: the sweep opens a cycle and invites the person."""
        return self.status in (DUE, OVERDUE)


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months; a day past the end of the target month becomes its last."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def counted_completion(role_since: date | None, last_completed: date | None) -> date | None:
    """The last completion that counts in the current role: none before the role started."""
    if role_since is None or last_completed is None or last_completed < role_since:
        return None
    return last_completed


def next_due_on(*, role_since: date | None, interval_months: int, first_within_days: int,
                last_completed: date | None) -> date | None:
    """The next due date, or None with no role (no start date)."""
    if role_since is None:
        return None
    counted = counted_completion(role_since, last_completed)
    if counted is None:
        return role_since + timedelta(days=first_within_days)
    return add_months(counted, interval_months)


def status_on(due_on: date | None, today: date, *, completed: bool = False,
              window_days: int = DUE_WINDOW_DAYS) -> str:
    """Not yet due (up to date if `completed`), due or overdue on `today` for `due_on`."""
    if due_on is None:
        return NO_ROLE
    if today > due_on:
        return OVERDUE
    if today >= due_on - timedelta(days=window_days):
        return DUE
    return UP_TO_DATE if completed else NOT_YET_DUE


def standing(*, role_since: date | None, interval_months: int, first_within_days: int,
             last_completed: date | None, today: date, open_due_on: date | None = None) -> Standing:
    """Where a person stands for one kind on `today`. `open_due_on`: the due date of a cycle already
    open (its date was fixed when it opened, even if the interval has changed since)."""
    if role_since is None:
        return Standing(None, NO_ROLE)
    completed = counted_completion(role_since, last_completed) is not None
    due_on = open_due_on or next_due_on(role_since=role_since, interval_months=interval_months,
                                        first_within_days=first_within_days, last_completed=last_completed)
    return Standing(due_on, status_on(due_on, today, completed=completed and open_due_on is None))


def invitation_due(due_on: date, today: date, *, invited: bool) -> bool:
    """Invite once, when the cycle enters the due window (or later, if it opened late)."""
    return not invited and status_on(due_on, today) in (DUE, OVERDUE)


def reminder_due(due_on: date, today: date, *, invited_on: date | None, reminded: bool, booked: bool) -> bool:
    """Remind once, when overdue, not before `REMINDER_AFTER_INVITATION_DAYS` after the invitation,
    and not once an appointment is booked (OH has it in hand)."""
    if reminded or booked or invited_on is None or status_on(due_on, today) != OVERDUE:
        return False
    return today >= invited_on + timedelta(days=REMINDER_AFTER_INVITATION_DAYS)
