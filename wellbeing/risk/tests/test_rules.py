"""The pure risk rules: a hand-made case for every reason code, and properties over random input."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing.risk.engine import (
    AMBER,
    GREEN,
    RANK,
    RED,
    URGENT,
    OfficerInputs,
    ScreenResult,
    evaluate,
    load_finding,
    steady_state_load,
)
from wellbeing.risk.reasons import REASONS, SELF_REFERRAL_URGENT
from wellbeing.risk.rules import DEFAULT_RULES, validate_rules

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
RULES = DEFAULT_RULES


def calm(**changes) -> OfficerInputs:
    """An officer with ordinary exposure and up-to-date check-ins: no reason fires."""
    base = OfficerInputs(officer_id=1, role="call_handling", load_now=10.0, usual_daily_dose=0.5,
                         recent_dose=7.0, last_checkin_at=NOW - timedelta(days=2))
    return replace(base, **changes)


def run(inputs, peer_median=10.0, peer_count=5, rules=RULES, now=NOW):
    return evaluate(inputs, peer_median=peer_median, peer_count=peer_count, rules=rules, now=now)


def codes(result):
    return [r.code for r in result.reasons]


def test_a_calm_officer_is_green_with_no_reasons():
    # usual load for 0.5 a day with a 14-day half-life is 0.5 / (1 - 0.5**(1/14)) = 10.35
    result = run(calm())
    assert result.level == GREEN and result.reasons == ()


def test_steady_state_load_matches_the_geometric_series():
    assert steady_state_load(1.0, 14.0) == pytest.approx(1 / (1 - 0.5 ** (1 / 14)))
    assert steady_state_load(1.0, 14.0) == pytest.approx(20.70, abs=0.01)
    assert steady_state_load(0.0, 14.0) == 0.0


@pytest.mark.parametrize("load,level", [(14.9, None), (15.0, AMBER), (24.9, AMBER), (25.0, RED)])
def test_load_against_peers_turns_amber_at_1_5_and_red_at_2_5_times_the_role_median(load, level):
    # usual_daily_dose is set high so the own-usual rule stays quiet
    result = run(calm(load_now=load, usual_daily_dose=5.0))
    if level is None:
        assert "exposure_load_high" not in codes(result)
    else:
        reason = next(r for r in result.reasons if r.code == "exposure_load_high")
        assert reason.level == level and reason.kind == "operational"
        assert reason.numbers["ratio"] == round(load / 10.0, 1)


def test_peers_are_ignored_when_there_are_too_few():
    result = run(calm(load_now=100.0, usual_daily_dose=10.0), peer_count=2)
    assert "exposure_load_high" not in codes(result)


def test_load_well_above_their_own_usual_is_amber():
    usual = steady_state_load(0.5, 14.0)
    result = run(calm(load_now=usual * 1.5 + 0.01), peer_median=None)
    assert codes(result) == ["exposure_load_rising"] and result.level == AMBER
    assert run(calm(load_now=usual * 1.49), peer_median=None).reasons == ()


def case_followups(incident: date, *, at: datetime | None = None, hours: int = 72, days: int = 28):
    """The two follow-ups of a TRiM case (as `risk.inputs` reads them from the case's due dates) for an
    incident on `incident`, at London midnight unless `at` is given."""
    at = at or datetime.combine(incident, datetime.min.time(), tzinfo=UTC)
    return [(incident, at + timedelta(hours=hours)), (incident, at + timedelta(days=days))]


def test_a_critical_incident_follow_up_is_due_after_72_hours_until_a_check_in():
    incident = (NOW - timedelta(days=4)).date()
    result = run(calm(followups=case_followups(incident), last_checkin_at=NOW - timedelta(days=5)))
    reason = next(r for r in result.reasons if r.code == "critical_incident_followup")
    due = (incident + timedelta(days=3)).isoformat()
    assert reason.numbers["due"] == [{"incident": incident.isoformat(), "due": due}]
    done = run(calm(followups=case_followups(incident), last_checkin_at=NOW - timedelta(hours=2)))
    assert "critical_incident_followup" not in codes(done)
    # a check-in up to 12 hours before the follow-up was due counts as the follow-up
    due_at = datetime.combine(incident, datetime.min.time(), tzinfo=UTC) + timedelta(hours=72)
    early = run(calm(followups=case_followups(incident), last_checkin_at=due_at - timedelta(hours=12)))
    too_early = run(calm(followups=case_followups(incident),
                         last_checkin_at=due_at - timedelta(hours=12, seconds=1)))
    assert "critical_incident_followup" not in codes(early)
    assert "critical_incident_followup" in codes(too_early)


def test_the_28_day_follow_up_comes_due_and_expires_after_the_grace_period():
    incident = (NOW - timedelta(days=29)).date()
    checked_after_72h = datetime.combine(incident, datetime.min.time(), tzinfo=UTC) + timedelta(hours=80)
    due = run(calm(followups=case_followups(incident), last_checkin_at=checked_after_72h))
    assert "critical_incident_followup" in codes(due)
    stale = run(calm(followups=case_followups((NOW - timedelta(days=60)).date()), last_checkin_at=None))
    assert "critical_incident_followup" not in codes(stale)


def test_trim_deadline_missed_the_follow_ups_are_due_when_the_case_says_with_the_organisations_timings():
    """48 hours and 30 days (the organisation's own timings, held on the case): due then, not at
    72 hours or 28 days, which no rule defines any more."""
    at = NOW - timedelta(hours=49)
    followups = case_followups(at.date(), at=at, hours=48, days=30)
    result = run(calm(followups=followups, last_checkin_at=None))
    reason = next(r for r in result.reasons if r.code == "critical_incident_followup")
    assert reason.numbers["due"] == [{"incident": at.date().isoformat(), "due": "2026-11-26"}]
    assert "critical_incident_followup" not in codes(run(calm(followups=followups, last_checkin_at=None),
                                                         now=at + timedelta(hours=47)))
    month = run(calm(followups=followups, last_checkin_at=at + timedelta(days=3)), now=at + timedelta(days=30))
    assert "critical_incident_followup" in codes(month)
    assert "critical_incident_followup" not in codes(run(
        calm(followups=followups, last_checkin_at=at + timedelta(days=3)), now=at + timedelta(days=29, hours=23)))


def test_duplicate_reminder_two_cases_with_the_same_dates_give_one_follow_up_entry():
    incident = (NOW - timedelta(days=4)).date()
    result = run(calm(followups=case_followups(incident) * 2, last_checkin_at=None))
    reason = next(r for r in result.reasons if r.code == "critical_incident_followup")
    assert len(reason.numbers["due"]) == 1


def test_the_follow_up_hours_are_no_longer_a_rule():
    assert "critical_incident_followup_hours" not in DEFAULT_RULES
    problems = validate_rules(dict(DEFAULT_RULES, critical_incident_followup_hours=[72, 672]))
    assert problems == ["critical_incident_followup_hours is no longer a rule: follow-ups are due when each "
                        "TRiM case says (the organisation's TRiM timings)."]
    from wellbeing.risk.rules import with_defaults

    assert with_defaults({"critical_incident_followup_hours": [72, 672], "min_peers": 4}) == dict(
        DEFAULT_RULES, min_peers=4)


def test_long_viewing_without_breaks_is_an_operational_amber():
    result = run(calm(long_viewing_without_breaks=2))
    reason = next(r for r in result.reasons if r.code == "viewing_without_breaks")
    assert reason.level == AMBER and reason.numbers["entries"] == 2


@pytest.mark.parametrize("days_since,fires", [(14, False), (15, True), (None, True)])
def test_check_ins_overdue_while_exposure_continues(days_since, fires):
    last = None if days_since is None else NOW - timedelta(days=days_since)
    result = run(calm(last_checkin_at=last))
    assert ("checkins_overdue" in codes(result)) is fires


def test_check_ins_overdue_without_recent_exposure_is_not_a_reason():
    assert run(calm(last_checkin_at=None, recent_dose=0.0, load_now=3.0)).reasons == ()


@pytest.mark.parametrize(
    "screen,fires",
    [
        (ScreenResult("phq9", NOW, 9), False),
        (ScreenResult("phq9", NOW, 10), True),
        (ScreenResult("gad7", NOW, 9), False),
        (ScreenResult("gad7", NOW, 10), True),
        (ScreenResult("pcl5", NOW, 32), False),
        (ScreenResult("pcl5", NOW, 33), True),
        (ScreenResult("phq4", NOW, 4, {"anxiety": 2, "depression": 2}), False),
        (ScreenResult("phq4", NOW, 3, {"anxiety": 3, "depression": 0}), True),
        (ScreenResult("phq4", NOW, 3, {"anxiety": 0, "depression": 3}), True),
        (ScreenResult("phq9", NOW - timedelta(days=91), 20), False),
    ],
)
def test_screens_at_or_over_their_cut_offs_are_clinical(screen, fires):
    result = run(calm(screens=[screen]))
    assert ("screen_over_cutoff" in codes(result)) is fires
    if fires:
        assert result.reasons[0].kind == "clinical" and result.level == AMBER


def test_two_positive_screens_at_once_are_red():
    result = run(calm(screens=[ScreenResult("phq9", NOW, 12), ScreenResult("gad7", NOW, 11)]))
    assert result.level == RED
    assert result.reasons[0].numbers == {"instruments": ["gad7", "phq9"]}


def test_a_falling_pulse_is_clinical_amber():
    result = run(calm(pulses=[16, 15, 16, 15, 12, 12, 12, 12]))  # 15.5 -> 12.0: a drop of 3.5
    reason = next(r for r in result.reasons if r.code == "pulse_falling")
    assert reason.kind == "clinical" and reason.numbers["previous_mean"] == 15.5
    assert "pulse_falling" not in codes(run(calm(pulses=[16, 15, 16, 15, 14, 13, 13, 13])))  # drop 2.25
    assert "pulse_falling" not in codes(run(calm(pulses=[16, 12, 12, 12])))  # too few to judge


@pytest.mark.parametrize("code", ["phq9_item9", "safety_question"])
def test_an_urgent_answer_makes_the_level_urgent(code):
    result = run(calm(urgent_at=NOW - timedelta(days=1), urgent_code=code))
    assert result.level == URGENT and result.reasons[0].code == code and result.reasons[0].kind == "clinical"
    assert run(calm(urgent_at=NOW - timedelta(days=15))).level == GREEN


def test_every_reason_code_the_engine_can_give_is_known_and_routed():
    produced = set()
    everything = calm(load_now=40.0, usual_daily_dose=0.2, followups=case_followups((NOW - timedelta(days=4)).date()),
                      long_viewing_without_breaks=1, call_runs=[20, 25, 30], last_checkin_at=None,
                      screens=[ScreenResult("phq9", NOW, 15)], pulses=[18] * 4 + [10] * 4,
                      urgent_at=NOW)
    produced |= set(codes(run(everything)))
    produced |= set(codes(run(calm(urgent_at=NOW, urgent_code="safety_question"))))
    # an urgent "Talk to someone" request is raised by the request itself (wellbeing/talk), never by the engine
    assert produced == set(REASONS) - {SELF_REFERRAL_URGENT}
    assert SELF_REFERRAL_URGENT in REASONS and SELF_REFERRAL_URGENT not in produced


def test_reasons_are_ordered_most_serious_first_and_the_score_sorts_people_by_need():
    worse = run(calm(load_now=30.0, screens=[ScreenResult("phq9", NOW, 15)]))
    better = run(calm(load_now=16.0, usual_daily_dose=5.0))
    assert [RANK[r.level] for r in worse.reasons] == sorted((RANK[r.level] for r in worse.reasons), reverse=True)
    assert worse.score > better.score > run(calm()).score


def test_the_digest_changes_with_the_result_and_the_rules_version():
    a, b = run(calm()), run(calm(load_now=30.0))
    assert a.digest(1) == run(calm()).digest(1)
    assert a.digest(1) != b.digest(1) and a.digest(1) != a.digest(2)


def test_the_finding_ignores_the_numbers_but_not_the_levels_reasons_or_rules():
    amber, amber_later, red = run(calm(load_now=16.0)), run(calm(load_now=17.0)), run(calm(load_now=26.0))
    assert amber.level == amber_later.level == AMBER and red.level == RED
    assert amber.finding(1) == amber_later.finding(1) and amber.digest(1) != amber_later.digest(1)
    assert amber.finding(1) != red.finding(1) and amber.finding(1) != amber.finding(2)
    overdue = run(calm(load_now=16.0, last_checkin_at=None))
    assert overdue.level == AMBER and overdue.finding(1) != amber.finding(1)


inputs_strategy = st.builds(
    OfficerInputs,
    officer_id=st.just(1),
    role=st.just("firearms"),
    load_now=st.floats(0, 200),
    usual_daily_dose=st.floats(0, 10),
    recent_dose=st.floats(0, 100),
    followups=st.lists(st.tuples(st.dates(date(2026, 9, 1), date(2026, 11, 26)),
                                 st.datetimes(datetime(2026, 9, 1), datetime(2026, 12, 26), timezones=st.just(UTC))),
                       max_size=4),
    long_viewing_without_breaks=st.integers(0, 3),
    call_runs=st.lists(st.integers(0, 60), max_size=6),
    last_checkin_at=st.none() | st.datetimes(datetime(2026, 8, 1), datetime(2026, 11, 26), timezones=st.just(UTC)),
    screens=st.lists(st.builds(ScreenResult, instrument=st.sampled_from(["phq9", "gad7", "pcl5"]),
                               completed_at=st.just(NOW - timedelta(days=3)), total=st.integers(0, 27)),
                     max_size=3),
    pulses=st.lists(st.integers(0, 20), max_size=10),
)


@settings(max_examples=200, deadline=None)
@given(inputs=inputs_strategy, extra=st.floats(0, 100), peer=st.floats(1, 50))
def test_more_exposure_never_lowers_the_level_or_the_score(inputs, extra, peer):
    before = run(inputs, peer_median=peer)
    after = run(replace(inputs, load_now=inputs.load_now + extra, recent_dose=inputs.recent_dose + extra),
                peer_median=peer)
    assert RANK[after.level] >= RANK[before.level]
    assert after.score >= before.score - 1e-9


@settings(max_examples=200, deadline=None)
@given(inputs=inputs_strategy, seed=st.randoms(use_true_random=False))
def test_the_order_of_the_inputs_does_not_matter(inputs, seed):
    def mix(items):
        return seed.sample(items, len(items))

    shuffled = replace(inputs, followups=mix(inputs.followups), call_runs=mix(inputs.call_runs),
                       screens=mix(inputs.screens))
    assert run(shuffled) == run(inputs)


def test_the_default_rules_are_valid_and_broken_ones_are_explained():
    assert validate_rules(dict(DEFAULT_RULES)) == []
    broken = dict(DEFAULT_RULES, peer_ratio_red=1.0, dose_half_life_days=-3, extra=1)
    del broken["min_peers"]
    problems = " ".join(validate_rules(broken))
    assert "Missing: min_peers" in problems and "Not a rule: extra" in problems
    assert "dose_half_life_days must be a number above 0" in problems
    assert "must be a JSON object" in validate_rules([])[0]
    assert validate_rules(dict(DEFAULT_RULES, instrument_cutoffs={"phq9": 10}))
    assert "peer_ratio_red must be above" in " ".join(validate_rules(dict(DEFAULT_RULES, peer_ratio_red=1.2)))


@pytest.mark.parametrize("at,now,due", [
    # An incident at 20:00 GMT on Saturday 28 March 2026 (clocks forward on the Sunday): the case's
    # assessment is due 72 real hours later, 20:00 UTC on the 31st (21:00 BST), on the 31st in London.
    (datetime(2026, 3, 28, 20, tzinfo=UTC), datetime(2026, 3, 31, 21, tzinfo=UTC), "2026-03-31"),
    # 23:30 BST on Saturday 24 October 2026 (22:30 UTC; clocks back on the Sunday): due 22:30 UTC on
    # the 27th, 22:30 GMT, the 27th in London.
    (datetime(2026, 10, 24, 22, 30, tzinfo=UTC), datetime(2026, 10, 27, 23, tzinfo=UTC), "2026-10-27"),
    # In summer, 23:30 BST on 4 July (22:30 UTC): due 22:30 UTC on the 7th, 23:30 BST, the 7th in London;
    # 00:30 BST on the 5th (23:30 UTC on the 4th) is due 23:30 UTC on the 7th, the 8th in London.
    (datetime(2026, 7, 4, 22, 30, tzinfo=UTC), datetime(2026, 7, 7, 23, tzinfo=UTC), "2026-07-07"),
    (datetime(2026, 7, 4, 23, 30, tzinfo=UTC), datetime(2026, 7, 7, 23, 45, tzinfo=UTC), "2026-07-08"),
])
def test_follow_ups_are_due_real_hours_after_the_incident_and_shown_on_the_london_date(at, now, due):
    incident = at.astimezone(ZoneInfo("Europe/London")).date()
    result = run(calm(followups=case_followups(incident, at=at), last_checkin_at=None), now=now)
    reason = next(r for r in result.reasons if r.code == "critical_incident_followup")
    assert reason.numbers["due"] == [{"incident": incident.isoformat(), "due": due}]


@settings(max_examples=300, deadline=None)
@given(inputs=inputs_strategy, peer=st.none() | st.floats(1, 50), peers=st.integers(0, 8))
def test_clinical_result_not_triaged_the_level_score_order_and_severities_follow_from_the_reasons(inputs, peer, peers):
    """What evaluate builds from its reasons (written as one loop for the nightly sweep's sake): the
    level is the most serious reason's (green without any), the score ten per rank of every reason
    plus the larger load ratio, every reason carries its severity, most serious first, then by code;
    and each reason's stored kind is its code's."""
    result = run(inputs, peer_median=peer, peer_count=peers)
    load = load_finding(inputs, peer_median=peer, peer_count=peers, rules=RULES)
    ranks = [RANK[r.level] for r in result.reasons]
    assert result.level == (max(result.reasons, key=lambda r: RANK[r.level]).level if result.reasons else GREEN)
    assert result.score == round(sum(ranks) * 10 + max(load.peer_ratio or 0, load.own_ratio or 0), 1)
    assert all(r.severity for r in result.reasons)
    assert list(result.reasons) == sorted(result.reasons, key=lambda r: (-RANK[r.level], r.code))
    assert [(j["code"], j["kind"], j["severity"]) for j in result.as_json()] == [
        (r.code, REASONS[r.code].kind, r.severity) for r in result.reasons]
