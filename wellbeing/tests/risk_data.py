"""Helpers to give test officers exposure history and check-ins directly in the database."""

from datetime import timedelta

from django.utils import timezone

from exposure.dose import entry_dose
from exposure.models import Exposure, ExposureCategory, ShiftLog


def category_for(role: str) -> ExposureCategory:
    return ExposureCategory.objects.filter(role=role).order_by("pk").first() or ExposureCategory.objects.create(
        role=role, code=f"test-{role}", name=f"Test {role}")


def add_exposure(officer, *, days_ago: int, intensity: int = 3, minutes: int = 60, critical_incident=False,
                 mitigations=(), role=None) -> Exposure:
    role = role or officer.high_risk_role or "call_handling"
    day = timezone.localdate() - timedelta(days=days_ago)
    shift = ShiftLog.objects.create(officer=officer, shift_date=day, start_time="08:00", duration_minutes=480,
                                    role=role)
    dose = entry_dose(intensity=intensity, minutes=minutes, mitigations=list(mitigations), defined_task=None,
                      critical_incident=critical_incident)
    return Exposure.objects.create(shift=shift, officer=officer, shift_date=day, role=role,
                                   category=category_for(role), intensity=intensity, minutes=minutes,
                                   critical_incident=critical_incident, mitigations=list(mitigations), dose=dose)


def usual_then_heavy(officer, *, usual_days=range(20, 90, 3), heavy_days=range(0, 7)):
    """Light, regular exposure over the usual window, then a heavy recent week."""
    for d in usual_days:
        add_exposure(officer, days_ago=d, intensity=1, minutes=30)
    for d in heavy_days:
        add_exposure(officer, days_ago=d, intensity=5, minutes=240)
