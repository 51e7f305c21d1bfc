"""Incidents and cases for the casework tests, made directly (how cases open is tested elsewhere)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from portal.tests.factories import UserFactory
from wellbeing.models import TrimCase, TrimIncident
from wellbeing.trim.deadlines import due_dates


def make_incident(organisation, *, title="Collision on the A40", days_ago=5, by=None) -> TrimIncident:
    return TrimIncident.objects.create(organisation=organisation, title=title,
                                       occurred_at=timezone.now() - timedelta(days=days_ago),
                                       source=TrimIncident.Source.DECLARED, created_by=by)


def make_case(incident, person, **fields) -> TrimCase:
    org = incident.organisation
    due, followup = due_dates(incident.occurred_at, assessment_hours=org.trim_assessment_hours,
                              followup_days=org.trim_followup_days)
    return TrimCase.objects.create(incident=incident, person=person, assessment_due_at=due,
                                   followup_due_at=followup, **fields)


def make_coordinator(organisation, username="coordinator", **fields):
    return UserFactory(username=username, organisation=organisation, is_trim_coordinator=True, **fields)


def make_practitioner(organisation, username="practitioner", **fields):
    return UserFactory(username=username, organisation=organisation, is_trim_practitioner=True, **fields)
