"""Celery tasks of the training app. They take ids only and are safe to run again: every
reminder and recommendation is claimed (by a notification dedupe key or the one-open-assignment
constraint) before anyone is told."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

CRITICAL_INCIDENT_LOOKBACK_DAYS = 3


@shared_task(name="training.send_reminders")
def send_reminders() -> dict:
    from training.services import reminders_send

    return reminders_send()


@shared_task(name="training.recommend_after_critical_incident")
def recommend_after_critical_incident(officer_id: int) -> int:
    from training.services import recommend_after_critical_incident as recommend

    return recommend(officer_id=officer_id)


@shared_task(name="training.sweep_critical_incidents")
def sweep_critical_incidents(lookback_days: int = CRITICAL_INCIDENT_LOOKBACK_DAYS) -> int:
    """Recommend the critical-incident module to everyone who recorded a critical incident in the
    last few days. The lookback is longer than a day so a missed run is caught up."""
    from exposure.models import Exposure
    from training.services import recommend_after_critical_incident as recommend

    since = timezone.localdate() - dt.timedelta(days=lookback_days)
    officer_ids = (
        Exposure.objects.filter(critical_incident=True, shift_date__gte=since)
        .values_list("officer_id", flat=True).distinct()
    )
    return sum(recommend(officer_id=officer_id) for officer_id in officer_ids)


@shared_task(name="training.daily")
def daily() -> dict:
    """The one daily training run: due-soon and overdue reminders, then critical-incident
    recommendations."""
    sent = send_reminders()
    return {**sent, "recommended": sweep_critical_incidents()}
