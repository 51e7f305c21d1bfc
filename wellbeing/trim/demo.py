"""An invented TRiM incident for the demo force: a fire at a block of flats five days ago, attended
by demo.officer and demo.firearms. The coordinator (demo.trim) held the planning meeting the next
day and agreed a risk assessment for both; demo.peer, a trained practitioner outside their line,
is demo.officer's practitioner and held the initial assessment (band low, no further action);
demo.firearms still needs a practitioner. Idempotent: left alone if the incident exists.

The demo history is written in bulk, without the shift saves that open a case for a logged critical
incident, so the seed runs the hourly safety net once: the critical incidents logged in the last
week (demo.officer's threat-to-life call among them) get their cases, and with them their
follow-up check-ins, as in a running force."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from portal.models import User
from wellbeing.models import TrimAssessment, TrimCase, TrimIncident
from wellbeing.trim import opening
from wellbeing.trim.deadlines import due_dates

TITLE = "Fire at Ashcombe Road flats"


def seed(ctx) -> None:
    opening.logged_incidents_sweep()
    force = ctx.organisation
    people = {u.username: u for u in User.objects.filter(
        username__in=["demo.trim", "demo.peer", "demo.officer", "demo.firearms", "demo.supervisor"])}
    if len(people) < 5 or TrimIncident.objects.filter(organisation=force, title=TITLE).exists():
        return
    now = timezone.now()
    occurred_at = (now - timedelta(days=5)).replace(hour=2, minute=40, second=0, microsecond=0)
    incident = TrimIncident.objects.create(
        organisation=force, title=TITLE, occurred_at=occurred_at, source=TrimIncident.Source.DECLARED,
        created_by=people["demo.supervisor"], created_at=occurred_at + timedelta(hours=6),
        planning_held_on=timezone.localdate(occurred_at + timedelta(days=1)), planning_recorded_by=people["demo.trim"])
    due, followup = due_dates(occurred_at, assessment_hours=force.trim_assessment_hours,
                              followup_days=force.trim_followup_days)
    common = {"incident": incident, "response": TrimCase.Response.ASSESSMENT, "assessment_due_at": due,
              "followup_due_at": followup, "created_at": incident.created_at}
    held = TrimCase.objects.create(
        person=people["demo.officer"], practitioner=people["demo.peer"], stage=TrimCase.Stage.IN_PROGRESS,
        offer=TrimCase.Offer.ACCEPTED, offer_answered_at=occurred_at + timedelta(days=1, hours=4), **common)
    TrimAssessment.objects.create(
        case=held, stage=TrimAssessment.Stage.INITIAL, held_on=timezone.localdate(occurred_at + timedelta(days=3)),
        band=TrimAssessment.Band.LOW, action=TrimAssessment.Action.NONE, recorded_by=people["demo.peer"],
        recorded_at=occurred_at + timedelta(days=3, hours=2))
    TrimCase.objects.create(person=people["demo.firearms"], stage=TrimCase.Stage.PLANNED, **common)


def seed_receiver(sender, *, ctx, **kwargs) -> None:
    """Receives portal.demo.demo_seed (connected in this app's AppConfig.ready)."""
    seed(ctx)
