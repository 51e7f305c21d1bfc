"""The training recommendation after a critical incident, made for every new TRiM case (logged,
declared or referred): the case is the one record of the incident (issue 20).

Training sits beside wellbeing and never imports it, so wellbeing calls training when a case opens
(a post_save receiver, run after the commit), and answers the training sweep's question "which
critical incidents were recorded since then?" (`training.signals.recent_critical_incidents`) with
the cases opened since, so a recommendation lost on the way (a crash after the commit) is made the
next morning. Training is given the person's id and the incident's time, never its detail; a repeat
recommends nothing twice (an open assignment, then a completion since the incident, stop it)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from wellbeing.models import TrimCase

logger = logging.getLogger(__name__)


def recommend_training(*, person_id: int, incident_at: datetime) -> int:
    from training.services import recommend_after_critical_incident

    return recommend_after_critical_incident(officer_id=person_id, since=incident_at)


def case_opened_receiver(sender, instance: TrimCase, created: bool = False, raw: bool = False, **kwargs) -> None:
    """post_save of TrimCase: a new case recommends the critical-incident training once its
    transaction commits (never for a rollback). A failure is logged and left to the daily sweep:
    it never undoes the case."""
    if not created or raw:
        return
    person_id, incident_at = instance.person_id, instance.incident.occurred_at

    def run() -> None:
        recommend_training(person_id=person_id, incident_at=incident_at)

    transaction.on_commit(run, robust=True)


def recent_cases_receiver(sender, *, since: datetime, **kwargs) -> list[tuple[int, datetime]]:
    """`training.signals.recent_critical_incidents`: (person id, incident time) of every case opened
    since `since`. One query."""
    return list(TrimCase.objects.filter(created_at__gte=since).order_by("id")
                .values_list("person_id", "incident__occurred_at"))
