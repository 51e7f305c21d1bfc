"""About four months of invented shifts for every demo officer, in their own high-risk role.

Everything here is made up. Officers work a four-on, four-off pattern; call handlers log distressing
calls (some marked "want to know the outcome"), CSE reviewers log viewing with a mix of mitigations
and timed sessions, firearms and counter-terrorism officers log an incident on some shifts. A few
entries are critical incidents, and demo.officer's last three weeks are heavier than their usual.

Idempotent: an officer who already has shifts gets nothing more. The risk engine is not called
here; its own seed runs afterwards over everything at once.
"""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from exposure import shift_times
from exposure.models import (
    LOGGABLE_ROLES,
    Exposure,
    ExposureCategory,
    OutcomeRequest,
    ShiftChange,
    ShiftLog,
    ViewingSession,
)
from exposure.services import EntryData, shift_snapshot

DAYS = 120
HEAVY_DAYS = 21
DEPLOYMENT_DEMO = "demo.firearms"  # always has a recent deployment without a defined task
ROLES = {code for code, _label in LOGGABLE_ROLES}
MITIGATION_SETS = [
    ["greyscale", "reduced_size", "audio_muted", "breaks"],
    ["greyscale", "breaks"],
    ["audio_muted", "screen_filter", "daylight", "breaks"],
    ["reduced_size"],
    [],
    ["blur", "greyscale", "audio_muted"],
]
SHIFT_TIMES = {
    "call_handling": [(time(7), 600), (time(19), 600)],
    "cse_review": [(time(8), 480)],
    "firearms": [(time(7), 600), (time(17), 600)],
    "counter_terrorism": [(time(8), 540)],
}


def _call_handling(rng, cats, heavy):
    calls = rng.randint(30, 70)
    entries = []
    for c in cats:
        chance = {"threat_to_life": 0.25, "death_serious_injury": 0.15, "child_at_risk": 0.3,
                  "domestic_abuse": 0.6, "hostile_caller": 0.5, "outcome_unknown": 0.4}.get(c.code, 0.2)
        if heavy:
            chance = min(0.95, chance * 2.2)
        if rng.random() >= chance:
            continue
        count = rng.randint(1, 4 if heavy else 2)
        entries.append(EntryData(
            category=c, intensity=min(5, rng.randint(2, 4) + (1 if heavy and rng.random() < 0.5 else 0)),
            count=count, outcome_known=False if c.code == "outcome_unknown" else rng.random() < 0.4,
            outcome_wanted=c.code in {"threat_to_life", "child_at_risk", "death_serious_injury", "outcome_unknown"}
            and rng.random() < 0.5,
            detail={"calls": count},
        ))
    detail = {"calls_taken": max(calls, sum(e.count for e in entries)),
              "calls_without_break": rng.randint(5, 25 if heavy else 15)}
    return entries, detail


def _cse(rng, cats, heavy):
    items = {}
    for c in cats:
        if rng.random() < {"category_a": 0.3, "category_b": 0.5, "category_c": 0.8}.get(c.code, 0.5):
            per = {m: rng.randint(1, 60) for m in ("image", "video", "audio", "text") if rng.random() < 0.5}
            if per:
                items[c.code] = per
    if not items:
        return [], {}
    worst = next(c for c in cats if c.code in items)
    minutes = rng.randint(60, 240)
    return [EntryData(
        category=worst, intensity=rng.randint(2, 4), minutes=minutes,
        count=sum(n for per in items.values() for n in per.values()),
        mitigations=rng.choice(MITIGATION_SETS),
        detail={"items": items, "unidentified_victim": rng.random() < 0.15},
    )], {}


def _incident(rng, cats, role):
    category = rng.choice(cats)
    if role == "firearms":
        detail = {"discharge": "none" if rng.random() < 0.9 else rng.choice(["self", "colleague"]),
                  "dsi_witnessed": rng.random() < 0.1,
                  "post_incident": "none" if rng.random() < 0.85 else "witness"}
        minutes = rng.choice([None, rng.randint(30, 240)])
    else:
        material = rng.randint(20, 120) if category.code == "extremist_material" else 0
        detail = {"mass_casualties": category.code == "attack_scene" and rng.random() < 0.3,
                  "threat_to_self": rng.random() < 0.2,
                  "command_role": rng.choice(["none", "none", "bronze", "silver"]),
                  "material_minutes": material}
        minutes = material or None
    return [EntryData(category=category, intensity=rng.randint(2, 5), minutes=minutes,
                      defined_task=rng.random() < 0.75, detail=detail)], {}


def seed(ctx) -> None:
    rng = ctx.rng
    today = ctx.today
    categories: dict[str, list[ExposureCategory]] = {}
    for c in ExposureCategory.objects.filter(active=True).order_by("role", "order", "name"):
        categories.setdefault(c.role, []).append(c)
    seeded = set(ShiftLog.objects.filter(officer__in=ctx.officers).values_list("officer_id", flat=True))
    tz = timezone.get_current_timezone()

    plans = []  # (shift, entries)
    for officer in ctx.officers:
        role = officer.high_risk_role
        if officer.pk in seeded or role not in ROLES:
            continue
        offset = rng.randrange(8)
        is_demo = officer.pk == ctx.officer.pk
        for days_ago in range(DAYS, 0, -1):
            if (days_ago + offset) % 8 >= 4:  # four on, four off
                continue
            if is_demo and days_ago == 1:  # last night's shift is left for the demo to log
                continue
            day = today - timedelta(days=days_ago)
            start, length = rng.choice(SHIFT_TIMES[role])
            heavy = is_demo and days_ago <= HEAVY_DAYS
            cats = categories.get(role, [])
            if role == "call_handling":
                entries, detail = _call_handling(rng, cats, heavy)
            elif role == "cse_review":
                entries, detail = _cse(rng, cats, heavy)
            elif rng.random() < 0.35:
                entries, detail = _incident(rng, cats, role)
            else:
                entries, detail = [], {}
            if entries and rng.random() < 0.02:
                entries[0].critical_incident = True
            ends = shift_times.shift_end(day, start, length)
            shift = ShiftLog(officer=officer, shift_date=day, start_time=start, duration_minutes=length, role=role,
                             nothing_notable=not entries, detail=detail, created_at=ends)
            plans.append((shift, entries))
        if is_demo and role == "call_handling":
            _demo_critical_incident(plans, officer, categories.get(role, []))
        if officer.username == DEPLOYMENT_DEMO and role == "firearms":
            _demo_deployment_without_task(plans, officer, categories.get(role, []), since=today - timedelta(days=7))

    _save(plans, rng, tz)
    _demo_outcome_requests(ctx)


def _save(plans, rng, tz) -> None:
    """Store the planned shifts with their exposures, creation records and viewing sessions."""
    if not plans:
        return
    ShiftLog.objects.bulk_create([shift for shift, _entries in plans], batch_size=500)
    exposures, changes, sessions = [], [], []
    # Supervisors have shared the outcomes asked for on older shifts (the per-call-type tick): only the
    # last week's are still waiting, as on a team that keeps up with them.
    shared_before = timezone.now() - timedelta(days=7)
    for shift, entries in plans:
        rows = []
        shared_at = shift.created_at + timedelta(days=2) if shift.created_at < shared_before else None
        for e in entries:
            rows.append(Exposure(
                shift=shift, officer_id=shift.officer_id, shift_date=shift.shift_date, role=shift.role,
                category=e.category, intensity=e.intensity, minutes=e.minutes, count=e.count,
                critical_incident=e.critical_incident, defined_task=e.defined_task,
                mitigations=sorted(set(e.mitigations)), outcome_known=e.outcome_known,
                outcome_wanted=e.outcome_wanted, detail=e.detail, dose=e.dose(), created_at=shift.created_at,
                outcome_shared_at=shared_at if e.outcome_wanted else None,
            ))
        exposures.extend(rows)
        changes.append(ShiftChange(shift_id=shift.pk, officer_id=shift.officer_id, actor_id=shift.officer_id,
                                   at=shift.created_at, action=ShiftChange.Action.CREATED,
                                   snapshot=shift_snapshot(shift, rows)))
        if shift.role == "cse_review" and rows and rows[0].minutes:
            sessions.append(_viewing_session(rng, shift, rows[0], tz))
    Exposure.objects.bulk_create(exposures, batch_size=500)
    ShiftChange.objects.bulk_create(changes, batch_size=500)
    ViewingSession.objects.bulk_create(sessions, batch_size=500)


def _demo_deployment_without_task(plans, officer, cats, *, since) -> None:
    """demo.firearms has a deployment logged without a defined task in the last week, so the demo
    supervisor's list of deployments to debrief (issue 18) is not empty whatever the dice said: their
    latest deployment of the week if they logged one, else one added to their latest shift. Draws
    nothing from the random generator, so the rest of the demo stays as it was."""
    mine = [(shift, entries) for shift, entries in plans
            if shift.officer_id == officer.pk and shift.shift_date >= since]
    if not mine or not cats:
        return
    logged = [entries for _shift, entries in mine if entries]
    if logged:
        logged[-1][0].defined_task = False
        return
    shift, entries = mine[-1]
    entries.append(EntryData(category=cats[0], intensity=3, defined_task=False,
                             detail={"discharge": "none", "dsi_witnessed": False, "post_incident": "none"}))
    shift.nothing_notable = False


def _demo_critical_incident(plans, officer, cats):
    """demo.officer's most recent shift holds a threat-to-life call marked as a critical incident,
    so the follow-up check-ins have something to follow."""
    threat = next((c for c in cats if c.code == "threat_to_life"), None)
    mine = [entries for shift, entries in plans if shift.officer_id == officer.pk]
    if threat is None or not mine:
        return
    mine[-1].append(EntryData(category=threat, intensity=5, count=1, critical_incident=True, outcome_known=False,
                              outcome_wanted=True, detail={"calls": 1}))
    for shift, entries in plans:
        if entries is mine[-1]:
            shift.nothing_notable = False
            shift.detail["calls_taken"] = shift.detail.get("calls_taken", 0) + 1


def _demo_outcome_requests(ctx) -> None:
    """demo.officer has asked for the outcome of two calls (issue 18): one from their latest shift,
    still open, and one from the shift before, answered by demo.supervisor. Invented references
    and text; nothing if they already have requests, so a second run adds nothing."""
    officer = ctx.officer
    if OutcomeRequest.objects.filter(officer=officer).exists():
        return
    shifts = list(ShiftLog.objects.filter(officer=officer, role="call_handling").order_by("-shift_date")[:2])
    threat = ExposureCategory.objects.filter(role="call_handling", code="threat_to_life").first()
    child = ExposureCategory.objects.filter(role="call_handling", code="child_at_risk").first() or threat
    if len(shifts) < 2 or threat is None:
        return
    OutcomeRequest.objects.create(officer=officer, shift=shifts[0], category=threat, reference="CAD-4821-26",
                                  detail_wanted=OutcomeRequest.Detail.SUMMARY, created_at=shifts[0].created_at)
    answered = shifts[1].created_at + timedelta(days=1)
    OutcomeRequest.objects.create(
        officer=officer, shift=shifts[1], category=child, reference="CAD-4790-26",
        detail_wanted=OutcomeRequest.Detail.WHETHER, created_at=shifts[1].created_at,
        status=OutcomeRequest.Status.SHARED, answered_at=answered, answered_by=ctx.supervisor,
        answer="The child was found safe with a relative within the hour. Officers said the caller's details helped.")


def _viewing_session(rng, shift, exposure, tz):
    started = shift.starts_at + timedelta(minutes=30)
    took_breaks = "breaks" in exposure.mitigations
    breaks = exposure.minutes // 50 if took_breaks else 0
    break_seconds = breaks * 10 * 60
    stopped = started + timedelta(seconds=exposure.minutes * 60 + break_seconds)
    longest = min(exposure.minutes, 50) if took_breaks else exposure.minutes  # a break every 50 minutes
    return ViewingSession(officer_id=shift.officer_id, started_at=started, state=ViewingSession.State.STOPPED,
                          segment_started_at=stopped, viewed_seconds=exposure.minutes * 60, break_count=breaks,
                          break_seconds=break_seconds, stopped_at=stopped, shift=shift,
                          longest_viewing_seconds=longest * 60)


def seed_receiver(sender, *, ctx, **kwargs) -> None:
    """Receives portal.demo.demo_seed (connected in this app's AppConfig.ready)."""
    seed(ctx)
