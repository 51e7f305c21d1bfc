"""The wellbeing factories store what the app would: a check-in's score is the published scoring of
its answers, a flag's kind and severity come from the reasons table and the flags module, and an
assessment's reasons are written as the risk engine writes them."""

import pytest

from wellbeing import instruments
from wellbeing.risk.engine import SEVERITY_URGENT, reason_severity
from wellbeing.risk.flags import flag_raise
from wellbeing.risk.reasons import REASONS
from wellbeing.tests.factories import (
    CheckInFactory,
    FlagFactory,
    RiskAssessmentFactory,
    answers_for_total,
)


@pytest.mark.parametrize("instrument, answers", [
    ("pulse", [3, 2, 3, 4, 3]),
    ("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0]),
    ("phq9", [3, 3, 3, 3, 3, 0, 0, 0, 2]),
    ("gad7", [2, 2, 2, 2, 2, 0, 0]),
    ("pcl5", [3] * 10 + [0] * 10),
    ("phq4", [1, 0, 3, 0]),
])
def test_a_check_in_stores_the_instrument_score_of_its_answers(db, instrument, answers):
    checkin = CheckInFactory(instrument=instrument, answers=answers)
    definition = instruments.get(instrument)
    score = definition.score(answers, safety=False if definition.safety_question else None)
    checkin.refresh_from_db()
    assert (checkin.total, checkin.band, checkin.positive, checkin.result, checkin.urgent) == (
        score.total, score.band, score.positive, score.result, score.urgent)
    assert checkin.instrument_version == definition.version


def test_a_check_in_with_a_total_gets_answers_that_add_up_to_it_and_is_not_urgent_by_accident(db):
    checkin = CheckInFactory(instrument="phq9", score_total=15)
    assert sum(checkin.answers) == checkin.total == 15
    assert checkin.answers[8] == 0 and not checkin.urgent and checkin.positive
    assert answers_for_total("phq9", 27)[8] == 3  # only when nothing else is left
    with pytest.raises(ValueError):
        answers_for_total("phq4", 13)


def test_phq4_safety_question_is_answered_no_unless_the_test_says_yes(db):
    assert CheckInFactory(instrument="phq4").result["safety_question"] is False
    urgent = CheckInFactory(instrument="phq4", safety=True)
    assert urgent.urgent and urgent.result["safety_question"] is True


@pytest.mark.parametrize("code", sorted(REASONS))
@pytest.mark.parametrize("urgent", [False, True])
def test_a_flag_has_the_kind_and_severity_flag_raise_gives(db, officer, code, urgent):
    made = FlagFactory(officer=officer, reason_code=code, urgent=urgent)
    made.delete()  # one active flag per person and reason
    raised, created = flag_raise(officer=officer, reason_code=code, urgent=urgent)
    assert created
    assert (made.kind, made.severity, made.urgent) == (raised.kind, raised.severity, raised.urgent)
    assert made.kind == REASONS[code].kind
    if urgent:
        assert made.severity == SEVERITY_URGENT


def test_an_assessment_writes_its_reasons_as_the_risk_engine_does(db):
    from wellbeing.risk.engine import Assessment, ReasonResult

    codes = ("exposure_load_high", "screen_over_cutoff")
    made = RiskAssessmentFactory(level="red", codes=codes)
    engine = Assessment(level="red", score=10.0, reasons=tuple(
        ReasonResult(c, "red", {}, reason_severity(c, "red")) for c in codes))
    made.refresh_from_db()
    assert made.reasons == engine.as_json()
    assert [r["kind"] for r in made.reasons] == ["operational", "clinical"]
