"""The shape of an instrument and of a score. Plain data and pure functions, no ORM.

An instrument is its published items, response scale and scoring rules, held here unchanged.
Clinical item text is deliberately NOT passed through gettext: a translation of a validated
instrument must come from its owner and ships as its own instrument version, never from the
interface catalogue (DOMAIN.md: never machine-translate clinical items). Our own pulse is not a
validated instrument, so its text is translatable like the rest of the interface.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a str or a gettext_lazy() text; the name exists only for the type checker
    from django_stubs_ext import StrOrPromise


class InvalidAnswers(ValueError):
    """The answers do not fit the instrument (wrong count, or a value off its scale)."""


@dataclass(frozen=True)
class Option:
    value: int
    label: StrOrPromise


@dataclass(frozen=True)
class Item:
    number: int  # 1-based, as printed on the published form
    text: StrOrPromise
    # An answer at or above this value needs the urgent path at once (e.g. PHQ-9 item 9 >= 1).
    urgent_at: int | None = None
    urgent_reason: str = ""


@dataclass(frozen=True)
class Band:
    code: str
    low: int
    high: int  # inclusive
    label: StrOrPromise
    meaning: StrOrPromise  # calm, plain words for the officer


@dataclass(frozen=True)
class SafetyQuestion:
    """A yes/no question of our own, asked alongside an instrument that has no self-harm item
    (PHQ-4). It is not part of the published instrument and is never added to its score."""

    text: StrOrPromise
    yes_label: StrOrPromise
    no_label: StrOrPromise
    reason_code: str


@dataclass(frozen=True)
class Score:
    total: int
    band: str
    positive: bool
    result: dict
    urgent_reasons: tuple[str, ...] = ()

    @property
    def urgent(self) -> bool:
        return bool(self.urgent_reasons)


@dataclass(frozen=True)
class Instrument:
    code: str
    name: StrOrPromise
    short_name: StrOrPromise
    version: str
    instructions: StrOrPromise  # what to think about, in our words
    stem: StrOrPromise  # the published stem, verbatim
    recall_period: StrOrPromise
    options: tuple[Option, ...]
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    cutoff: int | None  # total at or above which the screen is positive; None if not a single total
    cutoff_text: StrOrPromise
    source: StrOrPromise  # owner / reference and licence, shown under the form
    higher_is_better: bool = False
    validated: bool = True
    safety_question: SafetyQuestion | None = None
    extra_result: Callable[[Sequence[int]], dict] | None = field(default=None, compare=False)
    positive_rule: Callable[[int, dict], bool] | None = field(default=None, compare=False)

    @property
    def min_value(self) -> int:
        return min(o.value for o in self.options)

    @property
    def max_value(self) -> int:
        return max(o.value for o in self.options)

    @property
    def max_total(self) -> int:
        return self.max_value * len(self.items)

    def option_label(self, value: int) -> StrOrPromise:
        for option in self.options:
            if option.value == value:
                return option.label
        raise InvalidAnswers(f"{value} is not on the scale")

    def band_for(self, total: int) -> Band | None:
        for band in self.bands:
            if band.low <= total <= band.high:
                return band
        return None

    def check(self, answers: Sequence[int]) -> list[int]:
        """The answers as a list of ints, or InvalidAnswers. Booleans are not answers."""
        if len(answers) != len(self.items):
            raise InvalidAnswers(f"{self.code} needs {len(self.items)} answers, got {len(answers)}")
        allowed = {o.value for o in self.options}
        clean = []
        for value in answers:
            if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
                raise InvalidAnswers(f"an answer is off the {self.code} scale")
            clean.append(value)
        return clean

    def score(self, answers: Sequence[int], safety: bool | None = None) -> Score:
        """Score answers by the published rules. `safety` is the answer to the instrument's own
        safety question (required when it has one)."""
        clean = self.check(answers)
        if self.safety_question is not None and not isinstance(safety, bool):
            raise InvalidAnswers(f"{self.code} needs an answer to its safety question")
        total = sum(clean)
        result = dict(self.extra_result(clean)) if self.extra_result else {}
        band = self.band_for(total)
        if self.positive_rule is not None:
            positive = self.positive_rule(total, result)
        else:
            positive = self.cutoff is not None and total >= self.cutoff
        urgent = [item.urgent_reason for item, value in zip(self.items, clean, strict=True)
                  if item.urgent_at is not None and value >= item.urgent_at]
        if self.safety_question is not None:
            result["safety_question"] = safety
            if safety:
                urgent.append(self.safety_question.reason_code)
        return Score(total=total, band=band.code if band else "", positive=positive, result=result,
                     urgent_reasons=tuple(urgent))
