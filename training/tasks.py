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
def recommend_after_critical_incident(officer_id: int, since: str) -> int:
    """`since`: the incident's time, ISO 8601 (a time, never detail)."""
    from training.services import recommend_after_critical_incident as recommend

    return recommend(officer_id=officer_id, since=dt.datetime.fromisoformat(since))


@shared_task(name="training.sweep_critical_incidents")
def sweep_critical_incidents(lookback_days: int = CRITICAL_INCIDENT_LOOKBACK_DAYS) -> int:
    """Catch up the recommendation for every critical incident recorded in the last few days (the
    app that records them answers `training.signals.recent_critical_incidents`: wellbeing, with the
    TRiM cases opened since). The recommendation is made when a case opens; this sweep only makes
    up for one lost on the way (a crash after the commit), and a repeat recommends nothing twice.
    The lookback is longer than a day so a missed run is caught up."""
    from training.services import recommend_after_critical_incident as recommend
    from training.signals import recent_critical_incidents

    since = timezone.now() - dt.timedelta(days=lookback_days)
    incidents = sorted({pair for _receiver, pairs in recent_critical_incidents.send(sender=None, since=since)
                        for pair in pairs or ()})
    return sum(recommend(officer_id=officer_id, since=at) for officer_id, at in incidents)


@shared_task(name="training.daily")
def daily() -> dict:
    """The one daily training run: due-soon and overdue reminders, then critical-incident
    recommendations."""
    sent = send_reminders()
    return {**sent, "recommended": sweep_critical_incidents()}
