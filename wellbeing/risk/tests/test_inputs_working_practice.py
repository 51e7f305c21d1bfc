"""Gathering the working-practice inputs (issue 18) for a whole chunk of officers: call-handling
shifts with a long run of calls without a break, and long viewing from the timer and from entries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exposure import shift_times
from exposure.models import ViewingSession
from exposure.tests.factories import ExposureFactory, ShiftLogFactory
from tests.factories import OfficerFactory
from wellbeing.risk.engine import RECENT_DAYS
from wellbeing.risk.inputs import gather
from wellbeing.risk.rules import DEFAULT_RULES

HOUR = 3600


def _calls(officer, days_ago, in_a_row, role="call_handling"):
    return ShiftLogFactory(officer=officer, days_ago=days_ago, role=role,
                           detail={"calls_taken": 60, "calls_without_break": in_a_row})


def _session(officer, *, days_ago=1, longest=0, viewed=0, breaks=0, shift=None, now=None):
    started = (now or timezone.now()) - timedelta(days=days_ago)
    return ViewingSession.objects.create(
        officer=officer, started_at=started, segment_started_at=started, state=ViewingSession.State.STOPPED,
        stopped_at=started + timedelta(seconds=viewed), viewed_seconds=viewed, break_count=breaks,
        longest_viewing_seconds=longest, shift=shift)


def _both(ids, now, rules=DEFAULT_RULES):
    fast, portable = (gather(ids, now=now, rules=rules, portable=p) for p in (False, True))
    assert {pk: (sorted(i.call_runs), i.long_viewing_without_breaks) for pk, i in fast.items()} == {
        pk: (sorted(i.call_runs), i.long_viewing_without_breaks) for pk, i in portable.items()}
    return fast


def test_breaks_unseen_only_recent_call_handling_shifts_with_a_long_run_are_read(db):
    officer, other = OfficerFactory(high_risk_role="call_handling"), OfficerFactory(high_risk_role="call_handling")
    now = timezone.now()
    for days_ago, in_a_row in [(0, 20), (3, 35), (5, 19), (RECENT_DAYS - 1, 21), (RECENT_DAYS, 40), (30, 50)]:
        _calls(officer, days_ago, in_a_row)
    _calls(officer, 2, 45, role="firearms")  # not a call-handling shift
    ShiftLogFactory(officer=officer, days_ago=1, role="call_handling", detail={})  # logged before the count
    _calls(other, 1, 25)
    inputs = _both([officer.pk, other.pk], now)
    assert sorted(inputs[officer.pk].call_runs) == [20, 21, 35]
    assert inputs[other.pk].call_runs == [25]


def test_a_night_in_the_past_leaves_out_later_shifts_and_sessions(db):
    officer = OfficerFactory(high_risk_role="call_handling")
    now = timezone.now()
    for days_ago in (1, 6, 7):
        _calls(officer, days_ago, 30)
        ExposureFactory(officer=officer, role="cse_review", days_ago=days_ago, minutes=90)
        _session(officer, days_ago=days_ago, longest=2 * HOUR, viewed=2 * HOUR)
    then = now - timedelta(days=5)  # the what-if replay and the demo history gather past nights
    inputs = gather([officer.pk], now=then, rules=DEFAULT_RULES, portable=True, past=True)[officer.pk]
    assert (inputs.call_runs, inputs.long_viewing_without_breaks) == ([30, 30], 4)


def test_the_rule_set_s_run_is_the_one_read(db):
    officer = OfficerFactory(high_risk_role="call_handling")
    for days_ago, in_a_row in [(1, 9), (2, 10), (3, 11)]:
        _calls(officer, days_ago, in_a_row)
    rules = dict(DEFAULT_RULES, calls_in_a_row_without_break=10)
    assert sorted(_both([officer.pk], timezone.now(), rules)[officer.pk].call_runs) == [10, 11]


def test_three_long_runs_give_the_operational_reason_end_to_end(db):
    from wellbeing.risk.service import risk_recompute

    officer = OfficerFactory(high_risk_role="call_handling")
    for days_ago in (1, 4, 8):
        _calls(officer, days_ago, 22)
    [assessment] = risk_recompute(officer_ids=[officer.pk])
    assert [r["code"] for r in assessment.reasons] == ["calls_without_break"]
    assert assessment.reasons[0]["numbers"]["shifts"] == 3


@pytest.mark.parametrize("session,counts", [
    ({"longest": HOUR}, True),  # a stretch of exactly the threshold
    ({"longest": HOUR - 1, "viewed": 3 * HOUR, "breaks": 3}, False),  # long in all, but broken up
    ({"viewed": 2 * HOUR, "breaks": 1}, True),  # kept before the longest was: the mean stretch is an hour
    ({"viewed": 2 * HOUR - 1, "breaks": 1}, False),
    ({"longest": 2 * HOUR, "days_ago": RECENT_DAYS + 1}, False),  # before the recent window
])
def test_viewing_break_limits_defeated_the_risk_rule_reads_the_timer_s_long_stretches(db, session, counts):
    officer = OfficerFactory(high_risk_role="cse_review")
    _session(officer, **session)
    assert _both([officer.pk], timezone.now())[officer.pk].long_viewing_without_breaks == int(counts)


def test_viewing_break_limits_defeated_a_timed_shift_and_its_entry_count_once(db):
    officer = OfficerFactory(high_risk_role="cse_review")
    # the timer wrote the entry of this shift: 90 minutes, no break ticked
    timed = ExposureFactory(officer=officer, role="cse_review", days_ago=1, minutes=90)
    _session(officer, longest=90 * 60, viewed=90 * 60, shift=timed.shift)
    # a break was taken, so the entry has "breaks" ticked, but one stretch was still 70 minutes
    broken = ExposureFactory(officer=officer, role="cse_review", days_ago=2, minutes=100, mitigations=["breaks"])
    _session(officer, longest=70 * 60, viewed=100 * 60, breaks=1, shift=broken.shift)
    # logged by hand, no timer
    ExposureFactory(officer=officer, role="cse_review", days_ago=3, minutes=60)
    # timed today, not filed into a shift yet
    _session(officer, days_ago=0, longest=65 * 60, viewed=65 * 60)
    # short everywhere
    short = ExposureFactory(officer=officer, role="cse_review", days_ago=4, minutes=40)
    _session(officer, longest=40 * 60, viewed=40 * 60, shift=short.shift)
    assert _both([officer.pk], timezone.now())[officer.pk].long_viewing_without_breaks == 4


def test_a_session_starting_in_the_first_london_day_of_the_window_counts(db):
    officer = OfficerFactory(high_risk_role="cse_review")
    now = timezone.now()
    first_day = shift_times.day_start(shift_times.local_date(now) - timedelta(days=RECENT_DAYS - 1))
    ViewingSession.objects.create(officer=officer, started_at=first_day, segment_started_at=first_day,
                                  state="stopped", viewed_seconds=HOUR, longest_viewing_seconds=HOUR)
    ViewingSession.objects.create(officer=officer, started_at=first_day - timedelta(seconds=1),
                                  segment_started_at=first_day, state="stopped", viewed_seconds=HOUR,
                                  longest_viewing_seconds=HOUR)
    assert _both([officer.pk], now)[officer.pk].long_viewing_without_breaks == 1


def test_the_working_practice_inputs_cost_the_same_queries_for_many_officers(force):
    now = timezone.now()

    def count(people):
        for person in people:
            for days_ago in (1, 2, 3):
                _calls(person, days_ago, 25)
                ExposureFactory(officer=person, role="cse_review", days_ago=days_ago, minutes=120)
            _session(person, longest=2 * HOUR, viewed=2 * HOUR)
        with CaptureQueriesContext(connection) as queries:
            inputs = gather(None, now=now, rules=DEFAULT_RULES, portable=True)
        assert all(len(inputs[p.pk].call_runs) == 3 and inputs[p.pk].long_viewing_without_breaks == 4
                   for p in people)
        return len(queries)

    few = count([OfficerFactory(organisation=force)])
    assert count([OfficerFactory(organisation=force) for _ in range(6)]) == few
