"""Helpers to give test officers exposure history directly in the database, through the exposure
factories (so every dose is the dose function's)."""

from exposure.models import Exposure
from exposure.tests.factories import ExposureFactory, category_for

__all__ = ["add_exposure", "category_for", "usual_then_heavy"]


def add_exposure(officer, *, days_ago: int, intensity: int = 3, minutes: int = 60, critical_incident=False,
                 mitigations=(), role=None) -> Exposure:
    extra = {"role": role} if role else {}
    return ExposureFactory(officer=officer, days_ago=days_ago, intensity=intensity, minutes=minutes,
                           critical_incident=critical_incident, mitigations=list(mitigations), **extra)


def usual_then_heavy(officer, *, usual_days=range(20, 90, 3), heavy_days=range(0, 7)):
    """Light, regular exposure over the usual window, then a heavy recent week."""
    for d in usual_days:
        add_exposure(officer, days_ago=d, intensity=1, minutes=30)
    for d in heavy_days:
        add_exposure(officer, days_ago=d, intensity=5, minutes=240)
