"""When occupational health works, and what that means for someone who just gave an urgent answer.

Pure functions over plain values (no ORM, no clock): the views pass the organisation's
`oh_opens_at`, `oh_closes_at` and `oh_open_weekends` and the time now in Europe/London. Hazard H8 in
docs/clinical-safety.md: outside OH's hours nobody is on duty to read an urgent flag, so the pages
say when OH next opens and put the 24-hour crisis lines first.

Rules:
- OH works on Monday to Friday, and on Saturday and Sunday too if `weekends` is set. Bank holidays
  are not modelled (see portal.models.Organisation).
- A working period starts at `opens` on a working day and ends at `closes`: open from `opens`
  inclusive to `closes` exclusive (at exactly 17:00 a 08:00-17:00 service is closed).
- If `closes` is earlier than `opens` the period runs overnight and ends on the next day; it
  belongs to the day it opened (a weekday-only 20:00-06:00 service is open from Friday 20:00 to
  Saturday 06:00, and not from Sunday 20:00).
- If `opens` equals `closes` OH works the whole of each working day (midnight to midnight).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

LONDON = ZoneInfo("Europe/London")
SATURDAY = 5


@dataclass(frozen=True)
class OhHours:
    opens: time
    closes: time
    weekends: bool


def _works_on(day: date, weekends: bool) -> bool:
    return weekends or day.weekday() < SATURDAY


def _period(day: date, hours: OhHours) -> tuple[datetime, datetime]:
    """The working period that opens on `day` (naive local datetimes)."""
    start = datetime.combine(day, hours.opens)
    if hours.closes > hours.opens:
        end = datetime.combine(day, hours.closes)
    else:  # overnight, or the whole day when opens == closes
        end = datetime.combine(day + timedelta(days=1), hours.closes)
    return start, end


def _naive(now_local: datetime) -> datetime:
    return now_local.replace(tzinfo=None)


def oh_is_open(now_local: datetime, opens: time, closes: time, weekends: bool) -> bool:
    """Whether OH is working at `now_local` (a Europe/London wall-clock time, aware or naive)."""
    hours = OhHours(opens, closes, weekends)
    now = _naive(now_local)
    # A period that opened yesterday may still be running (overnight hours).
    for day in (now.date() - timedelta(days=1), now.date()):
        if _works_on(day, weekends):
            start, end = _period(day, hours)
            if start <= now < end:
                return True
    return False


def oh_next_opening(now_local: datetime, opens: time, closes: time, weekends: bool) -> datetime:
    """The next time OH opens strictly after `now_local`, as a Europe/London aware datetime. (If
    OH is open now, this is the start of its next working period, not the current one.)"""
    hours = OhHours(opens, closes, weekends)
    now = _naive(now_local)
    day = now.date()
    for _day in range(8):  # a working day is at most a week away (Friday evening -> Monday)
        start, _end = _period(day, hours)
        if _works_on(day, weekends) and start > now:
            return start.replace(tzinfo=LONDON)
        day += timedelta(days=1)
    raise AssertionError("unreachable: Monday to Friday are always working days")  # pragma: no cover


@dataclass(frozen=True)
class OhStatus:
    open_now: bool
    next_opening: datetime | None  # when closed: the next opening; when open: None
    hours: OhHours | None  # None when the person has no organisation (hours unknown)


def oh_status(now: datetime, hours: OhHours | None) -> OhStatus:
    """OH's state at `now` (any aware datetime; converted to Europe/London). Unknown hours count
    as closed, so the crisis lines come first."""
    if hours is None:
        return OhStatus(open_now=False, next_opening=None, hours=None)
    local = now.astimezone(LONDON)
    if oh_is_open(local, hours.opens, hours.closes, hours.weekends):
        return OhStatus(open_now=True, next_opening=None, hours=hours)
    return OhStatus(open_now=False, next_opening=oh_next_opening(local, hours.opens, hours.closes, hours.weekends),
                    hours=hours)


def hours_text(hours: OhHours | None) -> str:
    """OH's working hours in one plain sentence (times on the 24-hour clock, London time)."""
    if hours is None:
        return _("Your organisation has not said when occupational health works, so use the 24-hour lines "
                 "below if you need someone now.")
    values = {"opens": hours.opens.strftime("%H:%M"), "closes": hours.closes.strftime("%H:%M")}
    if hours.opens == hours.closes:
        if hours.weekends:
            return _("Occupational health works at any hour, every day.")
        return _("Occupational health works all day, Monday to Friday.")
    if hours.closes < hours.opens:
        if hours.weekends:
            return _("Occupational health works every day, from %(opens)s until %(closes)s the next morning.") % values
        return _("Occupational health works from %(opens)s until %(closes)s the next morning, starting Monday to "
                 "Friday.") % values
    if hours.weekends:
        return _("Occupational health works every day, %(opens)s to %(closes)s.") % values
    return _("Occupational health works Monday to Friday, %(opens)s to %(closes)s.") % values


def crisis_first(contacts: list, *, oh_open: bool) -> list:
    """Contacts in their configured order while OH is working; outside OH's hours the ones that
    answer 24 hours a day first (each group keeps its order). Contacts are SupportContact rows or
    dicts with the same keys."""
    if oh_open:
        return list(contacts)
    return sorted(contacts, key=lambda c: not _always_open(c))


def _always_open(contact: object) -> bool:
    if isinstance(contact, dict):
        return bool(contact.get("always_open"))
    return bool(getattr(contact, "always_open", False))
