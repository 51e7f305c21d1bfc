"""Scoring of every instrument by its published rules, at every band boundary (DOMAIN.md section 1),
and the stored items against the published item count and response scale."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellbeing.instruments import INSTRUMENTS, InvalidAnswers, score
from wellbeing.instruments.pcl5 import CLUSTERS


def answers_for(code, total):
    """Answers reaching `total`, filling items in order (so PHQ-9 item 9 stays 0 up to 24)."""
    definition = INSTRUMENTS[code]
    answers = []
    left = total
    for _item in definition.items:
        value = min(left, definition.max_value)
        answers.append(value)
        left -= value
    assert left == 0, "total out of range"
    return answers


# (total, band, positive) at every boundary
PHQ9 = [(0, "minimal", False), (4, "minimal", False), (5, "mild", False), (9, "mild", False),
        (10, "moderate", True), (14, "moderate", True), (15, "moderately_severe", True),
        (19, "moderately_severe", True), (20, "severe", True), (24, "severe", True)]
GAD7 = [(0, "minimal", False), (4, "minimal", False), (5, "mild", False), (9, "mild", False),
        (10, "moderate", True), (14, "moderate", True), (15, "severe", True), (21, "severe", True)]
PCL5 = [(0, "below_cutoff", False), (32, "below_cutoff", False), (33, "at_or_above_cutoff", True),
        (80, "at_or_above_cutoff", True)]
PHQ4_BANDS = [(0, "none"), (2, "none"), (3, "mild"), (5, "mild"), (6, "moderate"), (8, "moderate"),
              (9, "severe"), (12, "severe")]


@pytest.mark.parametrize("total,band,positive", PHQ9)
def test_phq9_bands_and_cutoff_at_each_boundary(total, band, positive):
    result = score("phq9", answers_for("phq9", total))
    assert (result.total, result.band, result.positive, result.urgent) == (total, band, positive, False)
    assert result.result == {"item9": 0}


def test_phq9_at_its_maximum_is_severe_and_urgent():
    result = score("phq9", [3] * 9)
    assert (result.total, result.band, result.positive, result.urgent_reasons) == (27, "severe", True, ("phq9_item9",))


@pytest.mark.parametrize("item9,urgent", [(0, False), (1, True), (2, True), (3, True)])
def test_any_answer_above_0_on_phq9_item_9_is_urgent_whatever_the_total(item9, urgent):
    result = score("phq9", [0] * 8 + [item9])
    assert result.urgent is urgent
    assert result.band == "minimal"  # a total of 1-3 is still minimal: urgency does not depend on it
    assert result.urgent_reasons == (("phq9_item9",) if urgent else ())


@pytest.mark.parametrize("total,band,positive", GAD7)
def test_gad7_bands_and_cutoff_at_each_boundary(total, band, positive):
    result = score("gad7", answers_for("gad7", total))
    assert (result.total, result.band, result.positive, result.urgent) == (total, band, positive, False)


@pytest.mark.parametrize("total,band,positive", PCL5)
def test_pcl5_cutoff_of_33_at_each_boundary(total, band, positive):
    result = score("pcl5", answers_for("pcl5", total))
    assert (result.total, result.band, result.positive) == (total, band, positive)


def test_pcl5_cluster_scores_are_the_sums_of_their_items():
    answers = [1, 2, 3, 4, 0,  # B: items 1-5 -> 10
               4, 3,  # C: items 6-7 -> 7
               0, 1, 0, 1, 0, 1, 0,  # D: items 8-14 -> 3
               2, 2, 2, 2, 2, 1]  # E: items 15-20 -> 11
    result = score("pcl5", answers)
    assert result.total == 31
    assert result.result["clusters"] == {"B": 10, "C": 7, "D": 3, "E": 11}
    assert result.result["endorsed"] == {"B": 3, "C": 2, "D": 0, "E": 5}
    assert result.result["dsm5_provisional"] is False  # D needs two items rated 2 or more
    assert result.positive is False  # 31 is below our cut-off of 33


def test_pcl5_dsm5_rule_needs_one_b_one_c_two_d_two_e_rated_2_or_more():
    minimal = [0] * 20
    for number in (1, 6, 8, 9, 15, 16):
        minimal[number - 1] = 2
    met = score("pcl5", minimal)
    assert met.result["dsm5_provisional"] is True
    assert met.total == 12 and met.positive is False  # the rule and the cut-off are separate outcomes
    for number in (1, 6, 8, 15):
        short = list(minimal)
        short[number - 1] = 1  # rated 1 ("a little bit") is not endorsed
        assert score("pcl5", short).result["dsm5_provisional"] is False, number


def test_pcl5_clusters_cover_every_item_once():
    numbers = sorted(n for items, _needed in CLUSTERS.values() for n in items)
    assert numbers == list(range(1, 21))


@pytest.mark.parametrize("total,band", PHQ4_BANDS)
def test_phq4_distress_bands_at_each_boundary(total, band):
    assert score("phq4", answers_for("phq4", total), safety=False).band == band


@pytest.mark.parametrize("answers,anxiety,depression,positive", [
    ([0, 0, 0, 0], 0, 0, False),
    ([1, 1, 1, 1], 2, 2, False),  # total 4 ("mild") but neither subscale reaches 3
    ([2, 1, 0, 0], 3, 0, True),  # anxiety subscale at 3
    ([0, 0, 1, 2], 0, 3, True),  # depression subscale at 3
    ([1, 1, 2, 0], 2, 2, False),
    ([3, 3, 3, 3], 6, 6, True),
])
def test_phq4_is_positive_when_either_subscale_is_3_or_more(answers, anxiety, depression, positive):
    result = score("phq4", answers, safety=False)
    assert (result.result["anxiety"], result.result["depression"], result.positive) == (anxiety, depression, positive)
    assert result.result["anxiety_positive"] is (anxiety >= 3)
    assert result.result["depression_positive"] is (depression >= 3)


def test_phq4_safety_question_yes_is_urgent_and_no_is_not():
    assert score("phq4", [0, 0, 0, 0], safety=True).urgent_reasons == ("safety_question",)
    calm = score("phq4", [3, 3, 3, 3], safety=False)
    assert calm.urgent is False and calm.result["safety_question"] is False


def test_phq4_needs_an_answer_to_its_safety_question():
    with pytest.raises(InvalidAnswers):
        score("phq4", [0, 0, 0, 0])


@pytest.mark.parametrize("answers,total", [([0] * 5, 0), ([4] * 5, 20), ([4, 3, 2, 1, 0], 10)])
def test_pulse_totals_0_to_20_and_is_never_positive_or_banded(answers, total):
    result = score("pulse", answers)
    assert (result.total, result.band, result.positive, result.urgent) == (total, "", False, False)


# The published shape of each instrument: item count, response scale, labels (DOMAIN.md section 1).
PUBLISHED = {
    "phq9": (9, ["Not at all", "Several days", "More than half the days", "Nearly every day"], 0, 3),
    "gad7": (7, ["Not at all", "Several days", "More than half the days", "Nearly every day"], 0, 3),
    "phq4": (4, ["Not at all", "Several days", "More than half the days", "Nearly every day"], 0, 3),
    "pcl5": (20, ["Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"], 0, 4),
    "pulse": (5, None, 0, 4),
}


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_stored_items_match_the_published_count_and_scale(code):
    count, labels, low, high = PUBLISHED[code]
    definition = INSTRUMENTS[code]
    assert len(definition.items) == count
    assert [item.number for item in definition.items] == list(range(1, count + 1))
    assert [o.value for o in definition.options] == list(range(low, high + 1))
    if labels is not None:
        assert [o.label for o in definition.options] == labels
    assert definition.max_total == count * high


def test_only_the_shipped_instruments_exist():
    assert set(INSTRUMENTS) == {"pulse", "phq9", "gad7", "pcl5", "phq4"}  # no WEMWBS, STSS or IES-R


def test_item_text_is_verbatim_where_it_matters():
    assert INSTRUMENTS["phq9"].items[8].text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way")
    assert INSTRUMENTS["phq4"].items[3].text == "Feeling down, depressed or hopeless"
    assert INSTRUMENTS["gad7"].items[6].text == "Feeling afraid as if something awful might happen"
    assert INSTRUMENTS["pcl5"].items[16].text == 'Being "superalert" or watchful or on guard?'
    assert INSTRUMENTS["pcl5"].stem == "In the past month, how much were you bothered by:"


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_bands_cover_every_possible_total_exactly_once(code):
    definition = INSTRUMENTS[code]
    if not definition.bands:
        return
    for total in range(definition.max_total + 1):
        assert sum(1 for b in definition.bands if b.low <= total <= b.high) == 1, (code, total)


@pytest.mark.parametrize("code,bad", [
    ("phq9", [0] * 8),  # missing item
    ("phq9", [0] * 10),
    ("phq9", [0] * 8 + [4]),  # off the 0-3 scale
    ("phq9", [0] * 8 + [-1]),
    ("phq9", [0] * 8 + [True]),
    ("phq9", [0] * 8 + ["1"]),
    ("gad7", [0] * 6 + [1.0]),
    ("pcl5", [0] * 19 + [5]),
    ("pulse", [5, 0, 0, 0, 0]),
])
def test_answers_that_do_not_fit_are_refused(code, bad):
    with pytest.raises(InvalidAnswers):
        score(code, bad, safety=False if code == "phq4" else None)


def test_an_unknown_instrument_is_refused():
    with pytest.raises(InvalidAnswers):
        score("wemwbs", [1] * 14)


@given(st.sampled_from(sorted(INSTRUMENTS)), st.data())
def test_the_total_is_the_sum_of_the_answers(code, data):
    definition = INSTRUMENTS[code]
    answers = data.draw(st.lists(st.integers(definition.min_value, definition.max_value),
                                 min_size=len(definition.items), max_size=len(definition.items)))
    result = definition.score(answers, safety=False if definition.safety_question else None)
    assert result.total == sum(answers)
    if definition.cutoff is not None:
        assert result.positive is (result.total >= definition.cutoff)
