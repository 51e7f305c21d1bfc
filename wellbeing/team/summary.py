"""The per-person figures of the supervisor's team table, for every person at once in a fixed number
of queries: one statement on PostgreSQL (`SUMMARY_SQL`), two through the ORM elsewhere
(`_summaries_portable`); a test holds the two equal. `team_rows` (selectors) turns them into rows.

The same limits as the rest of the team pages: level, reasons (for their categories), exposure
numbers of the current assessment, check-in dates and counts, flags and welfare actions. Never
answers, totals, bands, comments or risk scores: no query here selects those columns."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from exposure.models import Exposure, OutcomeRequest, ShiftLog
from wellbeing.models import CheckIn, Flag, RiskAssessment, WelfareAction

COMPLETION_DAYS = 30


def person_ids(people):
    """`people` (a queryset or a list) as something `officer_id__in=` takes: a subquery for a
    queryset, so that no extra round trip is made."""
    if isinstance(people, QuerySet):
        return people.order_by().values("pk")
    return [p.pk for p in people]


def _per_person_count(queryset: QuerySet):
    return Coalesce(Subquery(queryset.filter(officer=OuterRef("pk")).order_by().values("officer")
                             .annotate(n=Count("pk")).values("n")[:1]), 0)


def _per_person_latest(queryset: QuerySet, order: str, column: str):
    return Subquery(queryset.filter(officer=OuterRef("pk")).order_by(order).values(column)[:1])


def with_summary_columns(people: QuerySet, *, now: datetime) -> QuerySet:
    """`people` with the per-person figures the dashboard needs, as correlated subqueries of the
    one query that loads them (each served by an index on officer): last check-in, post-shift
    check-ins and shifts over 30 days, last welfare action, the exposure numbers of the current
    assessment, and the counts behind the "today" list. The dashboard uses it on SQLite; PostgreSQL
    runs `SUMMARY_SQL`."""
    since = now - timedelta(days=COMPLETION_DAYS)
    today = timezone.localdate(now)
    actions = WelfareAction.objects.all()
    assessments = RiskAssessment.objects.filter(is_current=True)  # one per person (a constraint)
    return people.annotate(
        t_level=_per_person_latest(assessments, "-computed_at", "level"),
        t_reasons=_per_person_latest(assessments, "-computed_at", "reasons"),
        t_exposure=_per_person_latest(assessments, "-computed_at", "exposure"),
        t_last_checkin=Subquery(CheckIn.objects.filter(officer=OuterRef("pk")).order_by().values("officer")
                                .annotate(last=Max("completed_at")).values("last")[:1]),
        t_pulses=_per_person_count(CheckIn.objects.filter(instrument="pulse", completed_at__gte=since)),
        t_shifts=_per_person_count(ShiftLog.objects.filter(shift_date__gt=timezone.localdate(since))),
        t_action_kind=_per_person_latest(actions, "-recorded_at", "kind"),
        t_action_at=_per_person_latest(actions, "-recorded_at", "recorded_at"),
        # Both kinds of outcome still to share: the per-call requests and the older per-type ticks.
        t_outcomes=_per_person_count(Exposure.objects.filter(outcome_wanted=True, outcome_shared_at__isnull=True))
        + _per_person_count(OutcomeRequest.objects.filter(status=OutcomeRequest.Status.OPEN)),
        t_follow_ups=_per_person_count(WelfareAction.objects.filter(follow_up_on__lte=today, follow_up_done=False)),
    )

# The per-person figures of `team_rows`, one tuple per person, in this order.
SUMMARY_COLUMNS = ["id", "first_name", "last_name", "username", "high_risk_role", "t_level", "t_reasons",
                   "t_last_checkin", "t_pulses", "t_shifts", "t_action_kind", "t_action_at", "t_outcomes",
                   "t_follow_ups", "t_exposure"]

# PostgreSQL: the people and every figure of their row in one statement: the current assessment (one
# per person, on its partial unique index, with the exposure numbers it stored) and the latest welfare
# action as one LATERAL probe per person on the officer's index. Fixed text: the only thing put into it is the
# SQL Django compiles for the people (`portal.access`); every value is a parameter, passed in the
# order the placeholders appear.
SUMMARY_SQL = """
SELECT u.id, u.first_name, u.last_name, u.username, u.high_risk_role, a.level, a.reasons,
       (SELECT MAX(c.completed_at) FROM wellbeing_checkin c WHERE c.officer_id = u.id),
       (SELECT COUNT(*) FROM wellbeing_checkin c
         WHERE c.officer_id = u.id AND c.instrument = 'pulse' AND c.completed_at >= %s),
       (SELECT COUNT(*) FROM exposure_shiftlog s WHERE s.officer_id = u.id AND s.shift_date > %s),
       w.kind, w.recorded_at,
       (SELECT COUNT(*) FROM exposure_exposure o
         WHERE o.officer_id = u.id AND o.outcome_wanted AND o.outcome_shared_at IS NULL)
       + (SELECT COUNT(*) FROM exposure_outcomerequest r WHERE r.officer_id = u.id AND r.status = 'open'),
       (SELECT COUNT(*) FROM wellbeing_welfareaction f
         WHERE f.officer_id = u.id AND NOT f.follow_up_done AND f.follow_up_on <= %s),
       a.exposure, g.ids, g.codes, g.urgent, g.statuses, g.due
FROM portal_user u
LEFT JOIN wellbeing_riskassessment a ON a.officer_id = u.id AND a.is_current
LEFT JOIN LATERAL (SELECT x.kind, x.recorded_at FROM wellbeing_welfareaction x
                   WHERE x.officer_id = u.id ORDER BY x.recorded_at DESC LIMIT 1) w ON TRUE
LEFT JOIN LATERAL (SELECT array_agg(v.id) AS ids, array_agg(v.reason_code) AS codes, array_agg(v.urgent) AS urgent,
                          array_agg(v.status) AS statuses, array_agg(v.acknowledge_by) AS due
                   FROM wellbeing_flag v WHERE v.officer_id = u.id AND v.status IN (%s, %s, %s)) g ON TRUE
WHERE u.id IN ({people})
"""


def _summaries_postgresql(people: QuerySet, *, now: datetime) -> list[tuple]:
    """`SUMMARY_COLUMNS` and the active flags as (id, reason code, urgent,
    status, acknowledge by) per person, in one statement. The same as `_summaries_portable` (a test
    holds them equal)."""
    try:
        people_sql, people_params = person_ids(people).query.sql_with_params()
    except EmptyResultSet:
        return []
    since = now - timedelta(days=COMPLETION_DAYS)
    today = timezone.localdate(now)
    params = [since, timezone.localdate(since), today,  # pulses, shifts, follow-ups
              *Flag.ACTIVE,
              *people_params]
    with connection.cursor() as cursor:
        cursor.execute(SUMMARY_SQL.format(people=people_sql), params)
        rows = cursor.fetchall()
    out = []
    for row in rows:
        ids, codes, urgent, statuses, due = row[-5:]
        flags = list(zip(ids, codes, urgent, statuses, due, strict=True)) if ids else []
        exposure = row[-6]
        out.append((*row[:-6], json.loads(exposure) if isinstance(exposure, str) else exposure, flags))
    return out


def _summaries_portable(people: QuerySet, *, now: datetime) -> list[tuple]:
    """The same as `_summaries_postgresql` through the ORM, for SQLite (development and tests): two
    queries."""
    rows = list(with_summary_columns(people, now=now).order_by().values_list(*SUMMARY_COLUMNS))
    if not rows:
        return []
    ids = [row[0] for row in rows]
    flags = defaultdict(list)
    for officer_id, *flag in Flag.objects.filter(officer_id__in=ids, status__in=Flag.ACTIVE).order_by().values_list(
            "officer_id", "id", "reason_code", "urgent", "status", "acknowledge_by"):
        flags[officer_id].append(tuple(flag))
    out = []
    for row in rows:
        exposure = row[-1]
        out.append((*row[:-1], json.loads(exposure) if isinstance(exposure, str) else exposure, flags.get(row[0], [])))
    return out


def summaries(people: QuerySet, *, now: datetime) -> list[tuple]:
    """`SUMMARY_COLUMNS` and the active flags per person, by the database's own means."""
    summarise = _summaries_postgresql if connection.vendor == "postgresql" else _summaries_portable
    return summarise(people, now=now)
