"""What is due and why (the pure function), and the schedule rows resolved per organisation and role."""

from datetime import UTC, date, datetime, timedelta

from wellbeing.instruments.schedule import (
    DUE,
    OVERDUE,
    UPCOMING,
    Incident,
    Rule,
    Shift,
    due_items,
    resolve_rules,
)

NOW = datetime(2026, 4, 20, 12, 0, tzinfo=UTC)
JOINED = datetime(2025, 1, 1, tzinfo=UTC)
PHQ9_EVERY_4_WEEKS = Rule("phq9", "every", every_days=28, grace_days=7)
PCL5_72H = Rule("pcl5", "trim_assessment", grace_days=2)
PCL5_28D = Rule("pcl5", "trim_followup", grace_days=7)


def case(key=7, at=datetime(2026, 3, 12, 9, 0, tzinfo=UTC), on=None, hours=72, days=28):
    """A TRiM case for an incident at `at`, due as the organisation's timings say."""
    return Incident(key=key, at=at, on=on or at.date(), assessment_due_at=at + timedelta(hours=hours),
                    followup_due_at=at + timedelta(days=days))


PULSE_AFTER_SHIFT = Rule("pulse", "after_shift", grace_days=2)


def run(rules, completions=None, incidents=(), shifts=(), now=NOW):
    return due_items(rules=rules, completions=completions or {}, incidents=list(incidents), shifts=list(shifts),
                     joined_at=JOINED, now=now)


def test_a_first_check_in_is_due_from_joining_and_overdue_after_the_grace_days():
    [item] = run([PHQ9_EVERY_4_WEEKS])
    assert item.status == OVERDUE and item.due_at == JOINED
    assert item.reason == "Every 4 weeks; this will be your first"


def test_every_4_weeks_counts_from_the_last_completion():
    last = NOW - timedelta(days=20)
    [item] = run([PHQ9_EVERY_4_WEEKS], {"phq9": [last - timedelta(days=28), last]})
    assert item.status == UPCOMING and item.due_at == last + timedelta(days=28)
    [item] = run([PHQ9_EVERY_4_WEEKS], {"phq9": [NOW - timedelta(days=28)]})
    assert item.status == DUE
    assert item.reason == "Every 4 weeks; you last completed it on 23 March"
    [item] = run([PHQ9_EVERY_4_WEEKS], {"phq9": [NOW - timedelta(days=35)]})
    assert item.status == OVERDUE
    [item] = run([PHQ9_EVERY_4_WEEKS], {"phq9": [NOW - timedelta(days=35) + timedelta(seconds=1)]})
    assert item.status == DUE


def test_the_reminder_key_stays_the_same_while_the_item_is_not_done():
    first = run([PHQ9_EVERY_4_WEEKS], {"phq9": [NOW - timedelta(days=40)]})[0]
    later = run([PHQ9_EVERY_4_WEEKS], {"phq9": [NOW - timedelta(days=40)]}, now=NOW + timedelta(days=3))[0]
    assert first.key == later.key


def test_trim_follow_ups_are_due_72_hours_and_28_days_after_a_critical_incident():
    incident = case()
    at = incident.at
    # 24 hours after: both follow-ups are still to come
    assert [i.status for i in run([PCL5_72H, PCL5_28D], incidents=[incident], now=at + timedelta(hours=24))] == [
        UPCOMING, UPCOMING]
    # 48 hours after: the 72-hour follow-up is open (a third of the delay early)
    items = run([PCL5_72H], incidents=[incident], now=at + timedelta(hours=48))
    assert [(i.status, i.reason) for i in items] == [(DUE, "72 hours after the incident on 12 March")]
    # overdue 2 days after it was due
    assert run([PCL5_72H], incidents=[incident], now=at + timedelta(hours=72 + 48))[0].status == OVERDUE
    # 28 days: the reason says days
    [item] = run([PCL5_28D], incidents=[incident], now=at + timedelta(days=28))
    assert item.reason == "28 days after the incident on 12 March" and item.status == DUE
    assert item.key == "trim_followup:7:pcl5"


def test_a_follow_up_is_done_by_a_check_in_once_it_opens_but_not_before():
    incident = case(at=NOW - timedelta(hours=80), on=date(2026, 4, 17))
    too_early = incident.at + timedelta(hours=10)
    assert run([PCL5_72H], {"pcl5": [too_early]}, incidents=[incident])[0].status == DUE
    in_window = incident.at + timedelta(hours=50)
    assert run([PCL5_72H], {"pcl5": [in_window]}, incidents=[incident]) == []


def test_a_follow_up_stops_being_shown_three_weeks_after_it_was_due():
    incident = case(at=NOW - timedelta(hours=72) - timedelta(days=21), on=date(2026, 3, 27))
    assert run([PCL5_72H], incidents=[incident]) == []
    incident = case(at=NOW - timedelta(hours=72) - timedelta(days=20), on=date(2026, 3, 28))
    assert run([PCL5_72H], incidents=[incident])[0].status == OVERDUE


def test_the_pulse_is_offered_for_48_hours_after_a_shift_and_done_by_a_pulse_after_it_ended():
    shift = Shift(key=3, ends_at=NOW - timedelta(hours=2), shift_date=date(2026, 4, 20))
    [item] = run([PULSE_AFTER_SHIFT], shifts=[shift])
    assert (item.status, item.reason, item.overdue_at) == (DUE, "After your shift on 20 April", None)
    assert run([PULSE_AFTER_SHIFT], {"pulse": [NOW - timedelta(hours=1)]}, shifts=[shift]) == []
    assert len(run([PULSE_AFTER_SHIFT], {"pulse": [NOW - timedelta(hours=3)]}, shifts=[shift])) == 1
    assert run([PULSE_AFTER_SHIFT], shifts=[shift], now=shift.ends_at + timedelta(hours=48)) == []


def test_overdue_items_come_first():
    shift = Shift(key=3, ends_at=NOW - timedelta(hours=2), shift_date=date(2026, 4, 20))
    items = run([PULSE_AFTER_SHIFT, PHQ9_EVERY_4_WEEKS], shifts=[shift])
    assert [i.instrument for i in items] == ["phq9", "pulse"]


def row(instrument="phq9", trigger="every", every_days=28, org=None, role="", active=True):
    return {"organisation_id": org, "role": role, "instrument": instrument, "trigger": trigger,
            "every_days": every_days, "grace_days": 7, "active": active}


def test_the_most_specific_schedule_row_wins_and_can_switch_a_default_off():
    rows = [row(), row(every_days=14, role="cse_review"), row(every_days=21, org=1),
            row(instrument="gad7"), row(instrument="gad7", org=1, active=False),
            row(every_days=7, org=2)]
    cse_in_org1 = resolve_rules(rows, organisation_id=1, role="cse_review")
    assert [(r.instrument, r.every_days) for r in cse_in_org1] == [("phq9", 21)]  # org beats role; gad7 off
    assert [(r.instrument, r.every_days) for r in resolve_rules(rows, organisation_id=3, role="cse_review")] == [
        ("gad7", 28), ("phq9", 14)]
    assert [(r.instrument, r.every_days) for r in resolve_rules(rows, organisation_id=3, role="firearms")] == [
        ("gad7", 28), ("phq9", 28)]


def test_the_initial_and_the_follow_up_check_ins_are_separate_rules_a_force_can_switch_off():
    rows = [row("pcl5", "trim_assessment", None), row("pcl5", "trim_followup", None),
            row("pcl5", "trim_followup", None, org=1, active=False)]
    assert [r.trigger for r in resolve_rules(rows, organisation_id=None, role="")] == [
        "trim_assessment", "trim_followup"]
    assert [r.trigger for r in resolve_rules(rows, organisation_id=1, role="")] == ["trim_assessment"]
