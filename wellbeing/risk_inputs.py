"""Gathering the risk engine's inputs with SQL aggregates (selectors). The same code serves one
officer (after a save) and the whole force (the nightly sweep), so both always agree.

Rows are aggregated in the database (exposure dose per officer per day, latest results, recent
pulses); pandas only works on those aggregated rows, never on whole tables."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta

import pandas as pd
from django.db import connection
from django.db.models import F, Max, Sum, Window
from django.db.models.functions import RowNumber

from exposure.models import Exposure
from portal.models import User
from wellbeing.models import CheckIn
from wellbeing.risk import (
    RECENT_DAYS,
    SCREEN_LOOKBACK_DAYS,
    URGENT_LOOKBACK_DAYS,
    USUAL_WINDOW_DAYS,
    OfficerInputs,
    ScreenResult,
)

SCREEN_INSTRUMENTS = ["phq9", "gad7", "pcl5", "phq4"]
URGENT_CODES = {"phq4": "safety_question"}  # any other instrument's urgent answer is PHQ-9 item 9
LAST_CHECKIN_DAYS = 365
PULSE_LOOKBACK_DAYS = 120  # a trend is judged on the pulses of the last four months


def load_lookback_days(half_life_days: float) -> int:
    """How far back exposure still matters: the usual window, or until the weight falls under
    0.5 ** 8 (0.4%), whichever is longer."""
    return max(RECENT_DAYS + USUAL_WINDOW_DAYS, math.ceil(8 * half_life_days))


def officers(officer_ids=None, role=None):
    qs = User.objects.filter(is_officer=True, is_active=True)
    if officer_ids is not None:
        qs = qs.filter(pk__in=officer_ids)
    if role is not None:
        qs = qs.filter(high_risk_role=role)
    return dict(qs.values_list("pk", "high_risk_role"))


LOADS_SQL = """
    SELECT e.officer_id,
           SUM(e.dose * power(0.5, (%(today)s::date - e.shift_date) / %(half_life)s::float)) AS load_now,
           COALESCE(SUM(e.dose) FILTER (WHERE e.shift_date > %(recent_since)s), 0) AS recent_dose,
           COALESCE(SUM(e.dose) FILTER (WHERE e.shift_date <= %(recent_since)s
                                        AND e.shift_date > %(usual_since)s), 0) AS usual
    FROM exposure_exposure e
    WHERE e.shift_date > %(since)s AND e.shift_date <= %(today)s
      AND (%(ids)s::bigint[] IS NULL OR e.officer_id = ANY(%(ids)s::bigint[]))
      AND (%(role)s::text IS NULL OR e.officer_id IN (SELECT id FROM portal_user WHERE high_risk_role = %(role)s))
    GROUP BY e.officer_id
"""


def exposure_loads(officer_ids, *, today, half_life_days: float, role=None) -> pd.DataFrame:
    """Per officer: decayed load today, undecayed dose in the recent window, and mean daily dose
    over the usual window. Index: officer id. Officers without exposure are absent.

    On PostgreSQL the database returns one row per officer. Elsewhere (SQLite, development) it
    returns one row per officer and day and pandas applies the same arithmetic."""
    since = today - timedelta(days=load_lookback_days(half_life_days))
    columns = ["load_now", "recent_dose", "usual_daily_dose"]
    if connection.vendor == "postgresql":
        params = {"today": today, "half_life": half_life_days, "since": since,
                  "recent_since": today - timedelta(days=RECENT_DAYS),
                  "usual_since": today - timedelta(days=RECENT_DAYS + USUAL_WINDOW_DAYS),
                  "ids": None if officer_ids is None else list(officer_ids), "role": role}
        with connection.cursor() as cursor:
            cursor.execute(LOADS_SQL, params)
            rows = cursor.fetchall()
        frame = pd.DataFrame.from_records(rows, columns=["officer_id", "load_now", "recent_dose", "usual"])
        if frame.empty:
            return pd.DataFrame(columns=columns, dtype=float)
        frame = frame.set_index("officer_id").astype(float)
        frame["usual_daily_dose"] = frame.pop("usual") / USUAL_WINDOW_DAYS
        return frame[columns]

    qs = Exposure.objects.filter(shift_date__gt=since, shift_date__lte=today)
    if officer_ids is not None:
        qs = qs.filter(officer_id__in=officer_ids)
    if role is not None:
        qs = qs.filter(officer__high_risk_role=role)
    rows = qs.values("officer_id", "shift_date").annotate(dose=Sum("dose")).order_by()
    frame = pd.DataFrame.from_records(list(rows), columns=["officer_id", "shift_date", "dose"])
    if frame.empty:
        return pd.DataFrame(columns=columns, dtype=float)
    age = frame["shift_date"].map(lambda d: (today - d).days).astype(float)
    frame["weighted"] = frame["dose"] * 0.5 ** (age / half_life_days)
    frame["recent"] = frame["dose"].where(age < RECENT_DAYS, 0.0)
    frame["usual"] = frame["dose"].where((age >= RECENT_DAYS) & (age < RECENT_DAYS + USUAL_WINDOW_DAYS), 0.0)
    grouped = frame.groupby("officer_id").agg(load_now=("weighted", "sum"), recent_dose=("recent", "sum"),
                                              usual=("usual", "sum"))
    grouped["usual_daily_dose"] = grouped.pop("usual") / USUAL_WINDOW_DAYS
    return grouped[columns]


def role_medians(loads: pd.DataFrame, roles: dict[int, str]) -> dict[str, tuple[float, int]]:
    """Median decayed load per role over every officer in the role (those without exposure count
    as zero). Returns {role: (median, number of officers)}."""
    frame = pd.DataFrame({"role": pd.Series(roles)})
    frame["load_now"] = loads["load_now"].reindex(frame.index).fillna(0.0) if not loads.empty else 0.0
    grouped = frame.groupby("role")["load_now"].agg(["median", "count"])
    return {role: (float(row["median"]), int(row["count"])) for role, row in grouped.iterrows()}


def gather(officer_ids=None, *, now: datetime, rules: dict) -> dict[int, OfficerInputs]:
    """Inputs for the given officers (all active officers when None)."""
    today = now.date()
    roles = officers(officer_ids)
    ids = None if officer_ids is None else list(roles)
    result = {pk: OfficerInputs(officer_id=pk, role=role) for pk, role in roles.items()}
    if not result:
        return result

    loads = exposure_loads(ids, today=today, half_life_days=rules["dose_half_life_days"])
    for pk, load_now, recent_dose, usual_daily_dose in loads.itertuples():
        if pk in result:
            result[pk].load_now = float(load_now)
            result[pk].recent_dose = float(recent_dose)
            result[pk].usual_daily_dose = float(usual_daily_dose)

    def scoped(qs, field="officer_id"):
        return qs if ids is None else qs.filter(**{f"{field}__in": ids})

    # Critical incidents recent enough for a follow-up to be due or still within its grace period.
    longest = max(rules["critical_incident_followup_hours"]) / 24
    incidents = scoped(Exposure.objects.filter(
        critical_incident=True, shift_date__gte=today - timedelta(days=math.ceil(longest) + 15)))
    for pk, day in incidents.values_list("officer_id", "shift_date").distinct().order_by():
        if pk in result:
            result[pk].critical_incidents.append(day)

    # Long CSE viewing without a break (few rows: filtered in Python, as SQLite cannot search JSON lists).
    viewing = scoped(Exposure.objects.filter(
        role="cse_review", shift_date__gt=today - timedelta(days=RECENT_DAYS),
        minutes__gte=rules["viewing_minutes_without_break"]))
    for pk, mitigations in viewing.values_list("officer_id", "mitigations").order_by():
        if pk in result and "breaks" not in (mitigations or []):
            result[pk].long_viewing_without_breaks += 1

    checkins = scoped(CheckIn.objects.all())
    # A check-in more than LAST_CHECKIN_DAYS ago counts as none (the overdue rule then says "never").
    recent_checkins = checkins.filter(completed_at__gte=now - timedelta(days=LAST_CHECKIN_DAYS))
    for pk, last in recent_checkins.values("officer_id").annotate(last=Max("completed_at")).values_list(
            "officer_id", "last").order_by():
        if pk in result:
            result[pk].last_checkin_at = last
    # Check-in times matter only to decide whether a critical-incident follow-up was done, so they
    # are read only for officers with a recent incident (a subquery: no id list in Python).
    recent_since = now - timedelta(days=math.ceil(longest) + 15)
    followed = checkins.filter(completed_at__gte=recent_since, officer_id__in=incidents.values("officer_id"))
    for pk, at in followed.values_list("officer_id", "completed_at").order_by():
        if pk in result:
            result[pk].checkin_times.append(at)

    # The latest result of each instrument per officer, picked in the database.
    screens = checkins.filter(
        instrument__in=SCREEN_INSTRUMENTS, completed_at__gte=now - timedelta(days=SCREEN_LOOKBACK_DAYS)
    ).annotate(rn=Window(RowNumber(), partition_by=[F("officer_id"), F("instrument")],
                         order_by=[F("completed_at").desc(), F("pk").desc()])).filter(rn=1)
    for pk, instrument, at, total, extra in screens.values_list(
            "officer_id", "instrument", "completed_at", "total", "result"):
        if pk in result:
            subscales = {k: extra[k] for k in ("anxiety", "depression") if isinstance(extra, dict) and k in extra}
            result[pk].screens.append(ScreenResult(instrument, at, total, subscales))

    window = rules["pulse_trend_window"]
    pulses = checkins.filter(instrument="pulse", completed_at__gte=now - timedelta(days=PULSE_LOOKBACK_DAYS)).annotate(
        rn=Window(RowNumber(), partition_by=[F("officer_id")], order_by=[F("completed_at").desc(), F("pk").desc()])
    ).filter(rn__lte=2 * window)
    by_officer = defaultdict(list)
    for pk, at, total in pulses.values_list("officer_id", "completed_at", "total"):
        by_officer[pk].append((at, total))
    for pk, rows in by_officer.items():
        if pk in result:
            result[pk].pulses = [total for _, total in sorted(rows)]

    urgent = checkins.filter(urgent=True, completed_at__gte=now - timedelta(days=URGENT_LOOKBACK_DAYS))
    for pk, at, instrument in urgent.values_list("officer_id", "completed_at", "instrument").order_by("completed_at"):
        if pk in result:
            result[pk].urgent_at = at
            result[pk].urgent_code = URGENT_CODES.get(instrument, "phq9_item9")
    return result
