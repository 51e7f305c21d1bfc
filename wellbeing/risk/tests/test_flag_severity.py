"""The severity of a flag (its place in OH's triage queue) as pure functions, tested exhaustively:
every total of every screen, every reason at every level. Hazard H2 (a clinical result queued
behind less severe or older flags)."""

from datetime import UTC, datetime

import pytest

from wellbeing.risk import engine as risk
from wellbeing.risk.engine import (
    SEVERITY_CLINICAL,
    SEVERITY_HIGH,
    SEVERITY_OPERATIONAL,
    SEVERITY_OPERATIONAL_RED,
    SEVERITY_SEVERE,
    SEVERITY_URGENT,
    ScreenResult,
    reason_severity,
    screen_severity,
)
from wellbeing.risk.reasons import CLINICAL, REASONS
from wellbeing.risk.rules import DEFAULT_RULES

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CUTOFFS = DEFAULT_RULES["instrument_cutoffs"]


def expected_phq9(total):
    return 0 if total < 10 else SEVERITY_CLINICAL if total < 15 else SEVERITY_HIGH if total < 20 else SEVERITY_SEVERE


def expected_gad7(total):
    return 0 if total < 10 else SEVERITY_CLINICAL if total < 15 else SEVERITY_SEVERE


@pytest.mark.parametrize("total", range(0, 28))
def test_clinical_result_not_triaged_phq9_severity_follows_its_published_bands(total):
    assert screen_severity(ScreenResult("phq9", NOW, total), CUTOFFS) == expected_phq9(total)


@pytest.mark.parametrize("total", range(0, 22))
def test_clinical_result_not_triaged_gad7_severity_follows_its_published_bands(total):
    assert screen_severity(ScreenResult("gad7", NOW, total), CUTOFFS) == expected_gad7(total)


@pytest.mark.parametrize("dsm5", [False, True])
@pytest.mark.parametrize("total", range(0, 81))
def test_clinical_result_not_triaged_pcl5_severity_counts_the_dsm5_rule_under_the_cut_off(total, dsm5):
    over = total >= 33
    want = SEVERITY_HIGH if over and dsm5 else SEVERITY_CLINICAL if over or dsm5 else 0
    screen = ScreenResult("pcl5", NOW, total, dsm5_provisional=dsm5)
    assert screen.positive(CUTOFFS) is (over or dsm5)
    assert screen_severity(screen, CUTOFFS) == want


@pytest.mark.parametrize("anxiety", range(0, 7))
@pytest.mark.parametrize("depression", range(0, 7))
def test_clinical_result_not_triaged_phq4_severity_by_subscales_and_total(anxiety, depression):
    total = anxiety + depression
    positive = anxiety >= 3 or depression >= 3
    want = 0 if not positive else SEVERITY_SEVERE if total >= 9 else SEVERITY_CLINICAL
    screen = ScreenResult("phq4", NOW, total, {"anxiety": anxiety, "depression": depression})
    assert screen_severity(screen, CUTOFFS) == want


def test_clinical_result_not_triaged_the_dsm5_rule_counts_only_for_pcl5():
    assert screen_severity(ScreenResult("phq9", NOW, 3, dsm5_provisional=True), CUTOFFS) == 0


@pytest.mark.parametrize("code", sorted(REASONS))
@pytest.mark.parametrize("level", [risk.GREEN, risk.AMBER, risk.RED, risk.URGENT])
def test_clinical_result_not_triaged_every_reason_at_every_level_has_a_severity(code, level):
    got = reason_severity(code, level)
    if level == risk.URGENT:
        assert got == SEVERITY_URGENT
    elif REASONS[code].kind == CLINICAL:
        assert got == (SEVERITY_HIGH if level == risk.RED else SEVERITY_CLINICAL)
    else:
        assert got == (SEVERITY_OPERATIONAL_RED if level == risk.RED else SEVERITY_OPERATIONAL)
    assert got in risk.SEVERITIES


def test_clinical_result_not_triaged_every_clinical_reason_outranks_every_operational_one():
    clinical = [reason_severity(c, lv) for c, r in REASONS.items() if r.kind == CLINICAL
                for lv in (risk.AMBER, risk.RED)]
    operational = [reason_severity(c, lv) for c, r in REASONS.items() if r.kind != CLINICAL
                   for lv in (risk.AMBER, risk.RED)]
    assert min(clinical) > max(operational)


@pytest.mark.parametrize(("severities", "level", "want"), [
    ([SEVERITY_CLINICAL], risk.AMBER, SEVERITY_CLINICAL),
    ([SEVERITY_SEVERE], risk.AMBER, SEVERITY_SEVERE),  # PHQ-9 of 20 ranks above a moderate screen
    ([SEVERITY_HIGH], risk.AMBER, SEVERITY_HIGH),
    ([SEVERITY_CLINICAL, SEVERITY_CLINICAL], risk.RED, SEVERITY_HIGH),  # two positive screens
    ([SEVERITY_SEVERE, SEVERITY_CLINICAL], risk.RED, SEVERITY_SEVERE),
    ([], risk.AMBER, SEVERITY_CLINICAL),
    ([0, SEVERITY_CLINICAL], risk.AMBER, SEVERITY_CLINICAL),
])
def test_clinical_result_not_triaged_a_screen_reason_takes_its_worst_result(severities, level, want):
    assert reason_severity("screen_over_cutoff", level, severities) == want


def test_clinical_result_not_triaged_the_engine_gives_each_reason_its_severity_and_check_in():
    inputs = risk.OfficerInputs(officer_id=1, role="call_handling", last_checkin_at=NOW, screens=[
        ScreenResult("phq9", NOW.replace(hour=8), 21, checkin_id=11),
        ScreenResult("pcl5", NOW.replace(hour=7), 20, dsm5_provisional=True, checkin_id=12),
        ScreenResult("gad7", NOW.replace(hour=6), 3, checkin_id=13)],
        urgent_at=NOW, urgent_checkin_id=14)
    result = risk.evaluate(inputs, peer_median=None, peer_count=0, rules=DEFAULT_RULES, now=NOW)
    by_code = {r.code: r for r in result.reasons}
    screen = by_code["screen_over_cutoff"]
    assert screen.numbers == {"instruments": ["pcl5", "phq9"], "pcl5_dsm5_provisional": True}
    assert (screen.level, screen.severity, screen.checkin_id) == (risk.RED, SEVERITY_SEVERE, 11)
    assert (by_code["phq9_item9"].severity, by_code["phq9_item9"].checkin_id) == (SEVERITY_URGENT, 14)
    assert all(r.severity for r in result.reasons)
    assert result.as_json()[0]["severity"] == SEVERITY_URGENT
