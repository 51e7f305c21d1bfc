"""Rows for the report tests, made directly (the pages that open cases are tested elsewhere)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from wellbeing.models.trim import TrimAssessment, TrimCase, TrimIncident


def incident(organisation, *, at: datetime, title: str = "The collision on the A40") -> TrimIncident:
    return TrimIncident.objects.create(organisation=organisation, title=title, occurred_at=at,
                                       source=TrimIncident.Source.DECLARED)


def case(person, *, at: datetime | None = None, of: TrimIncident | None = None, offer: str = "",
         organisation=None) -> TrimCase:
    """A case for `person` in a new incident at `at` (or in `of`), due 72 hours and 28 days after."""
    of = of or incident(organisation or person.organisation, at=at)
    return TrimCase.objects.create(
        incident=of, person=person, stage=TrimCase.Stage.IN_PROGRESS, response=TrimCase.Response.ASSESSMENT,
        offer=offer, offer_answered_at=timezone.now() if offer else None,
        assessment_due_at=of.occurred_at + timedelta(hours=72), followup_due_at=of.occurred_at + timedelta(days=28))


def assessment(of: TrimCase, *, held_on: date, stage: str = TrimAssessment.Stage.INITIAL,
               band: str = TrimAssessment.Band.LOW, action: str = TrimAssessment.Action.NONE) -> TrimAssessment:
    return TrimAssessment.objects.create(case=of, stage=stage, held_on=held_on, band=band, action=action)


def local(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))
