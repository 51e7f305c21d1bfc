"""TRiM incidents and cases made directly (issue 20, the follow-ups and the training recommendation
that hang off a case), with the case's due dates from the organisation's TRiM timings."""

from __future__ import annotations

from datetime import datetime

from wellbeing.models import TrimCase, TrimIncident
from wellbeing.trim.deadlines import due_dates


def open_case(person, *, at: datetime, source: str = TrimIncident.Source.LOGGED, shift_key: str = "",
              incident: TrimIncident | None = None, created_at: datetime | None = None) -> TrimCase:
    """A case for `person` after an incident at `at` (a new incident unless one is given), due when
    their organisation's timings say."""
    organisation = person.organisation
    if incident is None:
        incident = TrimIncident.objects.create(organisation=organisation, title="Test incident", occurred_at=at,
                                               source=source, created_at=created_at or at)
    assessment_due, followup_due = due_dates(incident.occurred_at, assessment_hours=organisation.trim_assessment_hours,
                                             followup_days=organisation.trim_followup_days)
    return TrimCase.objects.create(incident=incident, person=person, shift_key=shift_key,
                                   assessment_due_at=assessment_due, followup_due_at=followup_due,
                                   created_at=created_at or at)
