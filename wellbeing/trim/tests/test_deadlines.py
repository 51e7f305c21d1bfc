"""The TRiM deadline rules, over plain values with a fixed clock (no database)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wellbeing.models import TrimAssessment, TrimCase
from wellbeing.trim import deadlines as d
from wellbeing.trim.deadlines import (
    ESCALATE_ASSESSMENT,
    ESCALATE_FOLLOWUP,
    REMIND_ASSESSMENT,
    REMIND_FOLLOWUP,
    CaseDeadlines,
    due_dates,
    due_now,
)

LONDON = ZoneInfo("Europe/London")
INCIDENT = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
H = timedelta(hours=1)
S = timedelta(seconds=1)


def case(**kwargs) -> CaseDeadlines:
    assessment, followup = due_dates(INCIDENT, assessment_hours=72, followup_days=28)
    values = {"assessment_due_at": assessment, "followup_due_at": followup, "response": "assessment",
              "stage": "offered", "has_practitioner": True}
    values.update(kwargs)
    return CaseDeadlines(**values)


A_DUE = datetime(2026, 3, 6, 14, 30, tzinfo=UTC)
F_DUE = datetime(2026, 3, 31, 14, 30, tzinfo=UTC)


# ----------------------------------------------------------------------------- due dates


def test_the_assessment_is_due_72_hours_and_the_follow_up_28_days_after_the_incident():
    assessment, followup = due_dates(INCIDENT, assessment_hours=72, followup_days=28)
    assert assessment == A_DUE
    assert followup == F_DUE


def test_timings_are_the_organisations_own():
    assert due_dates(INCIDENT, assessment_hours=48, followup_days=30) == (
        datetime(2026, 3, 5, 14, 30, tzinfo=UTC), datetime(2026, 4, 2, 14, 30, tzinfo=UTC))


def test_72_hours_are_72_real_hours_across_the_spring_clock_change_whatever_the_zone_given():
    # 14:00 GMT on Saturday 28 March 2026; the clocks go forward at 01:00 GMT on the 29th.
    local = datetime(2026, 3, 28, 14, 0, tzinfo=LONDON)
    assessment, _followup = due_dates(local, assessment_hours=72, followup_days=28)
    assert assessment - local == timedelta(hours=72)
    assert assessment.astimezone(LONDON) == datetime(2026, 3, 31, 15, 0, tzinfo=LONDON)  # 15:00 BST
    assert due_dates(local, assessment_hours=72, followup_days=28) == due_dates(
        local.astimezone(UTC), assessment_hours=72, followup_days=28)


def test_the_follow_up_is_28_real_days_across_the_autumn_clock_change():
    local = datetime(2026, 10, 10, 10, 0, tzinfo=LONDON)  # BST; the clocks go back on 25 October
    _assessment, followup = due_dates(local, assessment_hours=72, followup_days=28)
    assert followup - local == timedelta(days=28)
    assert followup.astimezone(LONDON) == datetime(2026, 11, 7, 9, 0, tzinfo=LONDON)  # 09:00 GMT


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        due_dates(datetime(2026, 3, 3, 14, 30), assessment_hours=72, followup_days=28)  # noqa: DTZ001


# ----------------------------------------------------------------------------- escalating the assessment


def test_trim_deadline_missed_the_rules_escalate_an_assessment_from_exactly_a_day_after_it_was_due():
    assert ESCALATE_ASSESSMENT not in due_now(case(), A_DUE + 24 * H - S)
    assert ESCALATE_ASSESSMENT in due_now(case(), A_DUE + 24 * H)  # exactly at the boundary
    assert ESCALATE_ASSESSMENT in due_now(case(), A_DUE + 20 * 24 * H)  # and however late the sweep runs


def test_trim_deadline_missed_the_assessment_escalates_once():
    escalated = case(assessment_escalated_at=A_DUE + 24 * H)
    assert ESCALATE_ASSESSMENT not in due_now(escalated, A_DUE + 48 * H)


def test_an_assessment_held_never_escalates():
    assert ESCALATE_ASSESSMENT not in due_now(case(assessment_held=True), A_DUE + 48 * H)


def test_trim_deadline_missed_a_case_with_no_response_decided_still_escalates_the_assessment():
    undecided = case(response="", stage="new", has_practitioner=False)
    assert due_now(undecided, A_DUE + 24 * H) == {ESCALATE_ASSESSMENT}


@pytest.mark.parametrize("changes", [
    {"offer": "declined"}, {"response": "briefing"}, {"response": "none"}, {"stage": "closed"},
], ids=["declined", "briefing", "no-trim-response", "closed"])
def test_trim_deadline_missed_a_declined_briefing_only_or_closed_case_never_escalates_or_reminds(changes):
    quiet = case(**changes)
    for now in (A_DUE - 12 * H, A_DUE + 24 * H, F_DUE - 12 * H, F_DUE + 7 * 24 * H, F_DUE + 400 * 24 * H):
        assert due_now(quiet, now) == frozenset(), now


def test_an_accepted_or_unanswered_offer_escalates():
    for offer in ("accepted", ""):
        assert ESCALATE_ASSESSMENT in due_now(case(offer=offer), A_DUE + 24 * H)


def test_the_assessment_escalates_24_real_hours_after_it_was_due_across_the_spring_clock_change():
    due = datetime(2026, 3, 28, 12, 0, tzinfo=LONDON)  # 12:00 GMT, the day before the clocks go forward
    late = case(assessment_due_at=due)
    assert ESCALATE_ASSESSMENT not in due_now(late, datetime(2026, 3, 29, 12, 59, tzinfo=LONDON))
    assert ESCALATE_ASSESSMENT in due_now(late, datetime(2026, 3, 29, 13, 0, tzinfo=LONDON))  # 13:00 BST


def test_the_assessment_escalates_24_real_hours_after_it_was_due_across_the_autumn_clock_change():
    due = datetime(2026, 10, 24, 12, 0, tzinfo=LONDON)  # 12:00 BST, the day before the clocks go back
    late = case(assessment_due_at=due)
    assert ESCALATE_ASSESSMENT not in due_now(late, datetime(2026, 10, 25, 10, 59, tzinfo=LONDON))
    assert ESCALATE_ASSESSMENT in due_now(late, datetime(2026, 10, 25, 11, 0, tzinfo=LONDON))  # 11:00 GMT


def test_the_clock_and_the_due_times_may_be_given_in_any_zone():
    late = case(assessment_due_at=A_DUE.astimezone(LONDON))
    now = (A_DUE + 24 * H).astimezone(ZoneInfo("America/New_York"))
    assert ESCALATE_ASSESSMENT in due_now(late, now)


def test_a_naive_clock_is_refused():
    with pytest.raises(ValueError):
        due_now(case(), datetime(2026, 3, 7, 15, 0))  # noqa: DTZ001


# ----------------------------------------------------------------------------- escalating the follow-up


def test_trim_deadline_missed_a_follow_up_not_held_seven_days_after_it_was_due_reaches_oh():
    held = case(assessment_held=True)
    assert ESCALATE_FOLLOWUP not in due_now(held, F_DUE + 7 * 24 * H - S)
    assert ESCALATE_FOLLOWUP in due_now(held, F_DUE + 7 * 24 * H)


def test_trim_deadline_missed_the_follow_up_escalates_once_and_never_when_held():
    assert ESCALATE_FOLLOWUP not in due_now(case(followup_escalated_at=F_DUE + 7 * 24 * H), F_DUE + 9 * 24 * H)
    assert ESCALATE_FOLLOWUP not in due_now(case(followup_held=True), F_DUE + 9 * 24 * H)


def test_a_follow_up_missed_escalates_even_when_the_first_assessment_was_never_held():
    both = due_now(case(), F_DUE + 7 * 24 * H)
    assert {ESCALATE_ASSESSMENT, ESCALATE_FOLLOWUP} <= both


def test_the_follow_up_escalates_seven_real_days_after_it_was_due_across_the_autumn_clock_change():
    due = datetime(2026, 10, 20, 10, 0, tzinfo=LONDON)  # 10:00 BST; the clocks go back on the 25th
    late = case(followup_due_at=due, assessment_held=True)
    assert ESCALATE_FOLLOWUP not in due_now(late, datetime(2026, 10, 27, 8, 59, tzinfo=LONDON))
    assert ESCALATE_FOLLOWUP in due_now(late, datetime(2026, 10, 27, 9, 0, tzinfo=LONDON))  # 09:00 GMT


def test_the_organisations_own_timings_move_every_deadline():
    incident = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    assessment, followup = due_dates(incident, assessment_hours=48, followup_days=21)
    own = case(assessment_due_at=assessment, followup_due_at=followup, has_practitioner=False)
    assert ESCALATE_ASSESSMENT not in due_now(own, incident + 72 * H - S)
    assert ESCALATE_ASSESSMENT in due_now(own, incident + 72 * H)  # 48 hours, then 24 late
    assert ESCALATE_FOLLOWUP not in due_now(own, incident + 28 * 24 * H - S)
    assert ESCALATE_FOLLOWUP in due_now(own, incident + 28 * 24 * H)  # 21 days, then 7 late


# ----------------------------------------------------------------------------- reminding the practitioner


def test_trim_deadline_missed_the_practitioner_is_reminded_from_a_day_before_the_assessment_is_due():
    assert REMIND_ASSESSMENT not in due_now(case(), A_DUE - 24 * H - S)
    assert due_now(case(), A_DUE - 24 * H) == {REMIND_ASSESSMENT}
    assert REMIND_ASSESSMENT in due_now(case(), A_DUE)


def test_a_practitioner_assigned_late_is_reminded_until_the_assessment_escalates_and_not_after():
    assert REMIND_ASSESSMENT in due_now(case(), A_DUE + 24 * H - S)
    assert due_now(case(), A_DUE + 24 * H) == {ESCALATE_ASSESSMENT}


def test_a_reminder_goes_once_per_assessment():
    assert REMIND_ASSESSMENT not in due_now(case(assessment_reminded=True), A_DUE - 12 * H)
    assert due_now(case(assessment_reminded=True), F_DUE - 12 * H) == {REMIND_FOLLOWUP, ESCALATE_ASSESSMENT}


def test_no_reminder_without_a_practitioner_or_once_held_or_escalated():
    assert due_now(case(has_practitioner=False), A_DUE - 12 * H) == frozenset()
    assert due_now(case(assessment_held=True), A_DUE - 12 * H) == frozenset()
    assert REMIND_ASSESSMENT not in due_now(case(assessment_escalated_at=A_DUE), A_DUE + H)


def test_the_follow_up_reminder_runs_from_a_day_before_until_it_escalates():
    held = case(assessment_held=True)
    assert due_now(held, F_DUE - 24 * H - S) == frozenset()
    assert due_now(held, F_DUE - 24 * H) == {REMIND_FOLLOWUP}
    assert due_now(held, F_DUE + 7 * 24 * H - S) == {REMIND_FOLLOWUP}
    assert due_now(held, F_DUE + 7 * 24 * H) == {ESCALATE_FOLLOWUP}
    assert due_now(replace(held, followup_reminded=True), F_DUE) == frozenset()


def test_the_reminder_window_counts_real_hours_across_the_spring_clock_change():
    due = datetime(2026, 3, 29, 12, 0, tzinfo=LONDON)  # 12:00 BST on the day the clocks go forward
    soon = case(assessment_due_at=due)
    # 24 real hours before 12:00 BST (11:00 UTC) is 11:00 GMT the day before: 25 hours on the wall clock.
    assert REMIND_ASSESSMENT not in due_now(soon, datetime(2026, 3, 28, 10, 59, tzinfo=LONDON))
    assert REMIND_ASSESSMENT in due_now(soon, datetime(2026, 3, 28, 11, 0, tzinfo=LONDON))


def test_an_unknown_stage_is_refused():
    with pytest.raises(ValueError):
        d.reminder_due(case(), "third", A_DUE)


def test_nothing_can_be_due_for_a_case_due_after_the_horizon():
    now = A_DUE - 30 * H
    assert d.horizon(now) == A_DUE - 6 * H
    assert due_now(case(assessment_due_at=d.horizon(now) + S, followup_due_at=F_DUE), now) == frozenset()


def test_the_codes_are_the_models():
    assert d.CLOSED == TrimCase.Stage.CLOSED
    assert d.DECLINED == TrimCase.Offer.DECLINED
    assert d.NO_TRIM_RESPONSES == {TrimCase.Response.BRIEFING, TrimCase.Response.NONE}
    assert d.UNDECIDED == TrimCase.Response.UNDECIDED
    assert (d.INITIAL, d.FOLLOW_UP) == (TrimAssessment.Stage.INITIAL, TrimAssessment.Stage.FOLLOW_UP)
