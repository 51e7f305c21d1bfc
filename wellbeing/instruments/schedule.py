"""What is due, and why: a pure function over plain data (no ORM), so every rule is tested alone.

Four kinds of schedule rule (the rows of `CheckInSchedule`, resolved for one officer):
- "every": due `every_days` after the last completion of that questionnaire (or from the day the
  person joined, for a first check-in); overdue `grace_days` later.
- "trim_assessment" and "trim_followup": the follow-ups of each of the person's TRiM cases (whether
  they logged the critical incident, a supervisor declared it or someone referred them), due when
  the case's initial assessment and its follow-up are due. The case holds those dates (from the
  organisation's TRiM timings, 72 hours and 28 days by default): the schedule never defines a
  timing of its own. A follow-up opens a little before it is due (a third of the time from the
  incident, at most 3 days), counts as done by any check-in of that questionnaire completed from then
  on, is overdue `grace_days` after it is due, and stops being shown 21 days after it was due. Two
  cases whose follow-ups of one questionnaire fall due within a day of each other (the same event
  logged by the officer and declared by a supervisor) give one check-in, not two.
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
TRIM_ASSESSMENT = "trim_assessment"
TRIM_FOLLOWUP = "trim_followup"
TRIM_TRIGGERS = (TRIM_ASSESSMENT, TRIM_FOLLOWUP)
AFTER_SHIFT = "after_shift"

SHIFT_OFFER = timedelta(hours=48)
FOLLOWUP_SHOWN_FOR = timedelta(days=21)
FOLLOWUP_OPENS_AT_MOST = timedelta(days=3)
FOLLOWUPS_MERGE_WITHIN = timedelta(days=1)

UPCOMING = "upcoming"
DUE = "due"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Rule:
    instrument: str
    trigger: str
    every_days: int | None = None
    grace_days: int = 7


@dataclass(frozen=True)
class Incident:
    """One of the person's TRiM cases, as the schedule needs it."""

    key: int  # the TRiM case's id
    at: datetime  # when the incident happened
    on: date  # its date where the person is, for their own words
    assessment_due_at: datetime  # the case's due dates (from the organisation's TRiM timings)
    followup_due_at: datetime

    def due_at(self, trigger: str) -> datetime:
        return self.assessment_due_at if trigger == TRIM_ASSESSMENT else self.followup_due_at


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


def _every_item(rule: Rule, done: list[datetime], *, joined_at: datetime, now: datetime,
                to_date: Callable[[datetime], date]) -> DueItem:
    last = max(done, default=None)
    due_at = last + timedelta(days=rule.every_days or 0) if last else joined_at
    overdue_at = due_at + timedelta(days=rule.grace_days)
    if last:
        reason = _("%(every)s; you last completed it on %(date)s") % {
            "every": _weeks_or_days(rule.every_days or 0), "date": _day(to_date(last))}
    else:
        reason = _("%(every)s; this will be your first") % {"every": _weeks_or_days(rule.every_days or 0)}
    return DueItem(
        key=f"every:{rule.instrument}:{rule.every_days}:{due_at:%Y%m%d}", instrument=rule.instrument,
        trigger=rule.trigger, status=_status(now, due_at, overdue_at), due_at=due_at, overdue_at=overdue_at,
        reason=reason,
    )


def _followup_items(rule: Rule, done: list[datetime], incidents: list[Incident], *, now: datetime) -> list[DueItem]:
    """The follow-ups of one rule (initial or follow-up) for every case: due when the case says.
    Cases are taken by due date; one due within a day of a follow-up already taken is the same
    check-in (the same event opened twice), so it gives no second item and no second reminder."""
    items: list[DueItem] = []
    taken: list[datetime] = []
    for incident in sorted(incidents, key=lambda i: (i.due_at(rule.trigger), i.key)):
        due_at = incident.due_at(rule.trigger)
        if any(abs(due_at - earlier) < FOLLOWUPS_MERGE_WITHIN for earlier in taken):
            continue
        taken.append(due_at)
        delay = max(due_at - incident.at, timedelta(0))
        opens_at = due_at - min(delay / 3, FOLLOWUP_OPENS_AT_MOST)
        expires_at = due_at + FOLLOWUP_SHOWN_FOR
        if now >= expires_at or now < incident.at:
            continue
        if any(opens_at <= t < expires_at for t in done):
            continue
        overdue_at = due_at + timedelta(days=rule.grace_days)
        status = UPCOMING if now < opens_at else _status(max(now, due_at), due_at, overdue_at)
        hours = round(delay.total_seconds() / 3600)
        items.append(DueItem(
            key=f"{rule.trigger}:{incident.key}:{rule.instrument}", instrument=rule.instrument,
            trigger=rule.trigger, status=status, due_at=due_at, overdue_at=overdue_at,
            reason=_("%(when)s after the incident on %(date)s") % {"when": _when(hours), "date": _day(incident.on)},
        ))
    return items


def _shift_items(rule: Rule, done: list[datetime], shifts: list[Shift], *, now: datetime) -> list[DueItem]:
    items = []
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
    return items


def due_items(
    *, rules: list[Rule], completions: dict[str, list[datetime]], incidents: list[Incident],
    shifts: list[Shift], joined_at: datetime, now: datetime, local_date: Callable[[datetime], date] | None = None,
) -> list[DueItem]:
    """Every check-in that is upcoming, due or overdue for one person at `now`, overdue first.
    `completions` maps each questionnaire code to the times it was completed (any order);
    `incidents` are the person's TRiM cases; `local_date(dt)` turns a datetime into the person's
    calendar date (defaults to dt.date())."""
    to_date = local_date or (lambda dt: dt.date())
    items: list[DueItem] = []
    for rule in rules:
        done = completions.get(rule.instrument, [])
        if rule.trigger == EVERY and rule.every_days:
            items.append(_every_item(rule, done, joined_at=joined_at, now=now, to_date=to_date))
        elif rule.trigger in TRIM_TRIGGERS:
            items.extend(_followup_items(rule, done, incidents, now=now))
        elif rule.trigger == AFTER_SHIFT:
            items.extend(_shift_items(rule, done, shifts, now=now))
    order = {OVERDUE: 0, DUE: 1, UPCOMING: 2}
    items.sort(key=lambda i: (order[i.status], i.due_at, i.instrument))
    return items


def resolve_rules(rows: list[dict], *, organisation_id: int | None, role: str) -> list[Rule]:
    """The rules for one person from schedule rows (dicts with organisation_id, role, instrument,
    trigger, every_days, grace_days, active): rows for other organisations or roles are ignored; for
    the same questionnaire and trigger the most specific row wins (its own organisation beats every
    organisation, its own role beats every role); inactive winners drop."""
    best: dict[tuple, tuple[int, dict]] = {}
    for row in rows:
        if row["organisation_id"] is not None and row["organisation_id"] != organisation_id:
            continue
        if row["role"] and row["role"] != role:
            continue
        specificity = (2 if row["organisation_id"] is not None else 0) + (1 if row["role"] else 0)
        key = (row["instrument"], row["trigger"])
        if key not in best or specificity > best[key][0]:
            best[key] = (specificity, row)
    rules = []
    for _spec, row in best.values():
        if row["active"]:
            rules.append(Rule(instrument=row["instrument"], trigger=row["trigger"], every_days=row["every_days"],
                              grace_days=row["grace_days"]))
    rules.sort(key=lambda r: (r.instrument, r.trigger))
    return rules
