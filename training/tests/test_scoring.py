"""Quiz scoring: exact-set matching, rounding down, and the pass mark."""

import pytest

from training.scoring import score_quiz

CORRECT = {1: {10}, 2: {20, 21}, 3: {30}, 4: {40}, 5: {50}}


def test_all_right_scores_100_and_passes():
    result = score_quiz(CORRECT, {1: {10}, 2: {20, 21}, 3: {30}, 4: {40}, 5: {50}}, 80)
    assert (result.score, result.passed, result.wrong) == (100, True, ())


def test_four_of_five_meets_a_pass_mark_of_80():
    result = score_quiz(CORRECT, {1: {10}, 2: {20, 21}, 3: {30}, 4: {40}, 5: {99}}, 80)
    assert (result.score, result.passed, result.wrong) == (80, True, (5,))


def test_a_partly_right_multiple_answer_counts_as_wrong():
    result = score_quiz(CORRECT, {1: {10}, 2: {20}, 3: {30}, 4: {40}, 5: {50}}, 80)
    assert result.wrong == (2,)


def test_ticking_every_box_does_not_score():
    result = score_quiz({1: {1}}, {1: {1, 2, 3}}, 50)
    assert (result.score, result.passed) == (0, False)


def test_unanswered_questions_are_wrong():
    result = score_quiz(CORRECT, {}, 80)
    assert result.score == 0 and set(result.wrong) == set(CORRECT)


def test_the_percentage_rounds_down_so_two_thirds_does_not_reach_67():
    result = score_quiz({1: {1}, 2: {2}, 3: {3}}, {1: {1}, 2: {2}}, 67)
    assert (result.score, result.passed) == (66, False)


def test_an_empty_quiz_is_refused():
    with pytest.raises(ValueError):
        score_quiz({}, {}, 80)
