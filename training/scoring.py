"""Pure quiz scoring: no database, so every case is tested directly."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QuizResult:
    score: int  # whole percentage of questions answered exactly right
    passed: bool
    wrong: tuple[int, ...]  # ids of the questions answered wrongly or not at all


def score_quiz(correct: dict[int, set[int]], answers: dict[int, set[int]], pass_mark: int) -> QuizResult:
    """`correct` maps each question id to its set of right choice ids; `answers` maps question
    ids to the choice ids picked. A question counts only when the picked set equals the right set
    exactly (so ticking every box never scores). The percentage rounds down, so 79.9 never passes
    a pass mark of 80."""
    if not correct:
        raise ValueError("a quiz needs at least one question")
    wrong = tuple(qid for qid, right in correct.items() if set(answers.get(qid, ())) != right)
    right_count = len(correct) - len(wrong)
    score = right_count * 100 // len(correct)
    return QuizResult(score=score, passed=score >= pass_mark, wrong=wrong)
