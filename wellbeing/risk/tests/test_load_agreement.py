"""Issue 16: the exposure load has one definition. For random exposure histories and thresholds,
what the officer reads on their exposure page, what their supervisor sees and what the risk engine
raised always agree, because the pages word the numbers the engine stored (`exposure.load`)."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from exposure import load
from tests.factories import OfficerFactory, TeamFactory, UserFactory
from wellbeing.models import RiskAssessment, RuleSet
from wellbeing.risk.inputs import exposure_loads
from wellbeing.risk.rules import DEFAULT_RULES
from wellbeing.risk.service import risk_recompute
from wellbeing.team import selectors as team_selectors
from wellbeing.team.person_views import _person_load_summary
from wellbeing.team.views import _table_rows
from wellbeing.tests.team_helpers import exposure

SENTENCE = re.compile(r'<p id="load-summary" class="lead">(.*?)</p>', re.DOTALL)
ABOVE_USUAL = "Exposure load above their usual"

# Doses the app can store: a tenth of a unit is two minutes at intensity 3 (team_helpers.exposure).
histories = st.lists(st.tuples(st.integers(0, 120), st.integers(1, 300).map(lambda tenths: tenths / 10)), max_size=25)


class TestOneDefinitionOfTheLoad(HypothesisTestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(history=histories, threshold=st.sampled_from([1.25, 1.5, 2.0]), half_life=st.sampled_from([7.0, 14.0]))
    # Always tried as well: a heavy recent week over a light usual (higher), one large dose just
    # before the recent window and nothing since (easing), and a steady load (usual).
    @example(history=[(d, 1.0) for d in range(20, 90, 3)] + [(d, 20.0) for d in range(7)], threshold=1.5,
             half_life=14.0)
    @example(history=[(15, 30.0)], threshold=1.5, half_life=14.0)
    @example(history=[(d, 3.0) for d in range(0, 100, 2)], threshold=1.5, half_life=14.0)
    def test_misleading_result_wording_load_sentence_agrees_with_engine_and_supervisor(self, history, threshold,
                                                                                      half_life):
        RuleSet.objects.create(version=1, rules={**DEFAULT_RULES, "own_ratio_amber": threshold,
                                                 "dose_half_life_days": half_life})
        supervisor = UserFactory(is_supervisor=True)
        team = TeamFactory(unit__organisation=supervisor.organisation)
        team.supervisors.add(supervisor)
        officer = OfficerFactory(organisation=supervisor.organisation, team=team, high_risk_role="call_handling")
        for days_ago, dose in history:
            exposure(officer, days_ago=days_ago, dose=dose)
        risk_recompute(officer_ids=[officer.pk])
        assessment = RiskAssessment.objects.get(officer=officer, is_current=True)

        # The engine: its reason, and the band and ratio it stored.
        raised = any(r["code"] == "exposure_load_rising" for r in assessment.reasons)
        band = assessment.exposure["band"]
        assert raised == (band == load.HIGHER)

        # The officer's page.
        client = Client()
        client.force_login(officer)
        page = client.get("/exposure/").content.decode()
        sentence = SENTENCE.search(page).group(1).strip()
        assert sentence == load.officer_sentence(band)
        assert ("higher than your usual" in sentence) == raised
        if "about your usual" in sentence or "lower than your usual" in sentence:
            assert not raised

        # The supervisor's dashboard row, table cell and person page.
        [row] = team_selectors.team_rows(team_selectors.members(supervisor, team))
        assert (ABOVE_USUAL in row.categories) == raised
        assert row.ratio_usual == assessment.exposure["own_ratio"]
        if row.ratio_usual is not None:
            # A ratio shown at or over the threshold is exactly a load the officer is told is above
            # their usual ("higher", or "still above ... coming down" with nothing logged lately).
            assert (row.ratio_usual >= threshold) == (band in (load.HIGHER, load.EASING))
            assert f"{row.ratio_usual}× their usual" in _table_rows([row])[0]
            assert f"{row.ratio_usual} times their own usual" in _person_load_summary(row)
        else:
            assert band == load.NO_HISTORY and "No usual yet" in _table_rows([row])[0]

        # And the stored numbers are the pure module's over the one load query.
        today = timezone.localdate()
        loads = exposure_loads([officer.pk], today=today, half_life_days=half_life)
        if officer.pk in loads.index:
            current, recent, usual_daily = loads.loc[officer.pk]
            own = load.ratio(current, load.usual_load(usual_daily, half_life))
            assert load.shown_ratio(own, threshold) == row.ratio_usual
            assert load.usual_band(own, recent_dose=recent, threshold=threshold) == band
            # Exposure older than the lookback is left out of the query (it weighs under 0.4%).
            kept = [(today - timedelta(days=d), dose) for d, dose in history if d < load.lookback_days(half_life)]
            expected = load.decayed_load(kept, as_of=today, half_life_days=half_life)
            assert abs(current - expected) < 1e-6 * max(1.0, expected)
        else:
            assert band == load.NO_HISTORY


def test_the_three_examples_reach_the_bands_they_are_there_for(officer):
    for history, band in (([(d, 1.0) for d in range(20, 90, 3)] + [(d, 20.0) for d in range(7)], load.HIGHER),
                          ([(15, 30.0)], load.EASING), ([(d, 3.0) for d in range(0, 100, 2)], load.USUAL)):
        from exposure.models import Exposure

        Exposure.objects.filter(officer=officer).delete()
        for days_ago, dose in history:
            exposure(officer, days_ago=days_ago, dose=dose)
        risk_recompute(officer_ids=[officer.pk])
        assert RiskAssessment.objects.get(officer=officer, is_current=True).exposure["band"] == band
