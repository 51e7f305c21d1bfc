"""Invented screening records for the demo force: each demo officer in a high-risk role joined it
some months ago (a different time for each, so the pages show every status), the cycles now due
are open (without sending invitations), demo.officer's is booked and an earlier one was completed.
Idempotent: left alone if demo.officer already has a screening."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from portal.models import User
from wellbeing.models import Screening
from wellbeing.screening.selectors import standings


def seed(ctx) -> None:
    if Screening.objects.filter(person=ctx.officer).exists():
        return
    today = ctx.today
    people = [p for p in ctx.officers if p.high_risk_role]
    for i, person in enumerate(people):
        person.high_risk_role_since = today - timedelta(days=40 + 61 * i)
    User.objects.bulk_update(people, ["high_risk_role_since"])
    ctx.officer.refresh_from_db()
    ctx.officer.high_risk_role_since = today - timedelta(days=500)
    ctx.officer.save(update_fields=["high_risk_role_since"])
    # demo.officer: screened once in the role (OH recorded no action), the next one due and booked.
    completed = today - timedelta(days=350)  # the next one due in about two weeks: open, and booked
    Screening.objects.create(
        person=ctx.officer, kind="screening", role=ctx.officer.high_risk_role,
        role_since=ctx.officer.high_risk_role_since, due_on=completed, completed_on=completed, attended="yes",
        outcome=Screening.Outcome.NO_ACTION, appointment_at=timezone.make_aware(datetime.combine(completed, time(10))),
        recorded_by=ctx.oh, recorded_at=timezone.now())
    people = list(User.objects.filter(pk__in=[p.pk for p in people]))
    rows = [Screening(person=item.person, kind=item.kind, role=item.person.high_risk_role,
                      role_since=item.person.high_risk_role_since, due_on=item.standing.due_on)
            for item in standings(people, today=today) if item.open is None and item.standing.in_window]
    Screening.objects.bulk_create(rows, ignore_conflicts=True)
    Screening.objects.filter(person=ctx.officer, completed_on__isnull=True).update(
        appointment_at=timezone.make_aware(datetime.combine(today + timedelta(days=9), time(14, 30))))


def seed_receiver(sender, *, ctx, **kwargs) -> None:
    """Receives portal.demo.demo_seed (connected in WellbeingConfig.ready)."""
    seed(ctx)
