"""The risk rules as pure functions over plain data. No ORM here: `wellbeing/risk/inputs.py`
gathers the inputs with SQL aggregates and `wellbeing/risk/service.py` saves the result.

For one officer at one moment the engine takes:
- their decayed exposure load now, and their own usual load (from the 12 weeks before the last
  2 weeks; the one definition is `exposure/load.py`), and the median load of officers in the same
  role (peers);
- the due dates of their TRiM cases' follow-ups (the initial assessment and the follow-up, from the
  organisation's TRiM timings), long viewing without a break (self-logged entries and the viewing
  timer's sessions), call-handling shifts with a long run of calls without a break, and their last
  check-in (which also tells whether a follow-up was done: a check-in from 12 hours before it was due);
- the latest result of each validated instrument, their recent pulse totals, and any urgent answer.

It returns a level (green < amber < red < urgent), a score used only to sort people by need, the
reasons, each with its code, kind (operational or clinical) and the numbers behind it, and the
exposure load's band and ratios that pages word (stored on the assessment).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import NamedTuple

from exposure import load as exposure_load
from exposure import shift_times
from exposure.load import RECENT_DAYS, USUAL_WINDOW_DAYS, steady_state_load  # noqa: F401 - the windows, re-exported
from wellbeing.instruments import INSTRUMENTS
from wellbeing.risk.reasons import CLINICAL, REASONS

GREEN, AMBER, RED, URGENT = "green", "amber", "red", "urgent"
LEVELS = [GREEN, AMBER, RED, URGENT]
RANK = {level: i for i, level in enumerate(LEVELS)}

# How soon occupational health should look at a flag: its place in OH's triage queue, highest
# first (urgent flags first, then by severity, then oldest first). Stored on the flag when it is
# raised, and raised (never lowered) while it stays active. Operational flags rank below every
# clinical one: they reach OH only when a supervisor did not acknowledge them in time.
SEVERITY_OPERATIONAL = 10  # an operational reason at amber
SEVERITY_OPERATIONAL_RED = 20  # an operational reason at red (exposure load far above the role's)
SEVERITY_CLINICAL = 30  # a screen at or over its cut-off (moderate), PCL-5 DSM-5 rule met, falling pulse
SEVERITY_HIGH = 40  # PHQ-9 moderately severe (15-19), PCL-5 over its cut-off with the DSM-5 rule met,
#                     two or more positive screens, or any clinical reason at red
SEVERITY_SEVERE = 50  # a screen in its severe band: PHQ-9 20+, GAD-7 15+, PHQ-4 9+
SEVERITY_URGENT = 60  # PHQ-9 item 9 above 0, or yes to PHQ-4's safety question
SEVERITIES = [SEVERITY_OPERATIONAL, SEVERITY_OPERATIONAL_RED, SEVERITY_CLINICAL, SEVERITY_HIGH, SEVERITY_SEVERE,
              SEVERITY_URGENT]

SCREEN_LOOKBACK_DAYS = 90  # an instrument result counts for this long
URGENT_LOOKBACK_DAYS = 14
FOLLOWUP_GRACE_DAYS = 14  # a missed follow-up stops being flagged after this long


# The subscales of every screen that has none (all but PHQ-4): one shared mapping nobody can change,
# not an empty dict for each of the tens of thousands of screens a sweep holds.
NO_SUBSCALES: Mapping[str, int] = MappingProxyType({})


@dataclass(frozen=True, slots=True)  # slots: a sweep holds one or more for most officers (P2, its peak memory)
class ScreenResult:
    instrument: str  # phq9, gad7, pcl5, phq4
    completed_at: datetime
    total: int
    subscales: Mapping[str, int] = field(default_factory=lambda: NO_SUBSCALES)  # PHQ-4: {"anxiety": n, "depression": n}
    dsm5_provisional: bool = False  # PCL-5: the DSM-5 cluster rule is met (B1, C1, D2, E2 items at 2+)
    checkin_id: int | None = None  # the check-in this result comes from (a flag links to it)

    def over_cutoff(self, cutoffs: dict) -> bool:
        """At or over the rule set's cut-off (the published ones by default)."""
        if self.instrument == "phq4":
            return (self.subscales.get("anxiety", 0) >= cutoffs["phq4_anxiety"]
                    or self.subscales.get("depression", 0) >= cutoffs["phq4_depression"])
        cutoff = cutoffs.get(self.instrument)
        return cutoff is not None and self.total >= cutoff

    def positive(self, cutoffs: dict) -> bool:
        """A positive screen: at or over its cut-off, or (PCL-5) the DSM-5 provisional rule met
        whatever the total, since someone can meet every cluster with a total under 33."""
        return self.over_cutoff(cutoffs) or (self.instrument == "pcl5" and self.dsm5_provisional)


def screen_severity(screen: ScreenResult, cutoffs: dict) -> int:
    """The severity of one screen result: 0 when it is not positive; otherwise from the published
    band of its total (severe, moderately severe) and, for PCL-5, the DSM-5 rule. Pure."""
    if not screen.positive(cutoffs):
        return 0
    definition = INSTRUMENTS.get(screen.instrument)
    band = definition.band_for(screen.total) if definition else None
    if band is not None and band.code == "severe":
        return SEVERITY_SEVERE
    if band is not None and band.code == "moderately_severe":
        return SEVERITY_HIGH
    if screen.instrument == "pcl5" and screen.dsm5_provisional and screen.over_cutoff(cutoffs):
        return SEVERITY_HIGH
    return SEVERITY_CLINICAL


def reason_severity(code: str, level: str, screen_severities: Iterable[int] = ()) -> int:
    """The severity of a flag raised for `code` at `level`: urgent above everything; a screen by
    its worst positive result (two or more positive screens at least high); any other clinical
    reason by its level; operational reasons below every clinical one. Pure."""
    if level == URGENT:
        return SEVERITY_URGENT
    known = REASONS.get(code)
    if known is None or known.kind != CLINICAL:
        return SEVERITY_OPERATIONAL_RED if level == RED else SEVERITY_OPERATIONAL
    severities = [s for s in screen_severities if s]
    worst = max(severities, default=SEVERITY_CLINICAL)
    if len(severities) >= 2 or level == RED:
        worst = max(worst, SEVERITY_HIGH)
    return worst


@dataclass(slots=True)
class OfficerInputs:
    officer_id: int
    role: str
    load_now: float = 0.0  # decayed load at as_of
    usual_daily_dose: float = 0.0  # mean daily dose over the usual window
    recent_dose: float = 0.0  # undecayed dose in the last RECENT_DAYS
    # TRiM follow-ups: (the incident's London date, when it is due), two per TRiM case (the initial
    # assessment and the follow-up), whether the officer logged the incident, a supervisor declared
    # it or someone referred them. The case's due dates are the only timings (no rule of its own).
    followups: list[tuple[date, datetime]] = field(default_factory=list)
    long_viewing_without_breaks: int = 0  # long stretches in the recent window (`long_viewing_count`)
    # Call handling: the most calls in a row without a break on each shift in the recent window that
    # reached the rule's run (the database leaves the shorter runs out; the rule checks again).
    call_runs: list[int] = field(default_factory=list)
    last_checkin_at: datetime | None = None
    screens: list[ScreenResult] = field(default_factory=list)  # latest per instrument
    pulses: list[int] = field(default_factory=list)  # pulse totals, oldest first
    urgent_at: datetime | None = None  # latest urgent answer
    urgent_code: str = "phq9_item9"  # or "safety_question" (PHQ-4's own safety item)
    urgent_checkin_id: int | None = None  # the check-in with that answer


def long_viewing_count(entry_shifts: Iterable[int], session_shifts: Iterable[int | None]) -> int:
    """How many long stretches of viewing without a break, each counted once. `entry_shifts`: the
    shift of each self-logged CSE entry that was long without a break; `session_shifts`: the shift
    each long timer session was filed into (None: not filed yet). Filing a stopped session into a
    shift writes that shift's entry from the timer, so a shift counts the larger of its long entries
    and its long sessions, never their sum; a session not filed counts on its own. Pure."""
    entries: dict[int, int] = {}
    for shift in entry_shifts:
        entries[shift] = entries.get(shift, 0) + 1
    sessions: dict[int, int] = {}
    unfiled = 0
    for filed in session_shifts:
        if filed is None:
            unfiled += 1
        else:
            sessions[filed] = sessions.get(filed, 0) + 1
    return unfiled + sum(max(entries.get(s, 0), sessions.get(s, 0)) for s in entries.keys() | sessions.keys())


class ReasonResult(NamedTuple):  # a tuple: made tens of thousands of times a night, cheaply
    code: str
    level: str
    numbers: dict
    severity: int = 0  # `reason_severity`: the place of its flag in OH's triage queue
    checkin_id: int | None = None  # the check-in behind it (screens: the latest positive one)

    @property
    def kind(self) -> str:
        return REASONS[self.code].kind


_KIND = {code: known.kind for code, known in REASONS.items()}  # ReasonResult.kind, looked up without a property call


@dataclass(frozen=True)
class Assessment:
    level: str
    score: float
    reasons: tuple[ReasonResult, ...]
    # The exposure load as pages show it (`exposure.load`): the band against the officer's usual and
    # the ratios people read. Stored on the assessment so that no page works them out again.
    exposure: dict = field(default_factory=dict)

    def as_json(self) -> list[dict]:
        return [{"code": r.code, "kind": _KIND[r.code], "level": r.level, "numbers": r.numbers, "severity": r.severity}
                for r in self.reasons]

    def finding(self, rules_version: int) -> str:
        """What was found: the rules version, the level and each reason with its level, without the
        numbers. A new finding is a new assessment in the officer's history; the same finding with
        new numbers (a load that decays a little every day) only refreshes the current one."""
        payload = repr((rules_version, self.level, [(r.code, r.level) for r in self.reasons]))
        return hashlib.sha256(payload.encode()).hexdigest()

    def digest(self, rules_version: int) -> str:
        """The whole result, numbers included: an equal digest means there is nothing to write."""
        payload = repr((rules_version, self.level, round(self.score, 4), self.reasons,
                        sorted(self.exposure.items())))
        return hashlib.sha256(payload.encode()).hexdigest()


def usual_load(inputs: OfficerInputs, half_life_days: float) -> float:
    return exposure_load.usual_load(inputs.usual_daily_dose, half_life_days)


_ratio = exposure_load.ratio


class LoadFinding(NamedTuple):
    """What the exposure load says: its reasons, the band and ratios pages word, and the two raw ratios
    (against the role's median and against the officer's usual; None where there is nothing to compare)."""

    reasons: list[ReasonResult]
    exposure: dict
    peer_ratio: float | None
    own_ratio: float | None


def load_finding(inputs: OfficerInputs, *, peer_median: float | None, peer_count: int, rules: dict) -> LoadFinding:
    """The exposure load against peers in the same role, and against the officer's own usual (the band
    the officer's page words). Pure."""
    reasons: list[ReasonResult] = []
    peer_ratio = None
    if peer_median and peer_count >= rules["min_peers"]:
        peer_ratio = _ratio(inputs.load_now, peer_median)
    if peer_median and peer_ratio is not None and peer_ratio >= rules["peer_ratio_amber"]:
        level = RED if peer_ratio >= rules["peer_ratio_red"] else AMBER
        reasons.append(ReasonResult("exposure_load_high", level, {
            "load": round(inputs.load_now, 1), "role_median": round(peer_median, 1),
            "ratio": round(peer_ratio, 1), "peers": peer_count}))

    usual = usual_load(inputs, rules["dose_half_life_days"])
    own_ratio = _ratio(inputs.load_now, usual)
    band = exposure_load.usual_band(own_ratio, recent_dose=inputs.recent_dose, threshold=rules["own_ratio_amber"])
    if band == exposure_load.HIGHER:
        reasons.append(ReasonResult("exposure_load_rising", AMBER, {
            "load": round(inputs.load_now, 1), "usual": round(usual, 1),
            "ratio": exposure_load.shown_ratio(own_ratio, rules["own_ratio_amber"])}))
    exposure = {"band": band, "own_ratio": exposure_load.shown_ratio(own_ratio, rules["own_ratio_amber"]),
                "role_ratio": exposure_load.shown_ratio(peer_ratio, rules["peer_ratio_amber"])}
    return LoadFinding(reasons, exposure, peer_ratio, own_ratio)


def followup_reasons(inputs: OfficerInputs, *, now: datetime) -> list[ReasonResult]:
    """TRiM follow-ups (by default 72 hours and 28 days after the incident) that are due and not
    done, each once however many cases share its dates. Pure."""
    if not inputs.followups:  # most officers: no TRiM case
        return []
    due_followups: dict[tuple[str, str], dict] = {}
    for incident, due in sorted(set(inputs.followups)):
        if not (due <= now < due + timedelta(days=FOLLOWUP_GRACE_DAYS)):
            continue
        # "Any check-in from 12 hours before it was due" is the same as "the last one was".
        done = inputs.last_checkin_at is not None and inputs.last_checkin_at >= due - timedelta(hours=12)
        if not done:
            entry = {"incident": incident.isoformat(), "due": shift_times.local_date(due).isoformat()}
            due_followups.setdefault((entry["incident"], entry["due"]), entry)
    if due_followups:
        return [ReasonResult("critical_incident_followup", AMBER, {"due": list(due_followups.values())})]
    return []


def calls_reasons(inputs: OfficerInputs, *, rules: dict) -> list[ReasonResult]:
    """Calls without a break: at least `shifts_with_calls_without_break` shifts in the recent window
    on which the officer took `calls_in_a_row_without_break` or more calls in a row. Pure."""
    run, shifts = rules["calls_in_a_row_without_break"], rules["shifts_with_calls_without_break"]
    long_runs = [calls for calls in inputs.call_runs if calls >= run]
    if len(long_runs) < shifts:
        return []
    return [ReasonResult("calls_without_break", AMBER, {
        "shifts": len(long_runs), "most_in_a_row": max(long_runs), "calls_threshold": run,
        "shifts_threshold": shifts, "days": RECENT_DAYS})]


def working_practice_reasons(inputs: OfficerInputs, *, rules: dict, today: date) -> list[ReasonResult]:
    """Long viewing without breaks, calls without a break, and check-ins overdue while exposure
    continues. Pure."""
    reasons: list[ReasonResult] = []
    if inputs.long_viewing_without_breaks:
        reasons.append(ReasonResult("viewing_without_breaks", AMBER, {
            "entries": inputs.long_viewing_without_breaks, "days": RECENT_DAYS,
            "minutes_threshold": rules["viewing_minutes_without_break"]}))
    reasons.extend(calls_reasons(inputs, rules=rules))
    overdue_days = rules["checkin_overdue_days"]
    last = inputs.last_checkin_at
    days_since = (today - last.date()).days if last else None
    if inputs.recent_dose > 0 and (days_since is None or days_since > overdue_days):
        reasons.append(ReasonResult("checkins_overdue", AMBER, {
            "days_since_last": days_since, "allowed_days": overdue_days}))
    return reasons


def screen_reasons(inputs: OfficerInputs, *, rules: dict, now: datetime) -> list[ReasonResult]:
    """Validated screens over their published cut-offs (clinical), with the severity of the worst and
    the latest positive check-in. Pure."""
    if not inputs.screens:
        return []
    cutoffs = rules["instrument_cutoffs"]
    lookback = now - timedelta(days=SCREEN_LOOKBACK_DAYS)
    positive = [s for s in inputs.screens if s.completed_at >= lookback and s.positive(cutoffs)]
    positives = sorted({s.instrument for s in positive})
    if not positives:
        return []
    level = RED if len(positives) >= 2 else AMBER
    numbers: dict[str, object] = {"instruments": positives}
    if any(s.instrument == "pcl5" and s.dsm5_provisional for s in positive):
        numbers["pcl5_dsm5_provisional"] = True
    latest = max(positive, key=lambda s: (s.completed_at, s.checkin_id or 0))
    return [ReasonResult("screen_over_cutoff", level, numbers,
                         reason_severity("screen_over_cutoff", level, [screen_severity(s, cutoffs) for s in positive]),
                         latest.checkin_id)]


def pulse_reasons(inputs: OfficerInputs, *, rules: dict) -> list[ReasonResult]:
    """Falling pulse: the latest window of pulses averages lower than the window before it. Pure."""
    window = rules["pulse_trend_window"]
    if len(inputs.pulses) < 2 * window:
        return []
    recent = inputs.pulses[-window:]
    before = inputs.pulses[-2 * window:-window]
    drop = sum(before) / window - sum(recent) / window
    if drop < rules["pulse_drop"]:
        return []
    return [ReasonResult("pulse_falling", AMBER, {
        "recent_mean": round(sum(recent) / window, 2), "previous_mean": round(sum(before) / window, 2),
        "window": window})]


def urgent_reasons(inputs: OfficerInputs, *, now: datetime) -> list[ReasonResult]:
    """An urgent answer (PHQ-9 item 9, PHQ-4's safety question) in the last 14 days. Pure."""
    if inputs.urgent_at and inputs.urgent_at >= now - timedelta(days=URGENT_LOOKBACK_DAYS):
        return [ReasonResult(inputs.urgent_code, URGENT, {"answered_on": inputs.urgent_at.date().isoformat()},
                             SEVERITY_URGENT, inputs.urgent_checkin_id)]
    return []


def evaluate(inputs: OfficerInputs, *, peer_median: float | None, peer_count: int, rules: dict,
             now: datetime) -> Assessment:
    """Apply every rule to one officer. Deterministic: the same inputs give the same result."""
    load = load_finding(inputs, peer_median=peer_median, peer_count=peer_count, rules=rules)
    reasons = [*load.reasons,
               *followup_reasons(inputs, now=now),
               *working_practice_reasons(inputs, rules=rules, today=now.date()),
               *screen_reasons(inputs, rules=rules, now=now),
               *pulse_reasons(inputs, rules=rules),
               *urgent_reasons(inputs, now=now)]

    # Every reason carries its severity (screens and urgent answers have theirs already). Written
    # out rather than with _replace, and the level as the highest rank, as this runs for every
    # officer every night: the same reasons, level and score.
    ranked = 0
    top = RANK[GREEN]
    for i, r in enumerate(reasons):
        if not r.severity:
            reasons[i] = ReasonResult(r.code, r.level, r.numbers, reason_severity(r.code, r.level), r.checkin_id)
        rank = RANK[r.level]
        ranked += rank
        if rank > top:
            top = rank
    level = LEVELS[top]
    score = ranked * 10 + max(load.peer_ratio or 0, load.own_ratio or 0)
    if len(reasons) > 1:
        reasons.sort(key=lambda r: (-RANK[r.level], r.code))
    # One decimal is plenty to sort people by need, and it means that the slow daily drift of a
    # decaying load does not write a new assessment for everyone every night.
    return Assessment(level=level, score=round(score, 1), reasons=tuple(reasons), exposure=load.exposure)
