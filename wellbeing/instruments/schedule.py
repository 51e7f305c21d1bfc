"""What is due, and why: a pure function over plain data (no ORM), so every rule is tested alone.

Three kinds of schedule rule (the rows of `CheckInSchedule`, resolved for one officer):
- "every": due `every_days` after the last completion of that questionnaire (or from the day the
  person joined, for a first check-in); overdue `grace_days` later.
- "critical_incident": TRiM-style follow-ups, due `hours_after` an incident. A follow-up opens a
  little before it is due (a third of the delay, at most 3 days), counts as done by any check-in of
  that questionnaire completed from then on, is overdue `grace_days` after it is due, and stops being
  shown 21 days after it was due.
- "after_shift": the pulse, offered for 48 hours after a shift ends; done by a pulse completed after
  the shift ended. Never overdue (it is an invitation, not a duty).

Each item has a stable key, so a reminder is sent once per item, never twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

EVERY = "every"
CRITICAL_INCIDENT = "critical_incident"
AFTER_SHIFT = "after_shift"

SHIFT_OFFER = timedelta(hours=48)
FOLLOWUP_SHOWN_FOR = timedelta(days=21)
FOLLOWUP_OPENS_AT_MOST = timedelta(days=3)

UPCOMING = "upcoming"
DUE = "due"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Rule:
    instrument: str
    trigger: str
    every_days: int | None = None
    hours_after: int | None = None
    grace_days: int = 7


@dataclass(frozen=True)
class Incident:
    key: int  # the shift's id: one incident per shift, however many exposures were marked critical
    at: datetime
    logged_on: date  # the shift date, for the officer's own words


@dataclass(frozen=True)
class Shift:
    key: int
    ends_at: datetime
    shift_date: date


@dataclass(frozen=True)
class DueItem:
    key: str
    instrument: str
    trigger: str
    status: str
    due_at: datetime
    overdue_at: datetime | None
    reason: str


def _when(hours: int) -> str:
    if hours % 24 == 0 and hours >= 7 * 24:
        days = hours // 24
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def _weeks_or_days(days: int) -> str:
    if days % 7 == 0:
        weeks = days // 7
        return ngettext("Every week", "Every %(n)d weeks", weeks) % {"n": weeks}
    return ngettext("Every day", "Every %(n)d days", days) % {"n": days}


def _day(value: date) -> str:
    return date_format(value, "j F")


def _status(now: datetime, due_at: datetime, overdue_at: datetime | None) -> str:
    if now < due_at:
        return UPCOMING
    if overdue_at is not None and now >= overdue_at:
        return OVERDUE
    return DUE


def due_items(
    *, rules: list[Rule], completions: dict[str, list[datetime]], incidents: list[Incident],
    shifts: list[Shift], joined_at: datetime, now: datetime, local_date: Callable[[datetime], date] | None = None,
) -> list[DueItem]:
    """Every check-in that is upcoming, due or overdue for one person at `now`, overdue first.
    `completions` maps each questionnaire code to the times it was completed (any order);
    `local_date(dt)` turns a datetime into the person's calendar date (defaults to dt.date())."""
    to_date = local_date or (lambda dt: dt.date())
    items: list[DueItem] = []
    for rule in rules:
        done = completions.get(rule.instrument, [])
        if rule.trigger == EVERY and rule.every_days:
            last = max(done, default=None)
            due_at = last + timedelta(days=rule.every_days) if last else joined_at
            overdue_at = due_at + timedelta(days=rule.grace_days)
            if last:
                reason = _("%(every)s; you last completed it on %(date)s") % {
                    "every": _weeks_or_days(rule.every_days), "date": _day(to_date(last))}
            else:
                reason = _("%(every)s; this will be your first") % {"every": _weeks_or_days(rule.every_days)}
            items.append(DueItem(
                key=f"every:{rule.instrument}:{rule.every_days}:{due_at:%Y%m%d}", instrument=rule.instrument,
                trigger=rule.trigger, status=_status(now, due_at, overdue_at), due_at=due_at,
                overdue_at=overdue_at, reason=reason,
            ))
        elif rule.trigger == CRITICAL_INCIDENT and rule.hours_after:
            delay = timedelta(hours=rule.hours_after)
            opens_before = min(delay / 3, FOLLOWUP_OPENS_AT_MOST)
            for incident in incidents:
                due_at = incident.at + delay
                opens_at = due_at - opens_before
                expires_at = due_at + FOLLOWUP_SHOWN_FOR
                if now >= expires_at or now < incident.at:
                    continue
                if any(opens_at <= t < expires_at for t in done):
                    continue
                overdue_at = due_at + timedelta(days=rule.grace_days)
                status = UPCOMING if now < opens_at else _status(max(now, due_at), due_at, overdue_at)
                items.append(DueItem(
                    key=f"ci:{incident.key}:{rule.instrument}:{rule.hours_after}", instrument=rule.instrument,
                    trigger=rule.trigger, status=status, due_at=due_at, overdue_at=overdue_at,
                    reason=_("%(when)s after the critical incident you logged on %(date)s") % {
                        "when": _when(rule.hours_after), "date": _day(incident.logged_on)},
                ))
        elif rule.trigger == AFTER_SHIFT:
            for shift in shifts:
                if not (shift.ends_at <= now < shift.ends_at + SHIFT_OFFER):
                    continue
                if any(t >= shift.ends_at for t in done):
                    continue
                items.append(DueItem(
                    key=f"shift:{shift.key}:{rule.instrument}", instrument=rule.instrument, trigger=rule.trigger,
                    status=DUE, due_at=shift.ends_at, overdue_at=None,
                    reason=_("After your shift on %(date)s") % {"date": _day(shift.shift_date)},
                ))
    order = {OVERDUE: 0, DUE: 1, UPCOMING: 2}
    items.sort(key=lambda i: (order[i.status], i.due_at, i.instrument))
    return items


def resolve_rules(rows: list[dict], *, organisation_id: int | None, role: str) -> list[Rule]:
    """The rules for one person from schedule rows (dicts with organisation_id, role, instrument,
    trigger, every_days, hours_after, grace_days, active): rows for other organisations or roles
    are ignored; for the same questionnaire, trigger and timing the most specific row wins (its own
    organisation beats every organisation, its own role beats every role); inactive winners drop."""
    best: dict[tuple, tuple[int, dict]] = {}
    for row in rows:
        if row["organisation_id"] is not None and row["organisation_id"] != organisation_id:
            continue
        if row["role"] and row["role"] != role:
            continue
        specificity = (2 if row["organisation_id"] is not None else 0) + (1 if row["role"] else 0)
        key = (row["instrument"], row["trigger"], row["hours_after"] if row["trigger"] == CRITICAL_INCIDENT else None)
        if key not in best or specificity > best[key][0]:
            best[key] = (specificity, row)
    rules = []
    for _spec, row in best.values():
        if row["active"]:
            rules.append(Rule(instrument=row["instrument"], trigger=row["trigger"], every_days=row["every_days"],
                              hours_after=row["hours_after"], grace_days=row["grace_days"]))
    rules.sort(key=lambda r: (r.instrument, r.trigger, r.hours_after or 0))
    return rules
