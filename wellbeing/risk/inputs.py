"""Gathering the risk engine's inputs with SQL aggregates (selectors). The same code serves one
officer (after a save) and the whole force (the nightly sweep), so both always agree.

Rows are aggregated in the database (exposure load per officer with the one SQL fragment of
`exposure.load`, latest results, recent pulses); pandas only works on those aggregated rows, never
on whole tables."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pandas as pd
from django.db import connection
from django.db.models import F, FloatField, Max, Q, Sum, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from exposure import load as exposure_load
from exposure import shift_times
from exposure.models import Exposure, ShiftLog, ViewingSession
from portal.models import User
from wellbeing.models import CheckIn, TrimCase
from wellbeing.risk.engine import (
    FOLLOWUP_GRACE_DAYS,
    NO_SUBSCALES,
    RECENT_DAYS,
    SCREEN_LOOKBACK_DAYS,
    URGENT_LOOKBACK_DAYS,
    USUAL_WINDOW_DAYS,
    OfficerInputs,
    ScreenResult,
    long_viewing_count,
)

SCREEN_INSTRUMENTS = ["phq9", "gad7", "pcl5", "phq4"]
URGENT_CODES = {"phq4": "safety_question"}  # any other instrument's urgent answer is PHQ-9 item 9
LAST_CHECKIN_DAYS = 365
PULSE_LOOKBACK_DAYS = 120  # a trend is judged on the pulses of the last four months
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def load_lookback_days(half_life_days: float) -> int:
    """How far back exposure still matters (`exposure.load.lookback_days`)."""
    return exposure_load.lookback_days(half_life_days)


def officers(officer_ids=None, role=None):
    qs = User.objects.filter(is_officer=True, is_active=True)
    if officer_ids is not None:
        qs = qs.filter(pk__in=officer_ids)
    if role is not None:
        qs = qs.filter(high_risk_role=role)
    # No ORDER BY: the model's default (by name) would sort every officer for a dict keyed by id.
    return dict(qs.values_list("pk", "high_risk_role").order_by())


def _load_rows(officer_ids, *, today, half_life_days: float, role=None) -> list[tuple]:
    """Per officer with exposure in the lookback: (officer id, decayed load today, undecayed dose in
    the recent window, dose over the usual window), one row each, from one query on every database:
    the decayed load is the database's fragment of `exposure.load.DECAYED_LOAD_SQL`, the one
    expression of it."""
    since = today - timedelta(days=load_lookback_days(half_life_days))
    qs = Exposure.objects.filter(shift_date__gt=since, shift_date__lte=today)
    if officer_ids is not None:
        qs = qs.filter(officer_id__in=officer_ids)
    if role is not None:
        qs = qs.filter(officer_id__in=User.objects.filter(high_risk_role=role).values("pk"))
    # The SQL text is the fixed fragment of this database; today and the half-life are parameters.
    weighted = RawSQL(exposure_load.decayed_load_sql(connection.vendor),  # noqa: S611 - fixed SQL
                      (today, float(half_life_days)))
    recent_since = today - timedelta(days=RECENT_DAYS)
    usual_since = today - timedelta(days=RECENT_DAYS + USUAL_WINDOW_DAYS)
    rows = (qs.values("officer_id")
            .annotate(load_now=Sum(weighted, output_field=FloatField()),
                      recent=Sum("dose", filter=Q(shift_date__gt=recent_since), default=0.0),
                      usual=Sum("dose", filter=Q(shift_date__lte=recent_since, shift_date__gt=usual_since),
                                default=0.0))
            .order_by().values_list("officer_id", "load_now", "recent", "usual"))
    # Fetched with the query's own SQL, without Django's per-row converters (one a column, tens of
    # thousands of rows a sweep): both callers turn the sums into floats themselves.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def exposure_loads(officer_ids, *, today, half_life_days: float, role=None, portable: bool = False) -> pd.DataFrame:
    """Per officer: decayed load today, undecayed dose in the recent window, and mean daily dose
    over the usual window. Index: officer id. Officers without exposure are absent. (`portable` is
    accepted for the callers that choose the check-in queries; the loads are the same query either
    way.) `gather` reads the same rows without the frame (`_load_rows`)."""
    columns = ["load_now", "recent_dose", "usual_daily_dose"]
    rows = _load_rows(officer_ids, today=today, half_life_days=half_life_days, role=role)
    frame = pd.DataFrame.from_records(rows, columns=["officer_id", "load_now", "recent_dose", "usual"])
    if frame.empty:
        return pd.DataFrame(columns=columns, dtype=float)
    frame = frame.set_index("officer_id").astype(float)
    frame["usual_daily_dose"] = frame.pop("usual") / USUAL_WINDOW_DAYS
    return frame[columns]


def role_medians(loads: pd.DataFrame, roles: dict[int, str]) -> dict[str, tuple[float, int]]:
    """Median decayed load per role over every officer in the role (those without exposure count
    as zero). Returns {role: (median, number of officers)}."""
    frame = pd.DataFrame({"role": pd.Series(roles)})
    frame["load_now"] = loads["load_now"].reindex(frame.index).fillna(0.0) if not loads.empty else 0.0
    grouped = frame.groupby("role")["load_now"].agg(["median", "count"])
    return {role: (float(row["median"]), int(row["count"])) for role, row in grouped.iterrows()}


def role_medians_of(loads: dict[int, float], roles: dict[int, str | None]) -> dict[str, tuple[float, int]]:
    """`role_medians` over plain dicts (the sweep's loads, every officer's): the same medians and
    counts without building frames. An officer without a role is left out, as the frame's group-by
    leaves out a missing key; the median of an even count is the mean of the middle two."""
    by_role: dict[str, list[float]] = defaultdict(list)
    for pk, role in roles.items():
        if role is not None:
            by_role[role].append(float(loads.get(pk, 0.0)))
    medians = {}
    for role, values in sorted(by_role.items()):
        values.sort()
        middle = len(values) // 2
        median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
        medians[role] = (median, len(values))
    return medians


# Each "latest" is the greatest array [completed_at in microseconds, id, values...]: an ordinary
# aggregate, so the database can hash by officer instead of sorting every check-in.
CHECKINS_SQL = """
    SELECT c.officer_id,
           max(c.completed_at),
           max(ARRAY[c.at_us, c.id, c.total])
               FILTER (WHERE c.instrument = 'phq9' AND c.completed_at >= %(screen_since)s),
           max(ARRAY[c.at_us, c.id, c.total])
               FILTER (WHERE c.instrument = 'gad7' AND c.completed_at >= %(screen_since)s),
           max(ARRAY[c.at_us, c.id, c.total, COALESCE((c.result->>'dsm5_provisional')::boolean, false)::int])
               FILTER (WHERE c.instrument = 'pcl5' AND c.completed_at >= %(screen_since)s),
           max(ARRAY[c.at_us, c.id, c.total, (c.result->>'anxiety')::bigint, (c.result->>'depression')::bigint])
               FILTER (WHERE c.instrument = 'phq4' AND c.completed_at >= %(screen_since)s),
           max(ARRAY[c.at_us, c.id, (c.instrument = 'phq4')::int])
               FILTER (WHERE c.urgent AND c.completed_at >= %(urgent_since)s)
    FROM (SELECT *, (date_part('epoch', completed_at) * 1000000)::bigint AS at_us
          FROM wellbeing_checkin
          WHERE completed_at >= %(since)s
            AND (%(ids)s::bigint[] IS NULL OR officer_id = ANY(%(ids)s::bigint[]))) c
    GROUP BY c.officer_id
"""

# The last 2N pulses per officer, newest first (the caller turns them round): a fixed number per
# officer whatever the number of pulses, so the result does not grow with the data. One sort of the
# window's pulses by officer and time feeds the aggregate (a row_number() window before it sorted
# them once more, officer by officer).
PULSES_SQL = """
    SELECT officer_id, (array_agg(total ORDER BY completed_at DESC, id DESC))[1:%(count)s]
    FROM wellbeing_checkin
    WHERE instrument = 'pulse' AND completed_at >= %(since)s
      AND (%(ids)s::bigint[] IS NULL OR officer_id = ANY(%(ids)s::bigint[]))
    GROUP BY officer_id
"""

LAST_CHECKIN_SQL = """
    SELECT officer_id, max(completed_at) FROM wellbeing_checkin
    WHERE completed_at >= %(since)s AND completed_at < %(until)s AND officer_id = ANY(%(ids)s::bigint[])
    GROUP BY officer_id
"""


def _from_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def _checkins_sql(result: dict, ids, *, now, window: int) -> None:
    """The check-in inputs with one row per officer from each statement: one pass over the recent
    check-ins for the last check-in, the latest of each screen and the latest urgent answer (the
    greatest [time, id, ...] array); the last pulses; and, for officers with no check-in in the
    recent window, their last check-in from an indexed query."""
    since = now - timedelta(days=max(SCREEN_LOOKBACK_DAYS, URGENT_LOOKBACK_DAYS))
    params = {"since": since, "screen_since": now - timedelta(days=SCREEN_LOOKBACK_DAYS),
              "urgent_since": now - timedelta(days=URGENT_LOOKBACK_DAYS),
              "pulse_since": now - timedelta(days=PULSE_LOOKBACK_DAYS), "ids": ids}
    # The rows are turned into Python objects one at a time as they are read (not all of them
    # first, with fetchall): at 230,000 officers the rows of a long history would otherwise
    # all be held at once beside the inputs made from them (P2, the sweep's peak memory).
    seen = set()
    with connection.cursor() as cursor:
        cursor.execute(CHECKINS_SQL, params)
        for pk, last, phq9, gad7, pcl5, phq4, urgent in cursor:
            inputs = result.get(pk)
            if inputs is None:
                continue
            seen.add(pk)
            inputs.last_checkin_at = last
            for code, latest in (("phq9", phq9), ("gad7", gad7)):
                if latest is not None:
                    inputs.screens.append(ScreenResult(code, _from_us(latest[0]), latest[2], checkin_id=latest[1]))
            if pcl5 is not None:
                inputs.screens.append(ScreenResult("pcl5", _from_us(pcl5[0]), pcl5[2], dsm5_provisional=bool(pcl5[3]),
                                                   checkin_id=pcl5[1]))
            if phq4 is not None:
                subscales = {k: v for k, v in (("anxiety", phq4[3]), ("depression", phq4[4])) if v is not None}
                inputs.screens.append(ScreenResult("phq4", _from_us(phq4[0]), phq4[2], subscales, checkin_id=phq4[1]))
            if urgent is not None:
                inputs.urgent_at = _from_us(urgent[0])
                inputs.urgent_checkin_id = urgent[1]
                inputs.urgent_code = "safety_question" if urgent[2] else "phq9_item9"
    with connection.cursor() as cursor:
        cursor.execute(PULSES_SQL, {"since": params["pulse_since"], "ids": ids, "count": 2 * window})
        for pk, pulses in cursor:
            if pk in result:
                result[pk].pulses = pulses[::-1]  # oldest first
    older = [pk for pk in result if pk not in seen]
    if older:
        with connection.cursor() as cursor:
            cursor.execute(LAST_CHECKIN_SQL, {"since": now - timedelta(days=LAST_CHECKIN_DAYS), "until": since,
                                              "ids": older})
            for pk, last in cursor:
                result[pk].last_checkin_at = last


def _checkins_orm(result: dict, ids, *, now, window: int, until=None) -> None:
    """The same inputs as `_checkins_sql`, with portable queries (SQLite in development and tests).
    `until`: leave out check-ins completed after it (`gather`)."""
    checkins = CheckIn.objects.all() if ids is None else CheckIn.objects.filter(officer_id__in=ids)
    if until is not None:
        checkins = checkins.filter(completed_at__lte=until)
    # A check-in more than LAST_CHECKIN_DAYS ago counts as none (the overdue rule then says "never").
    recent_checkins = checkins.filter(completed_at__gte=now - timedelta(days=LAST_CHECKIN_DAYS))
    for pk, last in recent_checkins.values("officer_id").annotate(last=Max("completed_at")).values_list(
            "officer_id", "last").order_by():
        if pk in result:
            result[pk].last_checkin_at = last

    # The latest result of each instrument per officer, picked in the database.
    screens = checkins.filter(
        instrument__in=SCREEN_INSTRUMENTS, completed_at__gte=now - timedelta(days=SCREEN_LOOKBACK_DAYS)
    ).annotate(rn=Window(RowNumber(), partition_by=[F("officer_id"), F("instrument")],
                         order_by=[F("completed_at").desc(), F("pk").desc()])).filter(rn=1)
    for pk, checkin_id, instrument, at, total, extra in screens.values_list(
            "officer_id", "pk", "instrument", "completed_at", "total", "result"):
        if pk in result:
            extra = extra if isinstance(extra, dict) else {}
            subscales = ({k: extra[k] for k in ("anxiety", "depression") if k in extra} if instrument == "phq4"
                         else NO_SUBSCALES)
            dsm5 = instrument == "pcl5" and bool(extra.get("dsm5_provisional"))
            result[pk].screens.append(ScreenResult(instrument, at, total, subscales, dsm5, checkin_id))

    pulses = checkins.filter(instrument="pulse", completed_at__gte=now - timedelta(days=PULSE_LOOKBACK_DAYS)).annotate(
        rn=Window(RowNumber(), partition_by=[F("officer_id")], order_by=[F("completed_at").desc(), F("pk").desc()])
    ).filter(rn__lte=2 * window)
    by_officer = defaultdict(list)
    for pk, at, rid, total in pulses.values_list("officer_id", "completed_at", "pk", "total"):
        by_officer[pk].append((at, rid, total))
    for pk, rows in by_officer.items():
        if pk in result:
            result[pk].pulses = [total for _, _, total in sorted(rows)]

    urgent = checkins.filter(urgent=True, completed_at__gte=now - timedelta(days=URGENT_LOOKBACK_DAYS))
    for pk, at, checkin_id, instrument in urgent.values_list("officer_id", "completed_at", "pk", "instrument").order_by(
            "completed_at", "pk"):
        if pk in result:
            result[pk].urgent_at = at
            result[pk].urgent_checkin_id = checkin_id
            result[pk].urgent_code = URGENT_CODES.get(instrument, "phq9_item9")


def _working_practice(result: dict, scoped, *, today, now, rules: dict) -> None:
    """Long CSE viewing without a break and call-handling shifts with a long run of calls without a
    break, in the recent window: one query each for the whole chunk, returning only the long ones."""
    since = today - timedelta(days=RECENT_DAYS)
    threshold = rules["viewing_minutes_without_break"]
    recent = Q(shift_date__gt=since, shift_date__lte=today)  # later shifts count only from their date
    # Self-logged entries (few rows: filtered in Python, as SQLite cannot search JSON lists).
    viewing = scoped(Exposure.objects.filter(recent, role="cse_review", minutes__gte=threshold))
    entries, sessions = defaultdict(list), defaultdict(list)
    for pk, shift_id, mitigations in viewing.values_list("officer_id", "shift_id", "mitigations").order_by():
        if "breaks" not in (mitigations or []):
            entries[pk].append(shift_id)
    # The timer's sessions started in the same London days, whose longest stretch without a break
    # reached the threshold (or, for a session from before the longest was kept, whose mean did).
    seconds = math.ceil(threshold * 60)  # whole seconds: "reached" the threshold
    timed = scoped(ViewingSession.objects.filter(
        Q(longest_viewing_seconds__gte=seconds) | Q(viewed_seconds__gte=(F("break_count") + 1) * seconds),
        started_at__gte=shift_times.day_start(since + timedelta(days=1)), started_at__lte=now))
    for pk, shift_id in timed.values_list("officer_id", "shift_id").order_by():
        sessions[pk].append(shift_id)
    for pk in entries.keys() | sessions.keys():
        if pk in result:
            result[pk].long_viewing_without_breaks = long_viewing_count(entries[pk], sessions[pk])

    calls = scoped(ShiftLog.objects.filter(recent, role="call_handling",
                                           detail__calls_without_break__gte=rules["calls_in_a_row_without_break"]))
    for pk, run in calls.values_list("officer_id", "detail__calls_without_break").order_by():
        if pk in result:
            result[pk].call_runs.append(int(run))


def gather(officer_ids=None, *, now: datetime, rules: dict, portable: bool = False,
           past: bool = False) -> dict[int, OfficerInputs]:
    """Inputs for the given officers (all active officers when None). On PostgreSQL the check-in
    inputs come from one aggregate statement; `portable=True` (and any other database) uses the
    portable queries instead, which must give the same inputs (tests compare the two).
    `past=True` (the demo's history, `risk.demo`) takes the inputs as they stood at a past `now`:
    check-ins completed after it are left out (shifts after its date always are). The live
    recompute and sweep never pass it: a check-in saved a moment before by a server whose clock
    runs ahead must still count."""
    today = shift_times.local_date(now)  # the London date: shifts count on the date they started there
    roles = officers(officer_ids)
    ids = None if officer_ids is None else list(roles)
    result = {pk: OfficerInputs(officer_id=pk, role=role) for pk, role in roles.items()}
    if not result:
        return result

    # The rows `exposure_loads` puts in a frame, read directly: the same floats (a NULL would be NaN
    # there; the dose is never NULL), and the usual dose divided by the window's days as the frame does.
    for pk, load_now, recent_dose, usual in _load_rows(ids, today=today, half_life_days=rules["dose_half_life_days"]):
        inputs = result.get(pk)
        if inputs is not None:
            inputs.load_now = float(load_now)
            inputs.recent_dose = float(recent_dose)
            inputs.usual_daily_dose = float(usual) / USUAL_WINDOW_DAYS

    def scoped(qs, field="officer_id"):
        return qs if ids is None else qs.filter(**{f"{field}__in": ids})

    # TRiM follow-ups due recently enough to be due now or still within their grace period: the
    # due dates of every TRiM case, however it opened (one query, one row per case).
    since = now - timedelta(days=FOLLOWUP_GRACE_DAYS)
    cases = scoped(TrimCase.objects.filter(Q(assessment_due_at__gt=since) | Q(followup_due_at__gt=since)),
                   field="person_id")
    for pk, at, assessment_due, followup_due in cases.values_list(
            "person_id", "incident__occurred_at", "assessment_due_at", "followup_due_at").order_by():
        if pk in result:
            day = shift_times.local_date(at)
            result[pk].followups += [(day, assessment_due), (day, followup_due)]

    _working_practice(result, scoped, today=today, now=now, rules=rules)

    if connection.vendor == "postgresql" and not portable and not past:
        _checkins_sql(result, ids, now=now, window=rules["pulse_trend_window"])
    else:
        _checkins_orm(result, ids, now=now, window=rules["pulse_trend_window"], until=now if past else None)
    return result
