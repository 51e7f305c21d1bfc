"""Factories for exposure test data.

An exposure's dose is never typed by hand: `ExposureFactory` computes it exactly as the shift service
does when it saves one (`exposure.services.EntryData.dose`, which applies `exposure/dose.py`), from
the exposure's own intensity, minutes, count, mitigations, defined task and critical incident. A test
that wants a particular dose says so with `target_dose=`, and the factory picks the whole number of
minutes for which the dose function gives exactly that dose (or refuses). Passing `dose=` directly
is for a test that needs a value the app could not have computed, and should say why."""

from datetime import timedelta

import factory
from django.utils import timezone

from exposure.dose import entry_dose
from exposure.models import Exposure, ExposureCategory, ShiftLog
from exposure.services import EntryData
from portal.tests.factories import OfficerFactory


def category_for(role: str) -> ExposureCategory:
    """The role's first category (the data migrations seed them), or a test one if it has none."""
    return ExposureCategory.objects.filter(role=role).order_by("pk").first() or ExposureCategory.objects.create(
        role=role, code=f"test-{role}", name=f"Test {role}")


def role_of(officer) -> str:
    return officer.high_risk_role or "call_handling"


def exposure_dose(*, intensity: int, minutes: int | None = None, count: int = 1, mitigations=(),
                  defined_task: bool | None = None, critical_incident: bool = False) -> float:
    """The dose the shift service stores for an exposure with these fields (the category does not
    weigh in it, so an unsaved one stands in)."""
    return EntryData(category=ExposureCategory(), intensity=intensity, minutes=minutes, count=count,
                     mitigations=list(mitigations), defined_task=defined_task,
                     critical_incident=critical_incident).dose()


def minutes_for_dose(dose: float, *, intensity: int, mitigations=(), defined_task: bool | None = None,
                     critical_incident: bool = False) -> int:
    """The whole number of minutes for which the dose function gives `dose`; ValueError if none does."""
    per_hour = entry_dose(intensity=intensity, minutes=60, mitigations=list(mitigations), defined_task=defined_task,
                          critical_incident=critical_incident)
    minutes = round(dose * 60 / per_hour)
    got = entry_dose(intensity=intensity, minutes=minutes, mitigations=list(mitigations),
                     defined_task=defined_task, critical_incident=critical_incident)
    if abs(got - dose) > 1e-9:
        raise ValueError(f"no whole number of minutes gives a dose of {dose} at intensity {intensity} "
                         f"(the nearest, {minutes} minutes, gives {got})")
    return minutes


class ShiftLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShiftLog

    class Params:
        days_ago = 1

    officer = factory.SubFactory(OfficerFactory)
    shift_date = factory.LazyAttribute(lambda o: timezone.localdate() - timedelta(days=o.days_ago))
    start_time = "08:00"
    duration_minutes = 480
    role = factory.LazyAttribute(lambda o: role_of(o.officer))


def _minutes(o):
    if o.target_dose is None:
        return 60
    return minutes_for_dose(o.target_dose, intensity=o.intensity, mitigations=o.mitigations,
                            defined_task=o.defined_task, critical_incident=o.critical_incident)


class ExposureFactory(factory.django.DjangoModelFactory):
    """One exposure on its own shift (pass `shift=` to put several on one). `days_ago` dates it;
    `target_dose` chooses the minutes that give that dose."""

    class Meta:
        model = Exposure

    class Params:
        days_ago = 1
        target_dose = None

    officer = factory.SubFactory(OfficerFactory)
    role = factory.LazyAttribute(lambda o: role_of(o.officer))
    shift_date = factory.LazyAttribute(lambda o: timezone.localdate() - timedelta(days=o.days_ago))
    shift = factory.LazyAttribute(lambda o: ShiftLogFactory(officer=o.officer, shift_date=o.shift_date, role=o.role))
    category = factory.LazyAttribute(lambda o: category_for(o.role))
    intensity = 3
    minutes = factory.LazyAttribute(_minutes)
    count = 1
    critical_incident = False
    defined_task = None
    mitigations = factory.LazyFunction(list)
    dose = factory.LazyAttribute(lambda o: exposure_dose(
        intensity=o.intensity, minutes=o.minutes, count=o.count, mitigations=o.mitigations,
        defined_task=o.defined_task, critical_incident=o.critical_incident))
