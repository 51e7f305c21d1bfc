"""Factories for TRiM test data: incidents, cases and assessments, written as rows (no service, no
notice, no audit event). A case's due dates come from its incident's time and its organisation's
timings (`deadlines.due_dates`), as when a case opens; pass them to override."""

from datetime import UTC, datetime

import factory

from portal.tests.factories import OfficerFactory, OrganisationFactory, UserFactory
from wellbeing.models import TrimAssessment, TrimCase, TrimIncident
from wellbeing.trim.deadlines import due_dates


class TrimCoordinatorFactory(UserFactory):
    is_trim_coordinator = True


class TrimPractitionerFactory(OfficerFactory):
    is_trim_practitioner = True


class TrimIncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrimIncident

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Collision on the A{40 + n}")
    occurred_at = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
    source = TrimIncident.Source.DECLARED


def _due(case, which: int):
    incident = case.incident
    return due_dates(incident.occurred_at, assessment_hours=incident.organisation.trim_assessment_hours,
                     followup_days=incident.organisation.trim_followup_days)[which]


class TrimCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrimCase

    person = factory.SubFactory(OfficerFactory)
    incident = factory.SubFactory(TrimIncidentFactory, organisation=factory.SelfAttribute("..person.organisation"))
    stage = TrimCase.Stage.OFFERED
    response = TrimCase.Response.ASSESSMENT
    assessment_due_at = factory.LazyAttribute(lambda case: _due(case, 0))
    followup_due_at = factory.LazyAttribute(lambda case: _due(case, 1))


class TrimAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrimAssessment

    case = factory.SubFactory(TrimCaseFactory)
    stage = TrimAssessment.Stage.INITIAL
    held_on = factory.LazyAttribute(lambda a: a.case.assessment_due_at.date())
    band = TrimAssessment.Band.LOW
    action = TrimAssessment.Action.NONE
