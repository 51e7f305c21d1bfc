"""Instruments as data, with pure scoring functions (no ORM).

`INSTRUMENTS` maps each code stored in `CheckIn.instrument` to its definition; `score(code,
answers, safety=None)` applies the published rules. WEMWBS/SWEMWBS, STSS and IES-R are deliberately
absent (licence terms; see DOMAIN.md section 1)."""

from collections.abc import Sequence

from wellbeing.instruments.base import Band, Instrument, InvalidAnswers, Item, Option, SafetyQuestion, Score
from wellbeing.instruments.pcl5 import PCL5
from wellbeing.instruments.phq import GAD7, PHQ4, PHQ9
from wellbeing.instruments.pulse import PULSE

INSTRUMENTS: dict[str, Instrument] = {i.code: i for i in (PULSE, PHQ9, GAD7, PCL5, PHQ4)}
CHOICES = [(i.code, i.short_name) for i in INSTRUMENTS.values()]

__all__ = ["Band", "CHOICES", "INSTRUMENTS", "Instrument", "InvalidAnswers", "Item", "Option",
           "SafetyQuestion", "Score", "get", "score"]


def get(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise InvalidAnswers(f"unknown instrument {code!r}") from None


def score(code: str, answers: Sequence[int], safety: bool | None = None) -> Score:
    return get(code).score(answers, safety=safety)
