"""Reads for the supervisor's team pages. Every function takes people already narrowed by
`portal.access` (TEAM_SUMMARY) and runs a fixed number of queries however many people there are.
The per-person figures of the team table come from `wellbeing.team.summary`.

What a supervisor may read: level, the *category* of each reason (clinical reasons only as "welfare
contact recommended"), exposure load, check-in dates and counts, flags and welfare actions. Never
answers, totals, bands, comments or risk scores: no query here selects those columns."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber, TruncWeek
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exposure.models import Exposure, OutcomeRequest, ShiftLog
from portal import access, roles
from portal.language import in_active_language
from portal.models import Team, User
from wellbeing.models import CheckIn, Flag, RiskAssessment, WelfareAction
from wellbeing.risk import engine as risk
from wellbeing.risk.flags import OH, SUPERVISOR_SEES, flag_owner, supervisor_label, supervisor_sees, supervisor_status
from wellbeing.risk.reasons import CLINICAL, REASONS, WELFARE_CONTACT, shared_screen_labels
from wellbeing.team.summary import person_ids, summaries

CHART_WEEKS = 12
# The levels a supervisor sees. "Urgent" is not one of them: only a clinical answer (PHQ-9 item 9,
# PHQ-4's safety question) produces it, and officers are told their supervisor sees no more than
# that a welfare conversation is recommended. An urgent level reads as red, the highest level a
# supervisor sees, on every team page, chart and export (`supervisor_level`).
SUPERVISOR_LEVELS = [risk.GREEN, risk.AMBER, risk.RED]
LEVEL_LABELS = {
    risk.GREEN: gettext_lazy("Green"), risk.AMBER: gettext_lazy("Amber"), risk.RED: gettext_lazy("Red"),
}
NO_ASSESSMENT = "none"


def supervisor_level(level: str) -> str:
    """The level as a supervisor may read it: urgent reads as red. Pure."""
    return risk.RED if level == risk.URGENT else level


# Teams and people ---------------------------------------------------------------------------------

def supervised_teams(user) -> list[Team]:
    """The teams `user` supervises in the organisations they work in (their own and those an admin
    granted: the rule of `portal.access.organisation_ids`, here as a subquery so that it costs no
    extra round trip), by name. One query."""
    own_or_granted = Q(unit__organisation_id=user.organisation_id) | Q(
        unit__organisation_id__in=user.granted_organisations.values("id"))
    return list(Team.objects.filter(own_or_granted, supervisors=user).select_related("unit")
                .order_by("name", "unit__name").distinct())


def chosen_team(teams: list[Team], raw) -> Team | None:
    """The team asked for in `?team=`, the first one when none is asked for, or 404 when the asked-for
    team is not one of the supervisor's (another team looks exactly like no team)."""
    if raw in (None, ""):
        return teams[0] if teams else None
    for team in teams:
        if str(team.pk) == str(raw):
            return team
    raise Http404


def members(user, team: Team) -> QuerySet:
    """The people of `team` whom `user` may see for the team summary (through `portal.access`)."""
    # The access module's queryset as a subquery: its DISTINCT then covers ids only, not the wide
    # rows with every summary column that the dashboard adds to this one.
    visible = access.people_visible_to(user, access.TEAM_SUMMARY).filter(team=team).order_by().values("pk")
    return (User.objects.filter(pk__in=visible)
            .only("id", "first_name", "last_name", "username", "high_risk_role", "team_id")
            .order_by("last_name", "first_name", "username"))



# The dashboard rows ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """The few columns of a person the dashboard shows (plain values: no model instance to build)."""

    pk: int
    first_name: str
    last_name: str
    username: str
    high_risk_role: str

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip() or self.username


@dataclass(frozen=True)
class ActiveFlag:
    """An active flag as the dashboard shows it: its supervisor label (`flags.supervisor_label`),
    never its assessment, numbers or whether it is urgent. `with_oh`: the flag is occupational
    health's (clinical, or escalated), so it is not the supervisor's to acknowledge."""

    pk: int
    officer_id: int
    reason_code: str
    with_oh: bool
    status: str
    acknowledge_by: datetime
    label: str

    @property
    def clinical(self) -> bool:
        return REASONS[self.reason_code].kind == CLINICAL if self.reason_code in REASONS else False


@dataclass(frozen=True)
class LastAction:
    """The kind and time of a person's latest welfare action."""

    kind: str
    recorded_at: datetime

    def get_kind_display(self) -> str:
        return str(dict(WelfareAction.Kind.choices).get(self.kind, self.kind))


@dataclass
class PersonRow:
    person: Person
    level: str = NO_ASSESSMENT
    categories: list[str] = field(default_factory=list)
    # The exposure load against their usual and against the role's median, as the current
    # assessment stored them (`exposure.load.shown_ratio`); None where it had nothing to compare.
    ratio_usual: float | None = None
    ratio_role: float | None = None
    last_checkin: datetime | None = None
    pulses_30: int = 0
    shifts_30: int = 0
    flags: list[ActiveFlag] = field(default_factory=list)
    last_action: LastAction | None = None
    outcomes: int = 0  # calls whose outcome the person wants to hear, not yet shared
    follow_ups: int = 0  # welfare follow-ups due (today or earlier) and not done
    shares_category: bool = False  # the person chose to share which kind of screen is above its cut-off
    attention: tuple = ()

    @property
    def level_rank(self) -> int:
        return risk.RANK.get(self.level, -1)

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS.get(self.level, _("Not assessed")))

    @property
    def days_since_checkin(self) -> int | None:
        return self.days_since_checkin_on(timezone.localdate())

    def days_since_checkin_on(self, today: date) -> int | None:
        if self.last_checkin is None:
            return None
        return (today - timezone.localtime(self.last_checkin).date()).days

    @property
    def completion(self) -> int | None:
        """Post-shift check-ins completed per shift logged over 30 days, as a percentage (at most 100);
        None when no shift was logged."""
        if not self.shifts_30:
            return None
        return min(100, round(100 * self.pulses_30 / self.shifts_30))

    @property
    def open_flags(self) -> list[ActiveFlag]:
        """The flags waiting for the supervisor to acknowledge them (their own, still open)."""
        return [f for f in self.flags if f.status == Flag.Status.OPEN and not f.with_oh]


def reason_categories(reasons: list[dict], labels: dict | None = None, *, shared: bool = False) -> list[str]:
    """What a supervisor may read of an assessment's reasons: each operational category once, and
    clinical reasons only as "welfare contact recommended" (once, last). `shared`: the officer chose
    to let their supervisor see which kind of screen is above its cut-off (`portal.access`); then that
    is shown too, before "welfare contact recommended" (which stays, so that nobody can tell whether
    there is another clinical reason). Pure. `labels` caches the translated categories across many
    calls (see `category_labels`)."""
    labels = labels if labels is not None else category_labels()
    seen: list[str] = []
    clinical = False
    for item in reasons or []:
        known = REASONS.get(item.get("code"))
        if known is None:
            continue
        if known.kind == CLINICAL:
            clinical = True
            if shared and known.code == "screen_over_cutoff":
                seen += [label for label in shared_screen_labels(item.get("numbers")) if label not in seen]
            continue
        label = labels[known.code]
        if label not in seen:
            seen.append(label)
    if clinical:
        seen.append(labels[WELFARE_KEY])
    return seen


WELFARE_KEY = "__welfare_contact__"


def category_labels() -> dict[str, str]:
    """Every reason's supervisor category, translated once into the active language."""
    return {**{code: str(r.category) for code, r in REASONS.items()}, WELFARE_KEY: str(WELFARE_CONTACT)}


def attention_key(row: PersonRow, now: datetime, *, today: date | None = None) -> tuple:
    """Sort key, most in need first: a welfare contact recommended (an active clinical flag, urgent
    or not: the order must not tell them apart), then a flag of theirs past or near its escalation
    time, then the level, then the number of active flags, then the longest since a check-in. Pure."""
    active = [f for f in row.flags if f.status in (Flag.Status.OPEN, Flag.Status.ESCALATED) or f.clinical]
    welfare = any(f.clinical for f in row.flags)
    soonest = min((f.acknowledge_by for f in row.open_flags), default=None)
    due_within_day = soonest is not None and soonest - now <= timedelta(hours=24)
    days = row.days_since_checkin_on(today or timezone.localdate(now))
    return (not welfare, not due_within_day, -row.level_rank, -len(active), -(days if days is not None else 10_000),
            row.person.last_name.lower(), row.person.first_name.lower(), row.person.pk)



def team_rows(people: QuerySet, *, now: datetime | None = None) -> list[PersonRow]:
    """One row per person, sorted by attention. A fixed number of queries whatever the number of
    people: the people with every figure of their row, the exposure numbers of their current
    assessment (never worked out again here) and their active flags (one statement on PostgreSQL,
    two elsewhere)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows: list[PersonRow] = []
    labels = category_labels()
    shared = access.clinical_category_shared(people)  # the officers' own choices: one query
    flag_labels: dict[str, str] = {}  # supervisor label per reason code, translated once
    for (pk, first_name, last_name, username, role, level, reasons, last_checkin, pulses, shifts, action_kind,
         action_at, outcomes, follow_ups, exposure, flags) in summaries(people, now=now):
        exposure = exposure or {}
        row = PersonRow(
            person=Person(pk, first_name, last_name, username, role),
            last_checkin=last_checkin, pulses_30=pulses or 0, shifts_30=shifts or 0,
            last_action=LastAction(action_kind, action_at) if action_kind else None,
            outcomes=outcomes or 0, follow_ups=follow_ups or 0,
            ratio_usual=exposure.get("own_ratio"), ratio_role=exposure.get("role_ratio"))
        row.shares_category = pk in shared
        if level:
            row.level = supervisor_level(level)
            row.categories = reason_categories(json.loads(reasons) if isinstance(reasons, str) else reasons, labels,
                                               shared=row.shares_category)
        for flag_pk, code, urgent, status, due in flags:
            if not supervisor_sees(code):  # an urgent request for help: never the line's (H11)
                continue
            label = flag_labels.get(code)
            if label is None:
                label = flag_labels[code] = supervisor_label(Flag(reason_code=code))
            with_oh = flag_owner(Flag(reason_code=code, kind=_kind(code), urgent=urgent, status=status)) == OH
            row.flags.append(ActiveFlag(flag_pk, pk, code, with_oh, status, due, label))
        # Welfare contacts first (urgent or not alike), then the soonest to escalate.
        row.flags.sort(key=lambda f: (not f.clinical, f.acknowledge_by, f.pk))
        row.attention = attention_key(row, now, today=today)
        rows.append(row)
    return sorted(rows, key=lambda r: r.attention)


SORTS = {
    "attention": None,
    "name": lambda r: (r.person.last_name.lower(), r.person.first_name.lower(), r.person.pk),
    "level": lambda r: (-r.level_rank, r.attention),
    "load": lambda r: (-(r.ratio_role or 0), -(r.ratio_usual or 0), r.attention),
    "checkin": lambda r: (-(r.days_since_checkin if r.days_since_checkin is not None else 10_000), r.attention),
    "completion": lambda r: (r.completion if r.completion is not None else 101, r.attention),
}


def _kind(code: str) -> str:
    known = REASONS.get(code)
    return known.kind if known else ""


def sort_and_filter(rows: list[PersonRow], *, sort: str = "attention", level: str = "", flagged: bool = False,
                    ) -> list[PersonRow]:
    """Pure. `level` keeps people at that level or above ("amber" keeps amber and red)."""
    if level:
        floor = risk.RANK[level]
        rows = [r for r in rows if r.level_rank >= floor]
    if flagged:
        rows = [r for r in rows if r.flags]
    key = SORTS.get(sort)
    return sorted(rows, key=key) if key else list(rows)


# Flag inbox --------------------------------------------------------------------------------------

@dataclass
class InboxItem:
    flag: Flag
    label: str
    actions: int

    @property
    def with_oh(self) -> bool:
        return flag_owner(self.flag) == OH

    @property
    def status(self) -> str:
        return supervisor_status(self.flag)

    @property
    def time_left(self) -> timedelta | None:
        """Time left to acknowledge one of the supervisor's own open flags (None for OH's)."""
        if self.flag.status != Flag.Status.OPEN or self.with_oh:
            return None
        return self.flag.acknowledge_by - timezone.now()

    @property
    def overdue(self) -> bool:
        left = self.time_left
        return left is not None and left.total_seconds() <= 0


def flag_inbox(people) -> list[InboxItem]:
    """Active flags of these people: welfare contacts recommended first (clinical flags, urgent or
    not alike, oldest first), then the supervisor's open ones by time left before escalation, then
    escalated and acknowledged ones by age. One query."""
    flags = (Flag.objects.filter(SUPERVISOR_SEES, officer_id__in=person_ids(people), status__in=Flag.ACTIVE)
             .select_related("officer").annotate(n_actions=Count("welfare_actions")))
    status_order = {Flag.Status.OPEN: 0, Flag.Status.ESCALATED: 1, Flag.Status.ACKNOWLEDGED: 2}
    items = [InboxItem(flag=f, label=supervisor_label(f), actions=f.n_actions) for f in flags]

    def key(i: InboxItem) -> tuple:
        if i.flag.kind == CLINICAL:
            return (0, 0, i.flag.raised_at, i.flag.raised_at, i.flag.pk)
        return (1, status_order[i.flag.status], i.flag.acknowledge_by, i.flag.raised_at, i.flag.pk)

    return sorted(items, key=key)


def follow_ups_due(people, *, today: date):
    return (WelfareAction.objects.filter(officer_id__in=person_ids(people), follow_up_on__lte=today,
                                         follow_up_done=False)
            .select_related("officer").order_by("follow_up_on", "pk"))


def outcomes_pending(people):
    """Calls whose outcome the officer wants to hear and nobody has shared yet: person, call type and
    date only (the category name, never the detail)."""
    return (Exposure.objects.filter(officer_id__in=person_ids(people), outcome_wanted=True,
                                    outcome_shared_at__isnull=True)
            .select_related("officer", "category").only(
                "id", "shift_date", "officer__id", "officer__first_name", "officer__last_name", "officer__username",
                "category__id", "category__name", "category__name_cy")
            .order_by("shift_date", "pk"))


def outcome_requests_open(people):
    """Open outcome requests of the people (issue 18), oldest first, with what the list shows."""
    return (OutcomeRequest.objects.filter(officer_id__in=person_ids(people), status=OutcomeRequest.Status.OPEN)
            .select_related("officer", "shift", "category").order_by("created_at", "pk"))


# Deployments logged without a defined task (issue 18): in the roles whose form asks the question
# (firearms, counter-terrorism and any added role with deployment fields). An operational list, to
# debrief and check in with people.
def deployment_roles():
    return roles.codes_with_kind(roles.DEPLOYMENT)


DEPLOYMENT_WINDOW_DAYS = 14


def deployments_without_task(people, *, today: date, days: int = DEPLOYMENT_WINDOW_DAYS, to_do_only: bool = False):
    """Deployments of `people` logged without a defined task whose shift fell in the last `days` days
    (today included), newest first, each with its follow-up mark if any. Person, date, role and category
    only: never the intensity, minutes, detail, mitigations or dose (the query does not select them)."""
    rows = Exposure.objects.filter(officer_id__in=person_ids(people), role__in=deployment_roles(), defined_task=False,
                                   shift_date__gt=today - timedelta(days=days), shift_date__lte=today)
    if to_do_only:
        rows = rows.filter(follow_up__isnull=True)
    return (rows.select_related("officer", "category", "follow_up", "follow_up__done_by").only(
        "id", "shift_date", "role", "officer__id", "officer__first_name", "officer__last_name", "officer__username",
        "category__id", "category__name", "category__name_cy", "follow_up__id", "follow_up__done_at",
        "follow_up__done_by__id", "follow_up__done_by__first_name", "follow_up__done_by__last_name",
        "follow_up__done_by__username").order_by("-shift_date", "-pk"))


# Charts ------------------------------------------------------------------------------------------

def week_starts(today: date, weeks: int = CHART_WEEKS) -> list[date]:
    """Mondays of the last `weeks` weeks, oldest first, the last being this week's. Pure."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def exposure_by_category(ids: list[int], weeks: list[date], *, top: int = 6) -> dict:
    """Dose logged per week by category (the `top` largest categories, the rest as "Other"). One query."""
    rows = (Exposure.objects.filter(officer_id__in=ids, shift_date__gte=weeks[0])
            .annotate(week=TruncWeek("shift_date")).values("week", "category__name", "category__name_cy")
            .annotate(dose=Sum("dose")).order_by())
    by_category: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        name = in_active_language(row["category__name"], row["category__name_cy"])
        by_category[name][_as_date(row["week"])] += row["dose"] or 0.0
    totals = sorted(by_category, key=lambda c: (-sum(by_category[c].values()), c))
    kept, rest = totals[:top], totals[top:]
    series = [{"name": c, "values": [round(by_category[c].get(w, 0.0), 1) for w in weeks]} for c in kept]
    if rest:
        series.append({"name": _("Other"), "values": [
            round(sum(by_category[c].get(w, 0.0) for c in rest), 1) for w in weeks]})
    return {"weeks": weeks, "series": series}


def completion_by_week(ids: list[int], weeks: list[date]) -> list[dict]:
    """Post-shift check-ins and shifts per week, and the share (at most 100%). Two queries."""
    start = timezone.make_aware(datetime.combine(weeks[0], datetime.min.time()))
    pulses = {_as_date(r["week"]): r["n"] for r in CheckIn.objects.filter(
        officer_id__in=ids, instrument="pulse", completed_at__gte=start)
        .annotate(week=TruncWeek("completed_at")).values("week").annotate(n=Count("id")).order_by()}
    shifts = {_as_date(r["week"]): r["n"] for r in ShiftLog.objects.filter(officer_id__in=ids, shift_date__gte=weeks[0])
              .annotate(week=TruncWeek("shift_date")).values("week").annotate(n=Count("id")).order_by()}
    out = []
    for week in weeks:
        s, p = shifts.get(week, 0), pulses.get(week, 0)
        out.append({"week": week, "shifts": s, "checkins": p, "percent": min(100, round(100 * p / s)) if s else None})
    return out


def levels_by_week(ids: list[int], weeks: list[date], *, today: date) -> list[dict]:
    """How many people were at each level at the end of each week (their latest assessment by then;
    this week: today). Two queries."""
    start = timezone.make_aware(datetime.combine(weeks[0], datetime.min.time()))
    history: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    before = RiskAssessment.objects.filter(officer_id__in=ids, computed_at__lt=start).annotate(
        rn=Window(RowNumber(), partition_by=[F("officer_id")], order_by=[F("computed_at").desc(), F("pk").desc()])
    ).filter(rn=1).values_list("officer_id", "computed_at", "level")
    within = RiskAssessment.objects.filter(officer_id__in=ids, computed_at__gte=start).values_list(
        "officer_id", "computed_at", "level").order_by("computed_at", "pk")
    for pk, at, level in [*before, *within]:
        history[pk].append((at, level))
    out = []
    for week in weeks:
        end = min(week + timedelta(days=6), today)
        cutoff = timezone.make_aware(datetime.combine(end, datetime.max.time()))
        counts = {level: 0 for level in [*SUPERVISOR_LEVELS, NO_ASSESSMENT]}
        for pk in ids:
            level = NO_ASSESSMENT
            for at, value in history.get(pk, []):
                if at <= cutoff:
                    level = value
                else:
                    break
            counts[supervisor_level(level)] += 1
        out.append({"week": week, "counts": counts})
    return out


def person_levels(person: User, *, since: datetime, shared: bool | None = None) -> list[RiskAssessment]:
    """The person's level changes since `since` (plus the one in force then), oldest first: only
    the rows where the level changed, and only level, time and reasons (for their categories, with
    the kind of screen where the person shares it now: a withdrawal hides it from the past too)."""
    if shared is None:
        shared = bool(access.clinical_category_shared([person.pk]))
    rows = list(RiskAssessment.objects.filter(officer=person, computed_at__gte=since)
                .only("id", "computed_at", "level", "reasons").order_by("computed_at", "pk"))
    previous = (RiskAssessment.objects.filter(officer=person, computed_at__lt=since)
                .only("id", "computed_at", "level", "reasons").order_by("-computed_at", "-pk").first())
    if previous is not None:
        rows.insert(0, previous)
    changes = []
    labels = category_labels()
    for row in rows:
        cats = reason_categories(row.reasons, labels, shared=shared)
        level = supervisor_level(row.level)
        if changes and changes[-1]["level"] == level and changes[-1]["categories"] == cats:
            continue
        # The day only: a level that changed at the minute of a check-in would say which one.
        changes.append({"at": timezone.localtime(row.computed_at).date(), "level": level,
                        "label": str(LEVEL_LABELS[level]), "categories": cats})
    return changes
