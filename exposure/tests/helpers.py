"""Form data for the exposure tests: a valid shift of each role, to be varied by each test."""

from datetime import timedelta

from django.utils import timezone

from exposure.models import ExposureCategory


def shift_fields(role, *, days_ago=1, start="07:00", hours="8"):
    return {"shift_date": (timezone.localdate() - timedelta(days=days_ago)).isoformat(), "start_time": start,
            "length_hours": hours, "role": role, "save": "1"}


def call_handling(**overrides):
    data = {**shift_fields("call_handling"), "call_handling-calls_taken": "40",
            "call_handling-calls_without_break": "12", "call_handling-count_child_at_risk": "3",
            "call_handling-want_child_at_risk": "on", "call_handling-count_domestic_abuse": "2",
            "call_handling-known_domestic_abuse": "on", "call_handling-critical_type": "child_at_risk",
            "call_handling-intensity": "4"}
    data.update(overrides)
    return data


def cse_review(**overrides):
    data = {**shift_fields("cse_review"), "cse_review-items_category_a_video": "4",
            "cse_review-items_category_c_image": "120", "cse_review-minutes": "90",
            "cse_review-mitigations": ["greyscale", "audio_muted"], "cse_review-unidentified_victim": "on",
            "cse_review-intensity": "3"}
    data.update(overrides)
    return data


def firearms(**overrides):
    data = {**shift_fields("firearms"),
            "firearms-category": str(ExposureCategory.objects.get(role="firearms", code="spontaneous").pk),
            "firearms-discharge": "colleague", "firearms-dsi_witnessed": "on", "firearms-post_incident": "witness",
            "firearms-defined_task": "yes", "firearms-intensity": "5", "firearms-critical_incident": "on"}
    data.update(overrides)
    return data


def counter_terrorism(**overrides):
    data = {**shift_fields("counter_terrorism"),
            "counter_terrorism-category": str(
                ExposureCategory.objects.get(role="counter_terrorism", code="extremist_material").pk),
            "counter_terrorism-material_minutes": "45", "counter_terrorism-command_role": "none",
            "counter_terrorism-defined_task": "no", "counter_terrorism-intensity": "3"}
    data.update(overrides)
    return data
