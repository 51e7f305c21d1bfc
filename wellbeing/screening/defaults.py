"""The default screening intervals (docs/screening.md, DOMAIN.md section 3.3): a configurable
default, not a national rule (no NPCC or College of Policing mandate was found).

Psychological screening is annual, six-monthly for the highest-risk roles (Dr Noreen Tehrani's
practitioner guidance, widely used in UK policing): here CSE digital review and counter-terrorism.
Counselling or check-in appointments are annual for CSE review teams (as they often have) and off
for the other roles. The first one is due within 90 days of joining the role (our default: an
organisation sets its own in the admin)."""

from __future__ import annotations

from dataclasses import dataclass

SCREENING, APPOINTMENT = "screening", "appointment"
KINDS = (SCREENING, APPOINTMENT)
ROLES = ("call_handling", "cse_review", "firearms", "counter_terrorism", "other")
SIX_MONTHLY = {"cse_review", "counter_terrorism"}
APPOINTMENT_ROLES = {"cse_review"}
FIRST_WITHIN_DAYS = 90


@dataclass(frozen=True)
class Interval:
    interval_months: int
    first_within_days: int
    active: bool


def default_interval(role: str, kind: str) -> Interval:
    if kind == SCREENING:
        return Interval(6 if role in SIX_MONTHLY else 12, FIRST_WITHIN_DAYS, True)
    return Interval(12, FIRST_WITHIN_DAYS, role in APPOINTMENT_ROLES)


def default_rows() -> list[tuple[str, str, Interval]]:
    """(role, kind, interval) for every role and kind: what a new organisation starts with."""
    return [(role, kind, default_interval(role, kind)) for role in ROLES for kind in KINDS]
