"""Pure report arithmetic over already-aggregated rows (no database)."""

from __future__ import annotations

from dataclasses import dataclass

SATISFACTION_LEVELS = (1, 2, 3, 4)  # very unsatisfactory .. very satisfactory
SATISFIED_LEVELS = (3, 4)


def percentage(part: int, whole: int, places: int = 1) -> float | None:
    """part/whole as a percentage rounded to `places`; None when there is nothing to divide."""
    if whole <= 0:
        return None
    return round(100 * part / whole, places)


@dataclass(frozen=True)
class EvaluationSummary:
    count: int
    satisfied: int  # satisfactory or very satisfactory
    satisfied_pct: float | None
    distribution: dict[int, int]  # level -> count, every level present
    distribution_pct: dict[int, float | None]
    recommend_yes: int
    recommend_pct: float | None


def evaluation_summary(level_counts: dict[int, int], recommend_yes: int = 0) -> EvaluationSummary:
    unknown = set(level_counts) - set(SATISFACTION_LEVELS)
    if unknown:
        raise ValueError(f"unknown satisfaction levels {sorted(unknown)}")
    distribution = {level: int(level_counts.get(level, 0)) for level in SATISFACTION_LEVELS}
    count = sum(distribution.values())
    if not 0 <= recommend_yes <= count:
        raise ValueError("recommend_yes must be between 0 and the number of evaluations")
    satisfied = sum(distribution[level] for level in SATISFIED_LEVELS)
    return EvaluationSummary(
        count=count,
        satisfied=satisfied,
        satisfied_pct=percentage(satisfied, count),
        distribution=distribution,
        distribution_pct={level: percentage(n, count) for level, n in distribution.items()},
        recommend_yes=recommend_yes,
        recommend_pct=percentage(recommend_yes, count),
    )


@dataclass(frozen=True)
class CompletionRow:
    label: str
    assigned: int
    completed: int
    overdue: int

    @property
    def open(self) -> int:
        return self.assigned - self.completed

    @property
    def completed_pct(self) -> float | None:
        return percentage(self.completed, self.assigned)


def chart_label(value) -> str:
    """A label for a plotly chart, as plain text. Plotly renders a few HTML tags in labels
    (<a href>, <b>, <br>...), so a module title such as '<a href="https://evil.example">x</a>'
    would become a live link in the chart. Escaping & < > makes plotly show the characters
    themselves and never any markup."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
