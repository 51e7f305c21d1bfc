"""Reads for the wellbeing check-in pages and the reminder task. Each function runs a fixed number
of queries however many rows there are (the due list for many officers included)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from exposure import shift_times
from exposure.models import ShiftLog
from wellbeing.instruments import INSTRUMENTS
from wellbeing.instruments.schedule import (
    FOLLOWUP_OPENS_AT_MOST,
    FOLLOWUP_SHOWN_FOR,
    FOLLOWUPS_MERGE_WITHIN,
    SHIFT_OFFER,
    DueItem,
    Incident,
    Shift,
    due_items,
    resolve_rules,
)
from wellbeing.models import CheckIn, CheckInSchedule, SupportContact, TrimCase

TREND_DAYS = 365
SCHEDULE_FIELDS = ["organisation_id", "role", "instrument", "trigger", "every_days", "grace_days", "active"]
# Columns safe to load for lists: never `answers`, `result` or `comment`.
LIST_FIELDS = ["id", "officer_id", "instrument", "completed_at", "total", "band", "positive", "urgent"]


def trim_followups(ids: list[int], *, since: datetime) -> dict[int, dict[int, Incident]]:
    """The TRiM cases of these people with a follow-up due on or after `since`, as the schedule's
    plain `Incident` (id -> case id -> incident). Every case counts, however it opened (logged,
    declared, referred): the case's due dates are the one source of the follow-ups. One query."""
    incidents: dict[int, dict[int, Incident]] = defaultdict(dict)
    for case_id, person_id, at, assessment_due, followup_due in TrimCase.objects.filter(
        Q(assessment_due_at__gte=since) | Q(followup_due_at__gte=since), person_id__in=ids,
    ).values_list("id", "person_id", "incident__occurred_at", "assessment_due_at", "followup_due_at"):
        incidents[person_id][case_id] = Incident(key=case_id, at=at, on=timezone.localdate(at),
                                                 assessment_due_at=assessment_due, followup_due_at=followup_due)
    return incidents


def due_for_officers(officers, *, now: datetime) -> dict[int, list[DueItem]]:
    """Due, overdue and upcoming check-ins for each officer (id -> items). Five queries in all."""
    officers = list(officers)
    if not officers:
        return {}
    ids = [o.pk for o in officers]
    rows = list(CheckInSchedule.objects.values(*SCHEDULE_FIELDS))
    # A follow-up is shown until FOLLOWUP_SHOWN_FOR after it was due, and done by a check-in from
    # at most FOLLOWUP_OPENS_AT_MOST before; a case due a little earlier may stand for a later one.
    shown_since = now - FOLLOWUP_SHOWN_FOR - FOLLOWUPS_MERGE_WITHIN
    incidents = trim_followups(ids, since=shown_since)
    recent_since = shown_since - FOLLOWUP_OPENS_AT_MOST

    completions: dict[int, dict[str, list[datetime]]] = defaultdict(lambda: defaultdict(list))
    for officer_id, instrument, last in (
        CheckIn.objects.filter(officer_id__in=ids).values("officer_id", "instrument")
        .annotate(last=Max("completed_at")).values_list("officer_id", "instrument", "last")
    ):
        completions[officer_id][instrument].append(last)
    for officer_id, instrument, at in CheckIn.objects.filter(
        officer_id__in=ids, completed_at__gte=recent_since
    ).values_list("officer_id", "instrument", "completed_at"):
        completions[officer_id][instrument].append(at)

    shifts: dict[int, list[Shift]] = defaultdict(list)
    for shift_id, officer_id, shift_date, start, minutes in ShiftLog.objects.filter(
        officer_id__in=ids, shift_date__gte=(now - SHIFT_OFFER).date() - timedelta(days=2),
    ).values_list("id", "officer_id", "shift_date", "start_time", "duration_minutes"):
        # Real minutes after the start (in UTC), across midnight and the clock changes.
        ends_at = shift_times.shift_end(shift_date, start, minutes)
        shifts[officer_id].append(Shift(key=shift_id, ends_at=ends_at, shift_date=shift_date))

    result = {}
    for officer in officers:
        rules = resolve_rules(rows, organisation_id=officer.organisation_id, role=officer.high_risk_role)
        result[officer.pk] = due_items(
            rules=rules, completions=completions[officer.pk], incidents=list(incidents[officer.pk].values()),
            shifts=shifts[officer.pk], joined_at=officer.date_joined, now=now, local_date=timezone.localdate,
        )
    return result


def due_for(officer, *, now: datetime) -> list[DueItem]:
    return due_for_officers([officer], now=now)[officer.pk]


def history(checkins: QuerySet) -> QuerySet:
    """The officer's check-ins for the history table: list columns only, never answers or comments."""
    return checkins.only(*LIST_FIELDS).order_by("-completed_at", "-id")


def trends(checkins: QuerySet, *, now: datetime, instrument: str | None = None) -> list[dict]:
    """One series per questionnaire the officer has completed in the last year, oldest first, with
    a one-sentence summary: [{"code", "name", "max", "cutoff", "higher_is_better", "points": [...],
    "summary", "any_urgent"}]; each point says whether that check-in had an urgent answer. One query."""
    rows = checkins.filter(completed_at__gte=now - timedelta(days=TREND_DAYS))
    if instrument:
        rows = rows.filter(instrument=instrument)
    series: dict[str, list] = defaultdict(list)
    for code, at, total, urgent in rows.order_by("completed_at", "id").values_list(
            "instrument", "completed_at", "total", "urgent"):
        series[code].append({"date": timezone.localtime(at).date().isoformat(), "total": total,
                             "label": date_format(timezone.localtime(at).date(), "j M Y"), "urgent": urgent})
    out = []
    for code, definition in INSTRUMENTS.items():
        points = series.get(code)
        if not points:
            continue
        out.append({
            "code": code, "name": str(definition.short_name), "max": definition.max_total,
            "cutoff": definition.cutoff, "higher_is_better": definition.higher_is_better, "points": points,
            "summary": trend_summary(definition, points),
            "any_urgent": any(p["urgent"] for p in points),
            "labels": {
                "urgent": _("urgent answer: occupational health told"),
                "cutoff": _("cut-off %(n)d") % {"n": definition.cutoff} if definition.cutoff else "",
                "axis": _("higher is better") if definition.higher_is_better else _("higher means harder"),
            },
        })
    return out


def trend_summary(definition, points: list[dict]) -> str:
    """One calm sentence describing a series (pure). Points are {"total", "urgent"?}.

    Hazard H6: if any check-in in the series had an urgent answer (PHQ-9 item 9, the PHQ-4 safety
    question), a lower total says nothing reassuring. The summary then never calls a direction
    better (or worse): it gives the numbers and says that an urgent answer was given."""
    name = definition.short_name
    urgent = any(p.get("urgent") for p in points)
    if len(points) == 1:
        if urgent:
            return _("You have completed the %(name)s once. It included an answer that needs support straight away, "
                     "so occupational health was told; its score on its own does not show how you are.") % {
                "name": name}
        return _("You have completed the %(name)s once, scoring %(total)d out of %(max)d.") % {
            "name": name, "total": points[0]["total"], "max": definition.max_total}
    recent = points[-6:]
    first, last = recent[0]["total"], recent[-1]["total"]
    values = {"name": name, "n": len(recent), "first": first, "last": last, "max": definition.max_total}
    if urgent:
        if last == first:
            text = ngettext("Over your last %(n)d %(name)s check-in your score stayed at %(last)d out of %(max)d.",
                            "Over your last %(n)d %(name)s check-ins your score stayed at %(last)d out of %(max)d.",
                            values["n"])
        else:
            text = ngettext("Over your last %(n)d %(name)s check-in your score went from %(first)d to %(last)d out of "
                            "%(max)d.",
                            "Over your last %(n)d %(name)s check-ins your score went from %(first)d to %(last)d out of "
                            "%(max)d.", values["n"])
        return " ".join([text % values, _(
            "At least one of your %(name)s check-ins included an answer that needs support straight away, so "
            "occupational health was told. The score alone does not show whether things are better or worse."
        ) % values])
    if last == first:
        return ngettext("Over your last %(n)d %(name)s check-in your score stayed at %(last)d out of %(max)d.",
                            "Over your last %(n)d %(name)s check-ins your score stayed at %(last)d out of %(max)d.",
                            values["n"]) % values
    better = (last > first) == definition.higher_is_better
    if better:
        text = ngettext("Over your last %(n)d %(name)s check-in your score went from %(first)d to %(last)d out of "
                        "%(max)d, which is in the better direction.",
                        "Over your last %(n)d %(name)s check-ins your score went from %(first)d to %(last)d out of "
                        "%(max)d, which is in the better direction.", values["n"])
    else:
        text = ngettext("Over your last %(n)d %(name)s check-in your score went from %(first)d to %(last)d out of "
                        "%(max)d, which is in the harder direction.",
                        "Over your last %(n)d %(name)s check-ins your score went from %(first)d to %(last)d out of "
                        "%(max)d, which is in the harder direction.", values["n"])
    return text % values


# Shown if no national contact is configured at all (say, the table was emptied by mistake), so
# the urgent support page is never without somewhere to turn. Admins edit the real rows.
FALLBACK_NATIONAL = [
    {"name": "Emergency services", "contact": "999", "always_open": True,
     "detail": _lazy("If you or someone else is in immediate danger, or life is at risk.")},
    {"name": "Samaritans", "contact": "116 123", "always_open": True,
     "detail": _lazy("Free from any phone, 24 hours a day, every day.")},
    {"name": "Shout", "contact": _lazy("Text SHOUT to 85258"), "always_open": True,
     "detail": _lazy("Free, confidential text support, 24 hours a day.")},
    {"name": "Police Care UK", "contact": "0300 012 0030",
     "detail": _lazy("Confidential support for serving and former police officers, staff and volunteers.")},
]


def support_contacts_for(user) -> list:
    """National contacts for the person's nation, and their own organisation's routes, in order.
    One query (plus the organisation, if not already loaded)."""
    organisation = user.organisation
    contacts = SupportContact.objects.filter(active=True)
    if organisation is None:
        contacts = contacts.filter(organisation__isnull=True, nation="")
    else:
        contacts = contacts.filter(
            Q(organisation__isnull=True) | Q(organisation_id=organisation.pk),
            Q(nation="") | Q(nation=organisation.nation),
        )
    contacts = list(contacts)
    if not any(c.organisation_id is None for c in contacts):
        contacts = [*FALLBACK_NATIONAL[:1], *contacts, *FALLBACK_NATIONAL[1:]]
    return contacts
