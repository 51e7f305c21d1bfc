"""Builders for the graduated-disclosure tests (issue 21): an assessment whose clinical reason is a
screen above its cut-off, for the given questionnaires."""

from django.utils import timezone

from wellbeing.tests.factories import RiskAssessmentFactory, reason_entry

SHARED_LABEL = "Screen above cut-off: anxiety (GAD-7)"


def screen_assessment(officer, instruments=("gad7",), *, level="amber", extra=("exposure_load_high",)):
    reasons = [reason_entry("screen_over_cutoff", level, {"instruments": list(instruments)})]
    reasons += [reason_entry(code, level) for code in extra]
    return RiskAssessmentFactory(officer=officer, level=level, reasons=reasons, computed_at=timezone.now())
