"""Invented check-in history for the demo force: about four months per officer.

Pulses after many shifts (after the shifts the exposure demo logged, or every few days if there
are none), PHQ-9 and GAD-7 about every four weeks, PCL-5 about every twelve weeks. demo.officer's
recent pulses trend down and their latest PHQ-9 is over the cut-off, with item 9 at 0 so the demo
stays calm (no urgent flag). Idempotent: an officer who already has check-ins is left alone.
Recompute is not called here; the seed command's caller decides when risk is computed."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta

from django.utils import timezone

from exposure import shift_times
from exposure.models import ShiftLog
from wellbeing import instruments
from wellbeing.models import CheckIn, SupportContact

DAYS = 120
COMMENTS = [
    "Long shift, glad it is over.",
    "Busy but the team was good.",
    "A hard call stayed with me on the way home.",
    "Slept badly after the last run of nights.",
    "Better week overall.",
]
ORG_CONTACTS = {
    # organisation slug -> (name, contact, detail): invented, in Ofcom's range reserved for drama
    "northmoor-police": [
        ("Northmoor Constabulary Occupational Health", "01632 960 100",
         "Monday to Friday, 8am to 6pm. Self-referral welcome; ask for the duty OH adviser.", 5),
        ("Northmoor Employee Assistance Programme", "01632 960 150",
         "Confidential counselling and advice, 24 hours a day.", 6),
    ],
    "northmoor-fire": [
        ("Northmoor Fire and Rescue Occupational Health", "01632 960 200",
         "Monday to Friday, 9am to 5pm.", 5),
    ],
}


def _contacts(ctx) -> None:
    for organisation in (ctx.organisation, ctx.partner):
        for name, contact, detail, order in ORG_CONTACTS.get(organisation.slug, []):
            SupportContact.objects.get_or_create(
                organisation=organisation, name=name, defaults={"contact": contact, "detail": detail, "order": order})


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _checkin(officer, code, answers, at, rng, *, safety=None, comment="", share=False) -> CheckIn:
    definition = instruments.get(code)
    s = definition.score(answers, safety=safety)
    return CheckIn(
        officer=officer, instrument=code, instrument_version=definition.version, completed_at=at,
        answers=answers, total=s.total, band=s.band, positive=s.positive, result=s.result, urgent=s.urgent,
        comment=comment, share_comment_with_oh=share and bool(comment),
        submission=uuid.UUID(int=rng.getrandbits(128), version=4),
    )


def _pulse_times(officer, rng, start, end) -> list[datetime]:
    shifts = list(ShiftLog.objects.filter(officer=officer, shift_date__gte=start.date(), shift_date__lte=end.date())
                  .order_by("shift_date", "start_time").values_list("shift_date", "start_time", "duration_minutes"))
    times = []
    if shifts:
        for day, start_time, minutes in shifts:
            if rng.random() < 0.75:
                ends = shift_times.shift_end(day, start_time, minutes)
                times.append(ends + timedelta(minutes=rng.randint(10, 120)))
    else:
        day = start
        while day < end:
            times.append(day.replace(hour=rng.choice([7, 17, 19]), minute=rng.randint(0, 59)))
            day += timedelta(days=rng.choice([2, 2, 3, 4]))
    return [t for t in times if t < end]


def _history(officer, rng, now, *, struggling: bool) -> list[CheckIn]:
    start = now - timedelta(days=DAYS)
    level = rng.uniform(2.4, 3.3)  # this person's usual pulse item level (0-4, higher is better)
    distress = rng.uniform(0.2, 0.8)  # this person's usual questionnaire item level
    rows = []
    pulses = _pulse_times(officer, rng, start, now - timedelta(hours=3))
    for n, at in enumerate(pulses):
        mean = level
        if struggling and n >= len(pulses) - 8:
            mean = level - (n - (len(pulses) - 8) + 1) * 0.15  # a steady fall over the last eight pulses
        answers = [_clamp(rng.gauss(mean, 0.6), 0, 4) for _ in range(5)]
        comment = rng.choice(COMMENTS) if rng.random() < 0.12 else ""
        rows.append(_checkin(officer, "pulse", answers, at, rng, comment=comment, share=rng.random() < 0.5))

    day = start + timedelta(days=rng.randint(0, 6))
    while day < now - timedelta(days=2):
        last = day + timedelta(days=28) >= now - timedelta(days=2)
        if struggling and last:
            # Over the PHQ-9 cut-off (12, "moderate"), item 9 at 0; GAD-7 mild.
            phq9 = [2, 2, 2, 2, 1, 2, 1, 0, 0]
            gad7 = [2, 1, 1, 1, 0, 1, 1]
        else:
            phq9 = [_clamp(rng.gauss(distress, 0.6), 0, 2) for _ in range(8)] + [0]
            gad7 = [_clamp(rng.gauss(distress, 0.6), 0, 2) for _ in range(7)]
        at = day.replace(hour=rng.randint(9, 16), minute=rng.randint(0, 59))
        rows.append(_checkin(officer, "phq9", phq9, at, rng))
        rows.append(_checkin(officer, "gad7", gad7, at + timedelta(minutes=4), rng))
        day += timedelta(days=rng.randint(26, 30))

    day = start + timedelta(days=rng.randint(3, 12))
    while day < now - timedelta(days=2):
        pcl5 = [_clamp(rng.gauss(distress + (0.4 if struggling else 0), 0.6), 0, 3) for _ in range(20)]
        rows.append(_checkin(officer, "pcl5", pcl5, day.replace(hour=rng.randint(9, 16)), rng))
        day += timedelta(days=rng.randint(80, 88))
    return rows


def seed(ctx) -> None:
    _contacts(ctx)
    now = timezone.make_aware(datetime.combine(ctx.today, time(21, 0)))
    if now > timezone.now():
        now = timezone.now()
    for officer in ctx.officers:
        # One draw per officer whether or not they are seeded, so the rest stay the same.
        rng = random.Random(ctx.rng.random())  # noqa: S311 - demo data
        if CheckIn.objects.filter(officer=officer).exists():
            continue
        CheckIn.objects.bulk_create(_history(officer, rng, now, struggling=officer.username == "demo.officer"))


def seed_receiver(sender, *, ctx, **kwargs) -> None:
    """Receives portal.demo.demo_seed (connected in this app's AppConfig.ready)."""
    seed(ctx)
