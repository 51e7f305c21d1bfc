"""Demo history for training: the shipped modules, two automatic rules, assignments to team
Alpha, team Bravo and the fire service's staff, and six months of invented completions and
feedback (mostly satisfied). demo.officer has one module in progress and one due soon.

Idempotent: an existing assignment for a person and module is left alone. Each person and
module pair draws from its own seeded generator, so the history is the same on every run."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from portal.demo import DemoContext
from portal.models import HighRiskRole
from training.models import Assignment, AutoAssignmentRule, Completion, Feedback, LessonView, Module
from training.services import content_load

CALL = "call-handling-trauma-resilience"
VIEWING = "viewing-explicit-digital-material"
TACTICAL = "tactical-command-counter-terrorism"
SIO = "senior-investigating-officers"
PROCESSING = "trauma-processing-techniques"
SECONDARY = "secondary-trauma-awareness"
TRAINER = "train-the-trainer"

COMMENTS = [
    "Really practical. The part about letting go of calls at the end of a shift was the most useful bit.",
    "Good to hear that other people feel the same way about the material. Wish I had done this sooner.",
    "Clear and not preachy. Would like a version we can do as a team.",
    "The workstation tips were simple but we had never been told them.",
    "A bit long for one sitting, but worth it.",
    "Useful for our crews too - the examples translated well to fire and rescue.",
    "Would have liked more on what to say to a colleague who is struggling.",
    "Helpful reminder of where to get support.",
]
# Satisfaction weights for invented feedback: mostly very satisfactory, very few unsatisfied.
SATISFACTION_WEIGHTS = [(4, 64), (3, 28), (2, 6), (1, 2)]


def _rng(*parts) -> random.Random:
    return random.Random("|".join(str(p) for p in parts))  # noqa: S311 - invented demo data


def _history(module: Module, person, now: dt.datetime, *, complete_chance: float = 0.8) -> None:
    """One assignment with invented history, unless the person already has one for the module."""
    if Assignment.objects.filter(module=module, person=person).exists():
        return
    rng = _rng("training", module.slug, person.username)
    assigned_at = now - dt.timedelta(days=rng.randint(20, 180))
    due_on = (assigned_at + dt.timedelta(days=28)).date()
    version = module.current_version
    assignment = Assignment.objects.create(
        module=module, person=person, assigned_at=assigned_at, due_on=due_on, source=Assignment.Source.TRAINER,
    )
    if rng.random() >= complete_chance:
        return
    completed_at = min(assigned_at + dt.timedelta(days=rng.randint(2, 35)), now - dt.timedelta(days=1))
    assignment.version = version
    assignment.started_at = assigned_at + dt.timedelta(days=1)
    assignment.completed_at = completed_at
    assignment.last_lesson = version.lessons.count()
    assignment.save()
    completion = Completion.objects.create(
        assignment=assignment, person=person, module=module, version=version,
        score=rng.choice([80, 80, 100, 100, 100]), completed_at=completed_at,
    )
    if rng.random() < 0.9:
        levels, weights = zip(*SATISFACTION_WEIGHTS, strict=True)
        Feedback.objects.create(
            completion=completion, satisfaction=rng.choices(levels, weights)[0],
            would_recommend=rng.random() < 0.93,
            comment=rng.choice(COMMENTS) if rng.random() < 0.4 else "",
            created_at=completed_at + dt.timedelta(minutes=5),
        )


def _open(module: Module, person, *, due_in_days: int, lessons_read: int, now) -> None:
    if Assignment.objects.filter(module=module, person=person, completed_at__isnull=True).exists():
        return
    if Completion.objects.filter(module=module, person=person).exists():
        return
    assignment = Assignment.objects.create(
        module=module, person=person, assigned_at=now - dt.timedelta(days=10),
        due_on=timezone.localdate() + dt.timedelta(days=due_in_days), source=Assignment.Source.TRAINER,
    )
    lessons = list(module.current_version.lessons.all()[:lessons_read])
    if lessons:
        assignment.version = module.current_version
        assignment.started_at = now - dt.timedelta(days=3)
        assignment.last_lesson = lessons[-1].order
        assignment.save()
        LessonView.objects.bulk_create(LessonView(assignment=assignment, lesson=lesson) for lesson in lessons)


def seed(ctx: DemoContext) -> None:
    content_load()
    modules = {m.slug: m for m in Module.objects.select_related("current_version")}
    now = timezone.now()

    AutoAssignmentRule.objects.get_or_create(
        organisation=ctx.organisation, trigger=AutoAssignmentRule.Trigger.HAS_ROLE,
        high_risk_role=HighRiskRole.CSE_REVIEW, module=modules[VIEWING],
        defaults={"due_in_days": 30, "created_by": ctx.trainer},
    )
    AutoAssignmentRule.objects.get_or_create(
        organisation=ctx.organisation, trigger=AutoAssignmentRule.Trigger.CRITICAL_INCIDENT,
        module=modules[PROCESSING], defaults={"due_in_days": 21, "created_by": ctx.trainer},
    )

    # demo.officer: one module in progress, one due in a few days, one completed with feedback.
    _open(modules[CALL], ctx.officer, due_in_days=21, lessons_read=1, now=now)
    _open(modules[SECONDARY], ctx.officer, due_in_days=4, lessons_read=0, now=now)
    _history(modules[PROCESSING], ctx.officer, now, complete_chance=1.0)

    by_role = {
        HighRiskRole.CALL_HANDLING: CALL, HighRiskRole.CSE_REVIEW: VIEWING,
        HighRiskRole.FIREARMS: TACTICAL, HighRiskRole.COUNTER_TERRORISM: TACTICAL,
    }
    for person in ctx.officers:
        if person.pk == ctx.officer.pk:
            continue
        _history(modules[SECONDARY], person, now)
        if person.high_risk_role in by_role:
            _history(modules[by_role[person.high_risk_role]], person, now)
        _history(modules[PROCESSING], person, now, complete_chance=0.6)
    for person in ctx.partner_staff:
        _history(modules[SECONDARY], person, now, complete_chance=0.9)
    _history(modules[SIO], ctx.supervisor, now)
    _history(modules[TRAINER], ctx.trainer, now, complete_chance=1.0)


def seed_receiver(sender, *, ctx, **kwargs) -> None:
    """Receives portal.demo.demo_seed (connected in this app's AppConfig.ready)."""
    seed(ctx)
