"""The "what if" run: a candidate rule set replayed over the last 90 nights beside the rules in
force, before an admin publishes it. Nothing is written: it reads the sweep's inputs as they stood
each night (`risk.inputs.gather(past=True)`, as the demo history does), evaluates them with the
engine's pure `evaluate` under both rule sets, and compares.

`compare` is pure: per rule set, one night after another, a flag is raised for a person and reason
when the reason appears and was not there the night before (the replay starts with no open flags,
and a reason that goes away and comes back raises again, as the sweep's one-active-flag rule would
after the first flag was closed). A person "changes level" when the two rule sets give them a
different level on at least one night; "higher"/"lower" compare the last night."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from wellbeing.risk import engine as risk

WHAT_IF_DAYS = 90


@dataclass(frozen=True)
class Outcome:
    """What one rule set found for one person on one night: the level and the reason codes."""

    level: str
    reasons: frozenset = frozenset()


@dataclass
class WhatIf:
    nights: int = 0
    people: int = 0
    people_changed: int = 0  # a different level on at least one night
    higher_last_night: int = 0  # the candidate puts them higher than the rules in force, last night
    lower_last_night: int = 0
    raised_current: dict = field(default_factory=dict)  # reason code -> flags raised under the rules in force
    raised_candidate: dict = field(default_factory=dict)

    def reasons(self) -> list[tuple[str, int, int]]:
        """(reason code, flags under the rules in force, flags under the candidate), every code once."""
        codes = sorted(set(self.raised_current) | set(self.raised_candidate))
        return [(c, self.raised_current.get(c, 0), self.raised_candidate.get(c, 0)) for c in codes]


def raised_flags(nights: list[dict[int, Outcome]]) -> dict[str, int]:
    """Flags one rule set would have raised over the nights, per reason code (see the module)."""
    counts: dict[str, int] = {}
    before: dict[int, frozenset] = {}
    for night in nights:
        for pk, found in night.items():
            for code in found.reasons - before.get(pk, frozenset()):
                counts[code] = counts.get(code, 0) + 1
        before = {pk: found.reasons for pk, found in night.items()}
    return counts


def compare(current: list[dict[int, Outcome]], candidate: list[dict[int, Outcome]]) -> WhatIf:
    """Both rule sets over the same nights (oldest first; a person absent on a night is green)."""
    if len(current) != len(candidate):
        raise ValueError("both rule sets must cover the same nights")
    green = Outcome(risk.GREEN)
    people = set().union(*current, *candidate) if current else set()
    changed = {pk for a, b in zip(current, candidate, strict=True) for pk in set(a) | set(b)
               if a.get(pk, green).level != b.get(pk, green).level}
    result = WhatIf(nights=len(current), people=len(people), people_changed=len(changed),
                    raised_current=raised_flags(current), raised_candidate=raised_flags(candidate))
    if current:
        last_a, last_b = current[-1], candidate[-1]
        for pk in set(last_a) | set(last_b):
            a, b = risk.RANK[last_a.get(pk, green).level], risk.RANK[last_b.get(pk, green).level]
            result.higher_last_night += b > a
            result.lower_last_night += b < a
    return result


def _night(at: datetime, rules: dict) -> dict[int, Outcome]:
    """Every officer's outcome under `rules` as the sweep would have found it at `at` (reads only)."""
    import pandas as pd

    from wellbeing.risk import inputs as risk_inputs

    inputs = risk_inputs.gather(None, now=at, rules=rules, past=True)
    if not inputs:
        return {}
    medians = risk_inputs.role_medians(
        pd.DataFrame({"load_now": pd.Series({pk: i.load_now for pk, i in inputs.items()}, dtype=float)}),
        {pk: i.role for pk, i in inputs.items()})
    night = {}
    for pk, officer_inputs in inputs.items():
        median, count = medians.get(officer_inputs.role, (None, 0))
        result = risk.evaluate(officer_inputs, peer_median=median, peer_count=count, rules=rules, now=at)
        night[pk] = Outcome(result.level, frozenset(r.code for r in result.reasons))
    return night


def what_if_run(candidate: dict, *, now: datetime | None = None, days: int = WHAT_IF_DAYS) -> WhatIf:
    """Replay the last `days` nights under the rules in force and under `candidate` (a full, valid
    rule set: `risk.rules.validate_rules`). Reads only: no assessment, flag, baseline or rule set is
    written (the engine's first-run default is not saved either: `rules_in_force` only reads)."""
    from django.utils import timezone

    from wellbeing.risk.demo import sweep_times
    from wellbeing.risk.rules import DEFAULT_RULES
    from wellbeing.risk.selectors import rules_in_force

    now = now or timezone.now()
    _version, rules = rules_in_force()
    candidate = {**DEFAULT_RULES, **candidate}
    times = sweep_times(now, days)
    return compare([_night(at, rules) for at in times], [_night(at, candidate) for at in times])
