"""The working-practice rules (issue 18): calls without a break on call-handling shifts, and long
viewing without a break counted once whether it came from the timer or a self-logged entry. Pure."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from wellbeing.risk.engine import AMBER, GREEN, RECENT_DAYS, OfficerInputs, evaluate, long_viewing_count
from wellbeing.risk.reasons import OPERATIONAL, REASONS
from wellbeing.risk.rules import DEFAULT_RULES, validate_rules, with_defaults

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CALL_RULES = ("calls_in_a_row_without_break", "shifts_with_calls_without_break")


def calm(**changes) -> OfficerInputs:
    base = OfficerInputs(officer_id=1, role="call_handling", load_now=10.0, usual_daily_dose=0.5,
                         recent_dose=7.0, last_checkin_at=NOW - timedelta(days=2))
    return replace(base, **changes)


def calls_reason(runs, rules=DEFAULT_RULES):
    result = evaluate(calm(call_runs=runs), peer_median=10.0, peer_count=5, rules=rules, now=NOW)
    found = [r for r in result.reasons if r.code == "calls_without_break"]
    return result, (found[0] if found else None)


def test_the_default_call_rules_are_twenty_calls_in_a_row_on_three_shifts():
    assert (DEFAULT_RULES["calls_in_a_row_without_break"], DEFAULT_RULES["shifts_with_calls_without_break"]) == (20, 3)


@pytest.mark.parametrize("runs,fires", [
    ([], False),
    ([20, 20], False),  # two shifts: one short of the three
    ([19, 20, 20], False),  # 19 calls in a row is under the run
    ([19, 19, 19, 19, 19], False),  # many shifts, none reaching the run
    ([20, 20, 20], True),  # exactly at both thresholds
    ([20, 21, 40], True),
    ([0, 5, 20, 20, 20], True),  # shorter runs alongside do not matter
    ([20, 20, 20, 20, 20, 20], True),
])
def test_breaks_unseen_calls_without_a_break_fire_at_the_run_on_enough_shifts(runs, fires):
    result, reason = calls_reason(runs)
    assert (reason is not None) is fires
    assert result.level == (AMBER if fires else GREEN)


def test_the_reason_carries_the_numbers_behind_it_and_is_operational():
    _, reason = calls_reason([19, 25, 20, 33])
    assert reason.level == AMBER and reason.kind == OPERATIONAL
    assert reason.numbers == {"shifts": 3, "most_in_a_row": 33, "calls_threshold": 20, "shifts_threshold": 3,
                              "days": RECENT_DAYS}
    assert REASONS["calls_without_break"].kind == OPERATIONAL


@pytest.mark.parametrize("run,shifts,runs,fires", [
    (10, 1, [10], True), (10, 1, [9], False), (10, 2, [10, 9], False), (10, 2, [11, 10], True),
    (30, 3, [29, 30, 31, 32], True), (30, 3, [29, 29, 30, 31], False),
])
def test_an_organisation_s_own_call_rules_move_the_boundaries(run, shifts, runs, fires):
    rules = dict(DEFAULT_RULES, calls_in_a_row_without_break=run, shifts_with_calls_without_break=shifts)
    assert (calls_reason(runs, rules)[1] is not None) is fires


@pytest.mark.parametrize("key", CALL_RULES)
@pytest.mark.parametrize("value", [0, -1, 2.5, "20", True, None])
def test_the_call_rules_must_be_whole_numbers_of_at_least_one(key, value):
    assert f"{key} must be a whole number of at least 1." in validate_rules(dict(DEFAULT_RULES, **{key: value}))


@pytest.mark.parametrize("key", CALL_RULES)
def test_a_rule_set_without_a_call_rule_is_missing_it_but_a_saved_one_takes_the_default(key):
    saved = {k: v for k, v in DEFAULT_RULES.items() if k not in CALL_RULES}
    assert f"Missing: {', '.join(sorted(CALL_RULES))}." in validate_rules(saved)
    assert with_defaults(saved)[key] == DEFAULT_RULES[key]
    assert validate_rules(with_defaults(saved)) == []
    assert validate_rules(dict(DEFAULT_RULES, **{key: 1})) == []


# --- Long viewing: one count for each stretch, from the timer or the entry, never both ------------


@pytest.mark.parametrize("entries,sessions,count", [
    ([], [], 0),
    ([7], [], 1),  # a self-logged entry, no timer
    ([], [None], 1),  # a timer session not filed into a shift yet
    ([], [None, None], 2),
    ([], [7], 1),  # filed into a shift whose entry was not long without a break (e.g. breaks ticked)
    ([7], [7], 1),  # the timer wrote that shift's entry: one stretch, not two
    ([7], [7, 7], 2),  # two long sessions filed into one shift
    ([7, 7], [7], 2),  # two long entries on one shift, one timed
    ([7], [8], 2),  # different shifts
    ([7, 8], [8, None], 3),
])
def test_viewing_break_limits_defeated_long_viewing_is_counted_once_per_stretch(entries, sessions, count):
    assert long_viewing_count(entries, sessions) == count
    assert long_viewing_count(list(reversed(entries)), list(reversed(sessions))) == count


def test_long_viewing_from_the_timer_gives_the_viewing_reason():
    result = evaluate(calm(long_viewing_without_breaks=long_viewing_count([], [None])), peer_median=10.0,
                      peer_count=5, rules=DEFAULT_RULES, now=NOW)
    reason = next(r for r in result.reasons if r.code == "viewing_without_breaks")
    assert reason.numbers["entries"] == 1 and reason.level == AMBER
