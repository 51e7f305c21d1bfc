"""Builders for the team dashboard tests: an assessment, a flag and an exposure for a person."""

from datetime import timedelta

from django.utils import timezone

from exposure.models import Exposure, ExposureCategory, ShiftLog
from wellbeing.models import Flag, RiskAssessment


def assess(officer, level="amber", codes=("exposure_load_high",), *, at=None):
    return RiskAssessment.objects.create(
        officer=officer, computed_at=at or timezone.now(), level=level, score=10.0,
        reasons=[{"code": c, "kind": "operational", "level": level, "numbers": {}} for c in codes],
        rules_version=1, inputs_digest=f"{officer.pk}-{level}-{at}",
    )


def flag(officer, code="exposure_load_high", *, urgent=False, status=Flag.Status.OPEN, hours_left=40):
    now = timezone.now()
    kind = "clinical" if code in {"screen_over_cutoff", "pulse_falling", "phq9_item9", "safety_question"} else \
        "operational"
    return Flag.objects.create(officer=officer, reason_code=code, kind=kind, urgent=urgent, status=status,
                               raised_at=now - timedelta(hours=48 - hours_left),
                               acknowledge_by=now + timedelta(hours=hours_left))


def exposure(officer, *, days_ago=2, dose=5.0, outcome_wanted=False, role="call_handling"):
    day = timezone.localdate() - timedelta(days=days_ago)
    shift = ShiftLog.objects.create(officer=officer, shift_date=day, start_time="07:00", duration_minutes=480,
                                    role=role)
    category = ExposureCategory.objects.filter(role=role).first()
    return Exposure.objects.create(shift=shift, officer=officer, shift_date=day, role=role, category=category,
                                   intensity=3, dose=dose, outcome_wanted=outcome_wanted)
