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
    # Critical incident follow-ups (hours after the incident)
    "critical_incident_followup_hours": [72, 672],
    # CSE review: minutes of viewing in one entry without a logged break
    "viewing_minutes_without_break": 60,
    # Flags not acknowledged within this many hours escalate to occupational health
    "acknowledge_within_hours": 48,
}

_POSITIVE_NUMBERS = [
    "dose_half_life_days", "peer_ratio_amber", "peer_ratio_red", "own_ratio_amber", "pulse_drop",
    "checkin_overdue_days", "viewing_minutes_without_break", "acknowledge_within_hours",
]
_POSITIVE_INTS = ["min_peers", "pulse_trend_window"]


def validate_rules(rules: dict) -> list[str]:
    """Return a list of problems (empty when the rule set is usable)."""
    problems = []
    if not isinstance(rules, dict):
        return ["The rules must be a JSON object."]
    missing = sorted(set(DEFAULT_RULES) - set(rules))
    if missing:
        problems.append("Missing: " + ", ".join(missing) + ".")
    unknown = sorted(set(rules) - set(DEFAULT_RULES))
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
    hours = rules.get("critical_incident_followup_hours")
    if "critical_incident_followup_hours" in rules and (
        not isinstance(hours, list) or not hours
        or any(isinstance(h, bool) or not isinstance(h, (int, float)) or h <= 0 for h in hours)
        or hours != sorted(hours)
    ):
        problems.append("critical_incident_followup_hours must be a list of increasing positive numbers.")
    return problems
