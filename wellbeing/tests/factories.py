"""Factories for wellbeing test data: check-ins, flags and risk assessments.

Each row is what the app itself would have stored, never a hand-typed number:

- `CheckInFactory` scores its answers with the instruments package (the published scoring), so the
  stored total, band, positive, result and urgent are exactly what `wellbeing.instruments` gives.
  Give `answers=`, or `score_total=` for answers that add up to that total (the items that would
  make the check-in urgent are filled last), or neither for the lowest answer to every item.
- `FlagFactory` takes its kind from the reasons table (`wellbeing/risk/reasons.py`) and its severity from
  the flags module (`wellbeing.risk.flags.default_severity`), as `flag_raise` does. It writes the row
  only: no audit event, no notification (use `flag_raise` to test those).
- `RiskAssessmentFactory` writes each reason as the risk engine does (`Assessment.as_json`): its
  kind from the reasons table and its severity from `risk.reason_severity`."""

from datetime import timedelta

import factory
from django.utils import timezone

from portal.tests.factories import OfficerFactory
from wellbeing import instruments
from wellbeing.models import CheckIn, Flag, RiskAssessment
from wellbeing.risk.engine import reason_severity
from wellbeing.risk.flags import default_severity
from wellbeing.risk.reasons import reason


def answers_for_total(instrument: str, total: int) -> list[int]:
    """Answers to `instrument` that add up to `total`: the items that can make a check-in urgent
    are filled last, so a total alone never makes an urgent check-in unless it has to."""
    definition = instruments.get(instrument)
    low, high = definition.min_value, definition.max_value
    if not low * len(definition.items) <= total <= definition.max_total:
        raise ValueError(f"{instrument} totals run from {low * len(definition.items)} to {definition.max_total}")
    answers = [low] * len(definition.items)
    order = sorted(range(len(definition.items)), key=lambda n: definition.items[n].urgent_at is not None)
    left = total - sum(answers)
    for n in order:
        step = min(high - low, left)
        answers[n] += step
        left -= step
    return answers


def _answers(o):
    if o.score_total is not None:
        return answers_for_total(o.instrument, o.score_total)
    definition = instruments.get(o.instrument)
    return [definition.min_value] * len(definition.items)


def _safety(o):
    """PHQ-4's own safety question needs an answer: no, unless the test says yes."""
    return False if instruments.get(o.instrument).safety_question is not None else None


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    class Params:
        score_total = None
        safety = factory.LazyAttribute(_safety)
        scored = factory.LazyAttribute(lambda o: instruments.score(o.instrument, o.answers, safety=o.safety))

    officer = factory.SubFactory(OfficerFactory)
    instrument = "pulse"
    instrument_version = factory.LazyAttribute(lambda o: instruments.get(o.instrument).version)
    completed_at = factory.LazyFunction(timezone.now)
    answers = factory.LazyAttribute(_answers)
    total = factory.LazyAttribute(lambda o: o.scored.total)
    band = factory.LazyAttribute(lambda o: o.scored.band)
    positive = factory.LazyAttribute(lambda o: o.scored.positive)
    result = factory.LazyAttribute(lambda o: o.scored.result)
    urgent = factory.LazyAttribute(lambda o: o.scored.urgent)
    comment = ""
    share_comment_with_oh = False


class FlagFactory(factory.django.DjangoModelFactory):
    """A flag raised `48 - hours_left` hours ago, to be acknowledged within 48 hours."""

    class Meta:
        model = Flag

    class Params:
        hours_left = 40

    officer = factory.SubFactory(OfficerFactory)
    reason_code = "exposure_load_high"
    kind = factory.LazyAttribute(lambda o: reason(o.reason_code).kind)
    urgent = False
    severity = factory.LazyAttribute(lambda o: default_severity(o.reason_code, o.urgent))
    status = Flag.Status.OPEN
    raised_at = factory.LazyAttribute(lambda o: timezone.now() - timedelta(hours=48 - o.hours_left))
    acknowledge_by = factory.LazyAttribute(lambda o: o.raised_at + timedelta(hours=48))


def reason_entry(code: str, level: str, numbers: dict | None = None) -> dict:
    """One reason of an assessment as the risk engine stores it."""
    return {"code": code, "kind": reason(code).kind, "level": level, "numbers": numbers or {},
            "severity": reason_severity(code, level)}


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment at `level` for the reason `codes` (each at that level)."""

    class Meta:
        model = RiskAssessment

    class Params:
        codes = ("exposure_load_high",)

    officer = factory.SubFactory(OfficerFactory)
    computed_at = factory.LazyFunction(timezone.now)
    level = "amber"
    score = 10.0
    reasons = factory.LazyAttribute(lambda o: [reason_entry(c, o.level) for c in o.codes])
    rules_version = 1
    inputs_digest = factory.Sequence(lambda n: f"test-digest-{n}")
