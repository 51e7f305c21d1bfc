"""The risk rules as data: defaults, and validation of an edited rule set. Pure, no ORM."""

from __future__ import annotations

DEFAULT_RULES: dict = {
    # Exposure dose
    "dose_half_life_days": 14.0,
    # Load relative to peers in the same role (median of the role) and to the officer's own usual
    "peer_ratio_amber": 1.5,
    "peer_ratio_red": 2.5,
    "own_ratio_amber": 1.5,
    "min_peers": 3,
    # Validated instruments: total at or above which the screen counts as positive (published cut-offs)
    "instrument_cutoffs": {"phq9": 10, "gad7": 10, "pcl5": 33, "phq4_anxiety": 3, "phq4_depression": 3},
    # Pulse trend: the mean of the last N pulse totals (0-20) is at least this many points below the
    # mean of the N before them
    "pulse_trend_window": 4,
    "pulse_drop": 3.0,
    # Check-ins overdue while exposure continues
    "checkin_overdue_days": 14,
    # CSE review: minutes of viewing without a break, in one self-logged entry or one stretch the
    # viewing timer recorded
    "viewing_minutes_without_break": 60,
    # Call handling (issue 18): a shift counts when the officer took at least this many calls in a row
    # without a break (the shift form's "most calls in a row without a break"), and the reason fires
    # when at least this many such shifts fall in the recent window (RECENT_DAYS). Both numbers are
    # this organisation's choice, not a published threshold: 20 calls is roughly two hours of
    # back-to-back calls, and three such shifts in two weeks is a pattern rather than one bad day.
    "calls_in_a_row_without_break": 20,
    "shifts_with_calls_without_break": 3,
    # Flags not acknowledged within this many hours escalate to occupational health
    "acknowledge_within_hours": 48,
}

# Rules a saved rule set may still hold from an earlier version, no longer read by anything:
# "critical_incident_followup_hours" gave the follow-up timings until each TRiM case held its own
# due dates (issue 20: the organisation's TRiM timings are the one source).
RETIRED: dict[str, str] = {
    "critical_incident_followup_hours": "critical_incident_followup_hours is no longer a rule: follow-ups are due "
                                        "when each TRiM case says (the organisation's TRiM timings).",
}


def with_defaults(saved: dict | None) -> dict:
    """A saved rule set over the defaults, without the retired rules it may still hold. Pure."""
    return {**DEFAULT_RULES, **{k: v for k, v in (saved or {}).items() if k not in RETIRED}}


_POSITIVE_NUMBERS = [
    "dose_half_life_days", "peer_ratio_amber", "peer_ratio_red", "own_ratio_amber", "pulse_drop",
    "checkin_overdue_days", "viewing_minutes_without_break", "acknowledge_within_hours",
]
_POSITIVE_INTS = ["min_peers", "pulse_trend_window", "calls_in_a_row_without_break",
                  "shifts_with_calls_without_break"]


def validate_rules(rules: dict) -> list[str]:
    """Return a list of problems (empty when the rule set is usable)."""
    problems = []
    if not isinstance(rules, dict):
        return ["The rules must be a JSON object."]
    missing = sorted(set(DEFAULT_RULES) - set(rules))
    if missing:
        problems.append("Missing: " + ", ".join(missing) + ".")
    problems.extend(RETIRED[key] for key in sorted(set(rules) & set(RETIRED)))
    unknown = sorted(set(rules) - set(DEFAULT_RULES) - set(RETIRED))
    if unknown:
        problems.append("Not a rule: " + ", ".join(unknown) + ".")
    for key in _POSITIVE_NUMBERS:
        value = rules.get(key)
        if key in rules and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
            problems.append(f"{key} must be a number above 0.")
    for key in _POSITIVE_INTS:
        value = rules.get(key)
        if key in rules and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            problems.append(f"{key} must be a whole number of at least 1.")
    if not problems and rules["peer_ratio_red"] <= rules["peer_ratio_amber"]:
        problems.append("peer_ratio_red must be above peer_ratio_amber.")
    cutoffs = rules.get("instrument_cutoffs")
    if "instrument_cutoffs" in rules:
        expected = set(DEFAULT_RULES["instrument_cutoffs"])
        if not isinstance(cutoffs, dict) or set(cutoffs) != expected:
            problems.append("instrument_cutoffs must give exactly: " + ", ".join(sorted(expected)) + ".")
        elif any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in cutoffs.values()):
            problems.append("Each instrument cut-off must be a whole number of at least 1.")
    return problems
