"""Reads of the exposure app that span relations or feed the chart. Callers pass querysets already
scoped by `portal.access`; nothing here decides who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from exposure.load import daily_loads
from exposure.models import (
    Exposure,
    ExposureCategory,
    IntensityRubric,
    ShiftLog,
    ViewingPolicy,
    ViewingPreference,
    ViewingSession,
)
from portal import catalogue

CHART_DAYS = 90


def shift_history(shifts: QuerySet, *, role: str = "", date_from: date | None = None,
                  date_to: date | None = None) -> QuerySet:
    """Shifts with their exposures and categories loaded in a fixed number of queries."""
    if role:
        shifts = shifts.filter(role=role)
    if date_from:
        shifts = shifts.filter(shift_date__gte=date_from)
    if date_to:
        shifts = shifts.filter(shift_date__lte=date_to)
    return shifts.prefetch_related(
        Prefetch("exposures", queryset=Exposure.objects.select_related("category").order_by("id"))
    ).order_by("-shift_date", "-start_time", "-id")


@dataclass
class LoadSummary:
    days: list[tuple[date, float]]
    weeks: list[dict]
    current: float
    half_life: float


def load_summary(exposures: QuerySet, *, today: date, half_life: float, days: int = CHART_DAYS) -> LoadSummary:
    """The officer's decayed exposure load for each of the last `days` days (the chart) and a weekly
    table, from one query. `half_life` is that of the rules in force (the caller reads them: the rules
    are the wellbeing app's). How the load compares with the officer's usual is not worked out here:
    pages word the band stored on the current risk assessment (`exposure.load`)."""
    start = today - timedelta(days=days - 1)
    # Doses older than ten half-lives weigh under 0.1% and are left out of the query.
    earliest = start - timedelta(days=int(half_life * 10))
    rows = list(exposures.filter(shift_date__gte=earliest, shift_date__lte=today).values_list("shift_date", "dose"))
    series = daily_loads(rows, start=start, end=today, half_life_days=half_life)
    doses_by_day: dict[date, float] = {}
    for day, dose in rows:
        doses_by_day[day] = doses_by_day.get(day, 0.0) + dose
    weeks = []
    # Weeks end today; the oldest may be shorter than seven days.
    for end in range(len(series), 0, -7):
        chunk = series[max(0, end - 7):end]
        weeks.append({
            "start": chunk[0][0], "end": chunk[-1][0],
            "dose": round(sum(doses_by_day.get(d, 0.0) for d, _ in chunk), 1),
            "load": round(chunk[-1][1], 1),
        })
    weeks.reverse()
    current = series[-1][1] if series else 0.0
    return LoadSummary(days=series, weeks=weeks, current=current, half_life=half_life)


def categories_by_role(roles: list[str] | None = None) -> dict[str, list[ExposureCategory]]:
    """The active categories of every role (of `roles` only, when given), in their order. Read
    from this process's copy of the catalogue while it is current (`portal.catalogue`): every
    active category, a few dozen rows, kept once for every caller. The lists are the caller's, the
    categories in them shared (read-only)."""
    every = catalogue.kept("categories", lambda: list(ExposureCategory.objects.filter(active=True)
                                                      .order_by("role", "order", "name")))
    out: dict[str, list[ExposureCategory]] = {}
    for category in every:
        if roles is None or category.role in roles:
            out.setdefault(category.role, []).append(category)
    return out


def rubrics_by_role(roles: list[str] | None = None) -> dict[str, dict[int, str]]:
    """The intensity rubric of every role (of `roles` only, when given): level -> description, in
    the reader's language. Read like `categories_by_role`."""
    out: dict[str, dict[int, str]] = {}
    for rubric in catalogue.kept("rubrics", lambda: list(IntensityRubric.objects.all())):
        if roles is None or rubric.role in roles:
            out.setdefault(rubric.role, {})[rubric.level] = rubric.display_description
    return out


@dataclass
class ViewingRhythm:
    view_minutes: int
    break_minutes: int
    daily_limit_minutes: int
    # The organisation's limits, and whether a saved personal rhythm looser than them was tightened.
    policy_view_minutes: int = 50
    policy_break_minutes: int = 10
    clamped: bool = False


def viewing_rhythm(officer) -> ViewingRhythm:
    """The break rhythm and daily limit that apply to `officer`: their own preference where set,
    otherwise their organisation's policy, otherwise 50 minutes on, 10 off and 240 a day. A
    preference is never looser than the policy (hazard H9): one saved before that rule, or before
    the policy was tightened, is clamped to it here, where the timer reads it."""
    policy = ViewingPolicy.for_organisation(officer.organisation_id)
    pref = ViewingPreference.objects.filter(officer=officer).first()
    view, rest = (pref.view_minutes, pref.break_minutes) if pref else (policy.view_minutes, policy.break_minutes)
    effective = policy.clamp(view, rest)
    return ViewingRhythm(
        view_minutes=effective[0], break_minutes=effective[1], daily_limit_minutes=policy.daily_limit_minutes,
        policy_view_minutes=policy.view_minutes, policy_break_minutes=policy.break_minutes,
        clamped=effective != (view, rest),
    )


def viewed_seconds_today(sessions: QuerySet, *, now: datetime | None = None) -> int:
    """Seconds viewed today (local day) over all the officer's sessions, open ones included."""
    now = now or timezone.now()
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(now), datetime.min.time()))
    return sum(s.viewed_seconds_at(now) for s in sessions.filter(started_at__gte=midnight))


def open_session(sessions: QuerySet) -> ViewingSession | None:
    return sessions.exclude(state=ViewingSession.State.STOPPED).first()


def last_shift(shifts: QuerySet) -> ShiftLog | None:
    return shifts.order_by("-shift_date", "-start_time", "-id").first()


def usual_patterns(shifts: QuerySet, limit: int = 3, among: int = 10) -> list[tuple[time, int]]:
    """The distinct (start time, length in minutes) of the officer's latest shifts, the most recent
    first: at most `limit` of them, from the last `among` shifts."""
    patterns: list[tuple[time, int]] = []
    rows = shifts.order_by("-shift_date", "-start_time", "-id").values_list("start_time", "duration_minutes")
    for start, minutes in rows[:among]:
        if (start, minutes) not in patterns:
            patterns.append((start, minutes))
    return patterns[:limit]


def logged_intervals(shifts: QuerySet, since: date) -> list[tuple[datetime, datetime]]:
    """When each shift that started on or after `since` ran, as (start, end) in UTC."""
    return [(s.starts_at, s.ends_at) for s in shifts.filter(shift_date__gte=since).only(
        "shift_date", "start_time", "duration_minutes")]
