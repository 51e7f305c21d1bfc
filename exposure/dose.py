"""Exposure dose: how much one logged exposure weighs, and how a person's load decays over time.

Pure arithmetic over plain values, no ORM, so it is tested on hand-computed examples and the risk
engine can run it over a whole force at once.

The formula of one entry
------------------------

    dose = intensity x (minutes / 60) x mitigation_factor x task_factor x critical_factor

- ``intensity`` is the officer's own rating, 1 to 5 (the role's rubric describes each level).
- ``minutes`` is the time spent exposed. Roles that do not log minutes (call handling counts calls;
  firearms and counter-terrorism log an incident) pass ``None`` and count as
  ``DEFAULT_MINUTES`` (30): half an hour per distressing call or incident. Callers that log several
  calls of one kind in one entry multiply the dose by the number of calls (see ``entry_dose_many``).
- ``mitigation_factor`` is 1 - 0.1 for each recognised mitigation used, never below
  ``MITIGATION_FLOOR`` (0.6). Sources for the mitigations themselves (Police Care UK: filters,
  separating audio and a 10-minute break each hour; Cambridge Trauma Resilience in UK Policing:
  screen filters, sitting near a window; Dart Centre: smaller window, lower brightness, sound off;
  Internet Watch Foundation: an hourly 10-minute break, sound off) are in docs/exposure.md.
  Greyscale is common practice, not sourced; it counts like the others. Unknown codes are ignored
  so a force can add its own mitigations to the form without changing the arithmetic.
- ``task_factor`` is ``DEFINED_TASK_FACTOR`` (0.8) when the officer had a defined task in a live
  incident (Cambridge: "having a specific task to do in a live incident seems to have a protective
  effect"), otherwise 1 (no task, or not asked).
- ``critical_factor`` is ``CRITICAL_INCIDENT_FACTOR`` (2.0) for an entry marked as a critical
  incident, otherwise 1.

The weights (0.1 per mitigation, the 0.6 floor, 0.8, 2.0, 30 minutes) are judgements for OH to
review, not published figures: no source gives a numeric effect size for any mitigation. What is
sourced is the direction of each effect. They are constants here so that a change is one reviewed
commit with its tests.

Per role
--------

A high-risk role (``portal.roles.Role``) carries its own weights: the default minutes, the task and
critical-incident factors and the mitigation step and floor. Callers hand them in as a
``DoseWeights``; its defaults are the constants above, and the four shipped roles are seeded with
exactly those values, so their doses are unchanged (``exposure/tests/test_role_dose.py``).

The load
--------

How doses add up and decay into a person's load, their usual load and the comparison of the two
are in ``exposure/load.py`` (one definition for the engine and every page).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

DEFAULT_MINUTES = 30
MITIGATION_STEP = 0.1
MITIGATION_FLOOR = 0.6
DEFINED_TASK_FACTOR = 0.8
CRITICAL_INCIDENT_FACTOR = 2.0

# Mitigation codes the dose recognises (the CSE form offers these; other roles offer none yet).
MITIGATIONS = (
    "greyscale",
    "reduced_size",
    "audio_muted",
    "blur",
    "screen_filter",
    "daylight",
    "breaks",
)


@dataclass(frozen=True)
class DoseWeights:
    """The weights of one role's doses (plain values, so this module stays free of the ORM)."""

    default_minutes: int = DEFAULT_MINUTES
    defined_task_factor: float = DEFINED_TASK_FACTOR
    critical_incident_factor: float = CRITICAL_INCIDENT_FACTOR
    mitigation_step: float = MITIGATION_STEP
    mitigation_floor: float = MITIGATION_FLOOR


STANDARD_WEIGHTS = DoseWeights()


def mitigation_factor(mitigations: Iterable[str], weights: DoseWeights = STANDARD_WEIGHTS) -> float:
    """1 - 0.1 per distinct recognised mitigation, never below MITIGATION_FLOOR (or the role's own
    step and floor)."""
    used = {m for m in mitigations if m in MITIGATIONS}
    return max(weights.mitigation_floor, 1.0 - weights.mitigation_step * len(used))


def entry_dose(
    *,
    intensity: int,
    minutes: int | None,
    mitigations: list[str],
    defined_task: bool | None,
    critical_incident: bool,
    weights: DoseWeights = STANDARD_WEIGHTS,
) -> float:
    """The dose of one exposure entry (see the module docstring for the formula and its sources),
    with the role's weights (today's constants unless given)."""
    if not 1 <= intensity <= 5:
        raise ValueError("intensity must be between 1 and 5")
    if minutes is not None and minutes < 0:
        raise ValueError("minutes cannot be negative")
    effective_minutes = weights.default_minutes if minutes is None else minutes
    dose = intensity * (effective_minutes / 60) * mitigation_factor(mitigations, weights)
    if defined_task:
        dose *= weights.defined_task_factor
    if critical_incident:
        dose *= weights.critical_incident_factor
    return round(dose, 6)


def entry_dose_many(*, count: int, **kwargs: Any) -> float:
    """The dose of an entry that covers `count` events of the same kind (e.g. five distressing calls
    of one type): `count` times the dose of one. A count of 0 weighs nothing."""
    if count < 0:
        raise ValueError("count cannot be negative")
    return round(count * entry_dose(**kwargs), 6)
