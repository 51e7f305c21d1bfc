"""Hazards H1 and H2 (urgent and clinical results reach OH, at their severity): the nightly sweep
stores, for every officer, exactly what the pure rules give (`engine.evaluate` on the gathered inputs
and the role medians), night after night, and keeps an active flag for each reason at least as severe
as the reason. The sweep's plumbing (what it reads, which results it skips as unchanged, which flags
it reads and raises, in chunks) must change no level, score, reason, number or flag."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure import shift_times
from tests.factories import OfficerFactory, TeamFactory
from wellbeing.models import Flag, RiskAssessment, RoleBaseline
from wellbeing.risk import engine
from wellbeing.risk.inputs import exposure_loads, gather, role_medians, role_medians_of
from wellbeing.risk.rules import DEFAULT_RULES
from wellbeing.risk.service import current_rules, risk_sweep
from wellbeing.risk.tests.test_inputs import _checkin, _random_history
from wellbeing.tests.risk_data import add_exposure

ROLES = ["call_handling", "cse_review", "firearms"]
CUTOFF = DEFAULT_RULES["instrument_cutoffs"]


def _evaluated(now) -> tuple[int, dict[int, engine.Assessment]]:
    """What the pure rules give every active officer now, one officer at a time."""
    version, rules = current_rules()
    baselines = {b.role: (b.median_load, b.officers) for b in RoleBaseline.objects.all()}
    results = {}
    for pk, inputs in gather(None, now=now, rules=rules).items():
        median, count = baselines.get(inputs.role, (None, 0))
        results[pk] = engine.evaluate(inputs, peer_median=median, peer_count=count, rules=rules, now=now)
    return version, results


def _assert_the_sweep_stored_what_evaluate_gives(now) -> int:
    """Returns how many reasons were compared (so that a test can tell it compared something)."""
    version, expected = _evaluated(now)
    stored = {a.officer_id: a for a in RiskAssessment.objects.filter(is_current=True)}
    assert set(stored) == set(expected)
    active = {(f.officer_id, f.reason_code): f.severity for f in Flag.objects.filter(status__in=Flag.ACTIVE)}
    compared = 0
    for pk, result in expected.items():
        a = stored[pk]
        assert (a.level, a.score, a.reasons, a.exposure) == (result.level, result.score, result.as_json(),
                                                             result.exposure), pk
        assert (a.rules_version, a.finding_digest, a.inputs_digest) == (
            version, result.finding(version), result.digest(version)), pk
        for reason in result.reasons:  # nobody closes a flag here, so every reason has an active one
            assert active.get((pk, reason.code), -1) >= reason.severity, (pk, reason.code)
            compared += 1
    return compared


def _boundary_history(people, now) -> None:
    """Edge cases beside the random histories: no exposure and no check-in at all; screens exactly at
    and one under their cut-offs; an urgent answer 13 days old (it lapses between the nights); a
    falling pulse; exposure only long ago."""
    nothing, at_cutoff, under_cutoff, urgent, pulses, long_ago = people[:6]
    del nothing  # no rows at all
    for code in ("phq9", "gad7"):
        _checkin(at_cutoff, code, at=now - timedelta(days=2), total=CUTOFF[code])
        _checkin(under_cutoff, code, at=now - timedelta(days=2), total=CUTOFF[code] - 1)
    _checkin(at_cutoff, "pcl5", at=now - timedelta(days=3), total=CUTOFF["pcl5"])
    _checkin(urgent, "phq9", at=now - timedelta(days=13), answers=[1, 1, 1, 1, 1, 1, 1, 1, 2])
    for day, total in enumerate([20, 20, 19, 20, 18, 19, 8, 7, 6, 8, 7, 6]):
        _checkin(pulses, "pulse", at=now - timedelta(days=12 - day), total=total)
    for day in (200, 220):
        add_exposure(long_ago, days_ago=day, intensity=5, minutes=240)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_clinical_result_not_triaged_the_sweep_stores_what_evaluate_gives_night_after_night(force, settings, seed):
    settings.RISK_SWEEP_CHUNK = 5  # several chunks, so the per-chunk reads are exercised
    rng = random.Random(seed)
    now = timezone.now()
    team = TeamFactory(unit__organisation=force)
    people = [OfficerFactory(organisation=force, team=team, high_risk_role=ROLES[i % len(ROLES)]) for i in range(18)]
    _boundary_history(people, now)
    for person in people[6:]:
        _random_history(rng, person, now)
    compared = 0
    for night in (0, 1, 2, 14, 15):
        at = now + timedelta(days=night)
        if night == 2:  # new check-ins between nights: a more severe result for an already active reason
            _checkin(people[1], "phq9", at=at - timedelta(hours=1), total=23)
            _checkin(people[2], "gad7", at=at - timedelta(hours=1), total=CUTOFF["gad7"])
        risk_sweep(now=at)
        compared += _assert_the_sweep_stored_what_evaluate_gives(at)
    assert compared > 0


def test_clinical_result_not_triaged_a_more_severe_result_raises_the_active_flag_in_the_sweep(force):
    now = timezone.now()
    person = OfficerFactory(organisation=force, team=TeamFactory(unit__organisation=force))
    moderate = _checkin(person, "phq9", at=now - timedelta(days=1), total=12)
    risk_sweep(now=now)
    flag = Flag.objects.get(officer=person, reason_code="screen_over_cutoff")
    assert (flag.severity, flag.checkin_id) == (engine.SEVERITY_CLINICAL, moderate.pk)
    severe = _checkin(person, "phq9", at=now + timedelta(hours=12), total=22)
    risk_sweep(now=now + timedelta(days=1))
    flag.refresh_from_db()
    assert (flag.severity, flag.checkin_id) == (engine.SEVERITY_SEVERE, severe.pk)
    _checkin(person, "phq9", at=now + timedelta(days=1, hours=12), total=12)  # never lowered
    risk_sweep(now=now + timedelta(days=2))
    flag.refresh_from_db()
    assert (flag.severity, flag.checkin_id) == (engine.SEVERITY_SEVERE, severe.pk)
    assert Flag.objects.filter(officer=person).count() == 1


@pytest.mark.parametrize("seed", [21, 22])
def test_sweep_equivalence_gather_takes_exactly_the_loads_of_exposure_loads(force, seed):
    """`gather` reads the load rows without a pandas frame: the very same floats as the frame's."""
    rng = random.Random(seed)
    now = timezone.now()
    people = [OfficerFactory(organisation=force, high_risk_role=rng.choice(ROLES)) for _ in range(10)]
    for person in people[1:]:  # the first has no exposure at all
        _random_history(rng, person, now)
    for day in (1, 2, 90, 97, 98, 99):  # around the recent and usual windows' edges
        add_exposure(people[1], days_ago=day, intensity=3, minutes=61)
    gathered = gather(None, now=now, rules=DEFAULT_RULES)
    frame = exposure_loads(None, today=shift_times.local_date(now), half_life_days=DEFAULT_RULES["dose_half_life_days"])
    assert set(frame.index) <= set(gathered) and len(frame) >= 2
    for pk, inputs in gathered.items():
        want = tuple(frame.loc[pk, ["load_now", "recent_dose", "usual_daily_dose"]]) if pk in frame.index else (0, 0, 0)
        assert (inputs.load_now, inputs.recent_dose, inputs.usual_daily_dose) == want, pk


loads_and_roles = st.dictionaries(
    st.integers(1, 400),
    st.tuples(st.one_of(st.just(0.0), st.floats(0, 500, allow_nan=False), st.sampled_from([1.5, 2.25, 7.0])),
              st.sampled_from([*ROLES, None])),
    max_size=60)


@settings(max_examples=300, deadline=None)
@given(officers=loads_and_roles, without_exposure=st.sets(st.integers(1, 400), max_size=10))
def test_sweep_equivalence_role_medians_of_plain_dicts_are_the_frames_medians(officers, without_exposure):
    """The sweep's role medians (`role_medians_of`, no frames) equal `role_medians` exactly: odd and
    even counts, ties, zeros, officers without a role or without exposure (zero load)."""
    import pandas as pd

    roles = {pk: role for pk, (_, role) in officers.items()}
    loads = {pk: load for pk, (load, _) in officers.items() if pk not in without_exposure}
    frame = pd.DataFrame({"load_now": pd.Series(loads, dtype=float)})
    assert role_medians_of(loads, roles) == role_medians(frame, roles)
