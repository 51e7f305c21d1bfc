"""TRiM dates and deadlines: pure functions over plain values (no ORM), each tested alone.

The initial assessment is due `assessment_hours` after the incident (72 by default), the follow-up
`followup_days` after it (28 by default): both set per organisation (DOMAIN.md section 2).

What is due on a case now (`due_now`), for the beat sweep (wellbeing/trim/escalation.py):

- an initial assessment not held 24 hours after it was due goes to the TRiM coordinators, once;
- a follow-up not held 7 days after it was due goes to occupational health, once;
- the assigned practitioner is reminded once per assessment, from 24 hours before it is due until
  it would escalate (a practitioner assigned late still hears once before the escalation);
- a case that is closed, whose person declined the offer, or whose agreed response is a briefing
  or none, never escalates and reminds nobody. A case with no response decided yet is still
  escalated: then the planning meeting itself is late, and the person has heard nothing.

Every time is real elapsed time, reckoned in UTC: 24 hours is 24 hours across a clock change
(Europe/London), and the answer never depends on the time zone the times were given in. A deadline
is reached AT its instant: an assessment due at 10:00 is late from 10:00 the next day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# The model's codes (wellbeing/models/trim.py; a test holds them equal), kept here so that these
# rules import nothing from the ORM.
CLOSED = "closed"
DECLINED = "declined"
NO_TRIM_RESPONSES = frozenset({"briefing", "none"})
UNDECIDED = ""

INITIAL, FOLLOW_UP = "initial", "follow_up"  # TrimAssessment.Stage

ASSESSMENT_GRACE = timedelta(hours=24)  # an initial assessment this late goes to the coordinator
FOLLOWUP_GRACE = timedelta(days=7)  # a follow-up this late goes to occupational health
REMIND_BEFORE = timedelta(hours=24)  # the practitioner is reminded from this long before

# What `due_now` may return.
ESCALATE_ASSESSMENT = "escalate_assessment"
ESCALATE_FOLLOWUP = "escalate_followup"
REMIND_ASSESSMENT = "remind_assessment"
REMIND_FOLLOWUP = "remind_followup"


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("TRiM deadlines need time-zone-aware datetimes")
    return at.astimezone(UTC)


def due_dates(occurred_at: datetime, *, assessment_hours: int, followup_days: int) -> tuple[datetime, datetime]:
    """(initial assessment due, follow-up due) for an incident at `occurred_at`, in UTC. Real
    elapsed time: 72 hours is 72 hours across a clock change, whatever zone `occurred_at` is in."""
    at = _utc(occurred_at)
    return at + timedelta(hours=assessment_hours), at + timedelta(days=followup_days)


@dataclass(frozen=True)
class CaseDeadlines:
    """What the rules need to know about one case, as plain values."""

    assessment_due_at: datetime
    followup_due_at: datetime
    stage: str = "new"
    response: str = UNDECIDED
    offer: str = ""
    assessment_held: bool = False
    followup_held: bool = False
    assessment_escalated_at: datetime | None = None
    followup_escalated_at: datetime | None = None
    has_practitioner: bool = False
    # Whether the practitioner now assigned was already reminded (their notification's dedupe key).
    assessment_reminded: bool = False
    followup_reminded: bool = False


def escalates_at(due_at: datetime, grace: timedelta) -> datetime:
    """When an assessment due at `due_at` and still not held is late enough to escalate."""
    return _utc(due_at) + grace


def deadlines_apply(case: CaseDeadlines) -> bool:
    """Whether the case's deadlines are live: not closed, not declined, and a risk assessment
    agreed or nothing decided yet (a briefing, or no TRiM response, has no assessment to miss)."""
    return case.stage != CLOSED and case.offer != DECLINED and case.response not in NO_TRIM_RESPONSES


def assessment_escalation_due(case: CaseDeadlines, now: datetime) -> bool:
    """The initial assessment is not held 24 hours after it was due, and the coordinator has not
    been told yet."""
    return (deadlines_apply(case) and not case.assessment_held and case.assessment_escalated_at is None
            and _utc(now) >= escalates_at(case.assessment_due_at, ASSESSMENT_GRACE))


def followup_escalation_due(case: CaseDeadlines, now: datetime) -> bool:
    """The follow-up is not held 7 days after it was due, and occupational health has not been told
    yet (whether or not the initial assessment was held: either way the person has had no follow-up)."""
    return (deadlines_apply(case) and not case.followup_held and case.followup_escalated_at is None
            and _utc(now) >= escalates_at(case.followup_due_at, FOLLOWUP_GRACE))


def reminder_due(case: CaseDeadlines, stage: str, now: datetime) -> bool:
    """The practitioner should be reminded of the `stage` assessment now: one is assigned and not
    reminded yet, the assessment is not held, and `now` is from 24 hours before it is due until it
    escalates (after that the escalation has told someone else; no reminder after it)."""
    if stage == INITIAL:
        due, held, reminded, escalated, grace = (case.assessment_due_at, case.assessment_held,
                                                 case.assessment_reminded, case.assessment_escalated_at,
                                                 ASSESSMENT_GRACE)
    elif stage == FOLLOW_UP:
        due, held, reminded, escalated, grace = (case.followup_due_at, case.followup_held,
                                                 case.followup_reminded, case.followup_escalated_at,
                                                 FOLLOWUP_GRACE)
    else:
        raise ValueError(f"unknown TRiM assessment stage {stage!r}")
    if not deadlines_apply(case) or not case.has_practitioner or held or reminded or escalated is not None:
        return False
    at = _utc(now)
    return _utc(due) - REMIND_BEFORE <= at < escalates_at(due, grace)


def due_now(case: CaseDeadlines, now: datetime) -> frozenset[str]:
    """Everything due on `case` at `now`: a subset of ESCALATE_ASSESSMENT, ESCALATE_FOLLOWUP,
    REMIND_ASSESSMENT, REMIND_FOLLOWUP."""
    due = set()
    if assessment_escalation_due(case, now):
        due.add(ESCALATE_ASSESSMENT)
    if followup_escalation_due(case, now):
        due.add(ESCALATE_FOLLOWUP)
    if reminder_due(case, INITIAL, now):
        due.add(REMIND_ASSESSMENT)
    if reminder_due(case, FOLLOW_UP, now):
        due.add(REMIND_FOLLOWUP)
    return frozenset(due)


def horizon(now: datetime) -> datetime:
    """The latest due time that can have anything due at `now` (a reminder 24 hours ahead): the
    sweep's candidate query reads no case due later."""
    return _utc(now) + REMIND_BEFORE
