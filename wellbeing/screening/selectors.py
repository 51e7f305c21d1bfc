"""Reads for screening: the intervals in force, where each person stands, the lists OH reads and
the completion-only views of supervisors and the wellbeing lead. Each is a fixed number of queries
whatever the number of people."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, QuerySet

from portal import exports
from portal.models import HighRiskRole, User
from wellbeing.models import Screening, ScreeningInterval, ScreeningKind
from wellbeing.screening import due
from wellbeing.screening.defaults import KINDS, Interval, default_interval


def intervals_for(organisation_ids) -> dict[tuple[int, str, str], Interval]:
    """(organisation id, role, kind) -> the interval in force: the organisation's own row, or the
    default for a role and kind it has none for (a new organisation). One query."""
    found = {(row.organisation_id, row.role, row.kind): Interval(row.interval_months, row.first_within_days,
                                                                 row.active)
             for row in ScreeningInterval.objects.filter(organisation_id__in=set(organisation_ids))}
    for organisation_id in set(organisation_ids):
        for role in HighRiskRole.values:
            for kind in KINDS:
                found.setdefault((organisation_id, role, kind), default_interval(role, kind))
    return found


def in_role(people: QuerySet) -> QuerySet:
    """Of `people`, those in a high-risk role with a start date (the only ones screened)."""
    return people.exclude(high_risk_role="").filter(high_risk_role_since__isnull=False,
                                                    organisation__isnull=False)


@dataclass(frozen=True)
class PersonKind:
    person: User
    kind: str
    standing: due.Standing
    open: Screening | None
    last_completed: date | None

    @property
    def booked(self) -> bool:
        return self.open is not None and self.open.appointment_at is not None


def standings(people: list[User], *, today: date) -> list[PersonKind]:
    """For each person (in a high-risk role) and each kind active for their role: where they stand
    on `today`. Three queries for any number of people."""
    if not people:
        return []
    ids = [p.pk for p in people]
    intervals = intervals_for({p.organisation_id for p in people})
    open_rows = {(s.person_id, s.kind): s for s in Screening.objects.filter(
        person_id__in=ids, completed_on__isnull=True, withdrawn_on__isnull=True)}
    last = {(r["person_id"], r["kind"], r["role"]): r["last"] for r in Screening.objects.filter(
        person_id__in=ids, completed_on__isnull=False).values("person_id", "kind", "role").annotate(
        last=Max("completed_on"))}
    found = []
    for person in people:
        for kind in KINDS:
            interval = intervals[person.organisation_id, person.high_risk_role, kind]
            if not interval.active:
                continue
            current = open_rows.get((person.pk, kind))
            if current is not None and (current.role, current.role_since) != (
                    person.high_risk_role, person.high_risk_role_since):
                current = None  # a cycle of an earlier role: the sweep withdraws it
            completed = last.get((person.pk, kind, person.high_risk_role))
            found.append(PersonKind(person, kind, due.standing(
                role_since=person.high_risk_role_since, interval_months=interval.interval_months,
                first_within_days=interval.first_within_days, last_completed=completed, today=today,
                open_due_on=current.due_on if current else None), current, completed))
    return found


# ----------------------------------------------------------------------------- occupational health

OH_STATES = ("open", "overdue", "completed", "withdrawn")


def oh_screenings(user, *, state: str = "", kind: str = "", role: str = "", today: date) -> QuerySet:
    """The screenings of people in the organisations OH covers, filtered."""
    from portal import access

    rows = Screening.objects.filter(person__in=access.people_visible_to(user, access.CLINICAL_DETAIL)).select_related(
        "person__team__unit")
    if state == "open":
        rows = rows.filter(completed_on__isnull=True, withdrawn_on__isnull=True)
    elif state == "overdue":
        rows = rows.filter(completed_on__isnull=True, withdrawn_on__isnull=True, due_on__lt=today)
    elif state == "completed":
        rows = rows.filter(completed_on__isnull=False)
    elif state == "withdrawn":
        rows = rows.filter(withdrawn_on__isnull=False)
    if kind in ScreeningKind.values:
        rows = rows.filter(kind=kind)
    if role in HighRiskRole.values:
        rows = rows.filter(role=role)
    return rows.order_by("completed_on", "due_on", "pk") if state != "completed" else rows.order_by(
        "-completed_on", "-pk")


def oh_screening_or_404(user, pk) -> Screening:
    from portal import access

    return access.get_scoped_or_404(user, Screening.objects.select_related("person__team__unit"), pk,
                                    access.CLINICAL_DETAIL, owner_field="person")


def for_person(person: User) -> list[Screening]:
    """Every screening of one person, newest first (OH's case page)."""
    return list(Screening.objects.filter(person=person).order_by("-due_on", "-pk"))


# ----------------------------------------------------------------------------- completion only

# What a supervisor and the wellbeing lead see: no outcome, no appointment, no attendance.
COMPLETION = {
    due.OVERDUE: "overdue",
    due.DUE: "due",
    due.NOT_YET_DUE: "not_yet_due",
    due.UP_TO_DATE: "up_to_date",
}


@dataclass(frozen=True)
class CompletionRow:
    person: User
    statuses: dict  # kind -> status code (a key of COMPLETION), or None when the kind does not apply
    due_on: dict  # kind -> date


def completion_rows(people: list[User], *, today: date) -> list[CompletionRow]:
    by_person: dict[int, CompletionRow] = {}
    for item in standings(people, today=today):
        row = by_person.setdefault(item.person.pk, CompletionRow(item.person, {}, {}))
        row.statuses[item.kind] = item.standing.status
        row.due_on[item.kind] = item.standing.due_on
    return [by_person[p.pk] for p in people if p.pk in by_person]


@dataclass(frozen=True)
class CountRow:
    unit: str
    role: str
    kind: str
    people: int | str
    counts: dict  # status -> count or "<5"


def lead_counts(people: list[User], *, today: date) -> list[CountRow]:
    """Per unit, role and kind: how many people are overdue, due, not yet due and up to date. A
    group of fewer than five people is shown only as "<5" (no breakdown), and every count under
    five as "<5", so no one can be singled out."""
    groups: dict[tuple[str, str, str], Counter] = {}
    for item in standings(people, today=today):
        unit = item.person.team.unit.name if item.person.team_id else ""
        groups.setdefault((unit, item.person.high_risk_role, item.kind), Counter())[item.standing.status] += 1
    rows = []
    for (unit, role, kind), counter in sorted(groups.items()):
        total = sum(counter.values())
        small = total < exports.SUPPRESS_BELOW
        counts = {s: exports.SUPPRESSED if small else exports.suppress(counter[s]) for s in due.STATUSES}
        rows.append(CountRow(unit, role, kind, exports.suppress(total), counts))
    return rows
