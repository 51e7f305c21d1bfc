"""Builders for the team dashboard tests: an assessment, a flag and an exposure for a person, through
the factories (a flag's kind and severity from the reasons table, an exposure's dose from the dose
function)."""

from django.utils import timezone

from exposure.tests.factories import ExposureFactory
from wellbeing.models import Flag
from wellbeing.tests.factories import FlagFactory, RiskAssessmentFactory


def assess(officer, level="amber", codes=("exposure_load_high",), *, at=None):
    return RiskAssessmentFactory(officer=officer, level=level, codes=codes, computed_at=at or timezone.now())


def flag(officer, code="exposure_load_high", *, urgent=False, status=Flag.Status.OPEN, hours_left=40):
    return FlagFactory(officer=officer, reason_code=code, urgent=urgent, status=status, hours_left=hours_left)


def exposure(officer, *, days_ago=2, dose=5.0, outcome_wanted=False, role="call_handling"):
    """A call of intensity 3 whose minutes give `dose` by the dose function."""
    return ExposureFactory(officer=officer, days_ago=days_ago, role=role, intensity=3, target_dose=dose,
                           outcome_wanted=outcome_wanted)
