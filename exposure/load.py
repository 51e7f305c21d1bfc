"""Exposure load: the one definition of a person's decayed load, their usual load and how the two
compare. Pure (no ORM), so the risk engine, the officer's page and the supervisor's pages all use
the same arithmetic and the same words.

The load
--------

An exposure's dose weighs dose x 0.5 ** (days_ago / half_life) on a later day: half as much after
one half-life (the risk rules' ``dose_half_life_days``, 14 days by default). Entries dated after the
day are ignored, so a load can be worked out for any past day. ``decayed_load`` is that sum in
Python; ``DECAYED_LOAD_SQL`` is the same term for the database, one fragment per database, and is
the only SQL that computes it (``wellbeing.risk.inputs.exposure_loads``).

The usual load
--------------

The officer's usual is the load they would carry if they had taken their mean daily dose of the
usual window (the ``USUAL_WINDOW_DAYS`` before the last ``RECENT_DAYS``) every day: the steady state
d / (1 - 0.5 ** (1 / half_life)). The ratio is load / usual; ``usual_band`` turns it into the
words the officer reads and the reason the engine raises: "higher" (the engine's
``exposure_load_rising``) only when the ratio is at least the rules' ``own_ratio_amber`` and there
was exposure in the recent window.

Pages never work these out again: the engine stores the band and the ratios shown to people on the
current risk assessment (``RiskAssessment.exposure``), and pages word what is stored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from exposure import dose as dose_rules

RECENT_DAYS = 14  # "recent" exposure, and the window that a usual load leaves out
USUAL_WINDOW_DAYS = 84  # the 12 weeks before the recent window form the officer's usual
DEFAULT_HALF_LIFE_DAYS = 14.0  # the default of the risk rules' dose_half_life_days

# The bands of the load against the officer's usual.
HIGHER = "higher"  # at least own_ratio_amber times the usual, with exposure in the recent window
EASING = "easing"  # as high as that, but nothing logged in the recent window: the load is coming down
USUAL = "usual"
LOWER = "lower"  # at most the usual divided by own_ratio_amber
NO_HISTORY = "no_history"  # no exposure in the usual window: nothing to compare with
NOT_ASSESSED = "not_assessed"  # no risk assessment yet (a page's empty state, never stored)
BANDS = [HIGHER, EASING, USUAL, LOWER, NO_HISTORY]

# The decayed weight of each row's dose, summed by the caller. `{dose}` and `{day}` are columns;
# `{today}` and `{half_life}` are parameter placeholders ("%s" or "%(name)s"). Fixed text: nothing
# from a request is ever put into it.
DECAYED_LOAD_SQL = {
    "postgresql": "{dose} * POWER(0.5, ({today}::date - {day})::float8 / {half_life})",
    "sqlite": "{dose} * POWER(0.5, (julianday({today}) - julianday({day})) / {half_life})",
}


def decayed_load_sql(vendor: str, *, dose: str = "dose", day: str = "shift_date", today: str = "%s",
                     half_life: str = "%s") -> str:
    """The decayed weight of one row's dose in `vendor`'s SQL (see `DECAYED_LOAD_SQL`)."""
    return DECAYED_LOAD_SQL[vendor].format(dose=dose, day=day, today=today, half_life=half_life)


def lookback_days(half_life_days: float) -> int:
    """How far back exposure still matters: the recent and usual windows, or until the weight falls
    under 0.5 ** 8 (0.4%), whichever is longer."""
    return max(RECENT_DAYS + USUAL_WINDOW_DAYS, math.ceil(8 * half_life_days))


def decay(days_ago: float, half_life_days: float) -> float:
    """The weight left of a dose after `days_ago` days."""
    return 0.5 ** (days_ago / half_life_days)


def decayed_load(entries: Iterable[tuple[date, float]], *, as_of: date, half_life_days: float) -> float:
    """Sum of dose x 0.5 ** (days_ago / half_life_days) over entries dated on or before `as_of`."""
    if half_life_days <= 0:
        raise ValueError("half_life_days must be above 0")
    total = 0.0
    for day, dose in entries:
        days_ago = (as_of - day).days
        if days_ago < 0:
            continue
        total += dose * decay(days_ago, half_life_days)
    return total


def daily_loads(
    entries: Iterable[tuple[date, float]], *, start: date, end: date, half_life_days: float
) -> list[tuple[date, float]]:
    """The decayed load on each day from `start` to `end` inclusive, in one pass (the officer's
    chart).

    Equivalent to calling `decayed_load` for each day, but linear: yesterday's load decays by one
    day's factor and today's doses are added."""
    if end < start:
        return []
    by_day: dict[date, float] = {}
    for day, dose in entries:
        if day <= end:
            by_day[day] = by_day.get(day, 0.0) + dose
    load = decayed_load(((d, v) for d, v in by_day.items() if d < start), as_of=start, half_life_days=half_life_days)
    step = decay(1, half_life_days)
    out = []
    day = start
    ordinal = start.toordinal()
    while day <= end:
        if day != start:
            load *= step
        load += by_day.get(day, 0.0)
        out.append((day, load))
        ordinal += 1
        day = date.fromordinal(ordinal)
    return out


def steady_state_load(daily_dose: float, half_life_days: float) -> float:
    """The decayed load someone reaches by taking `daily_dose` every day: d / (1 - 0.5 ** (1/h))."""
    if daily_dose <= 0:
        return 0.0
    return daily_dose / (1 - decay(1, half_life_days))


def usual_load(usual_daily_dose: float, half_life_days: float) -> float:
    """The officer's usual load: the steady state of their mean daily dose over the usual window."""
    return steady_state_load(usual_daily_dose, half_life_days)


def ratio(value: float, baseline: float | None) -> float | None:
    """value / baseline, or None when there is no baseline to compare with."""
    return value / baseline if baseline and baseline > 0 else None


def shown_ratio(value: float | None, threshold: float | None = None) -> float | None:
    """A ratio as people read it: one decimal, rounded down, so that it never reads as reaching a
    threshold it missed (1.46 reads 1.4 against 1.5); and never under a `threshold` it reached (1.27
    against 1.25 reads 1.25, not 1.2)."""
    if value is None or not math.isfinite(value * 10):
        return value
    shown = math.floor(value * 10) / 10
    if threshold is not None and value >= threshold > shown:
        return threshold
    return shown


def usual_band(own_ratio: float | None, *, recent_dose: float, threshold: float) -> str:
    """The load against the officer's usual as one of `BANDS`. `threshold` is the rules'
    own_ratio_amber; "higher" is exactly when the engine raises `exposure_load_rising`."""
    if own_ratio is None:
        return NO_HISTORY
    if own_ratio >= threshold:
        return HIGHER if recent_dose > 0 else EASING
    if own_ratio <= 1 / threshold:
        return LOWER
    return USUAL


# What the officer reads on their exposure page, for each band: plain words ("recent exposure",
# "your usual"), no modelling terms (hazard H6 in docs/clinical-safety.md).
OFFICER_SENTENCES = {
    HIGHER: _("Your recent exposure is higher than your usual."),
    EASING: _("Your recent exposure is still above your usual, but you have logged no exposure in the last two "
              "weeks, so it is coming down."),
    USUAL: _("Your recent exposure is about your usual."),
    LOWER: _("Your recent exposure is lower than your usual."),
    NO_HISTORY: _("There is not yet enough history to compare your recent exposure with your usual."),
    NOT_ASSESSED: _("Your recent exposure has not been compared with your usual yet. It is worked out after you "
                    "log a shift and again every night."),
}


def officer_sentence(band: str | None) -> str:
    """The sentence the officer reads about their load (None: no assessment yet)."""
    return str(OFFICER_SENTENCES.get(band or NOT_ASSESSED, OFFICER_SENTENCES[NOT_ASSESSED]))


def explanation(rules: dict, weights: dose_rules.DoseWeights = dose_rules.STANDARD_WEIGHTS) -> dict:
    """The numbers behind "How is this worked out?" (officer and supervisor pages), from the dose
    weights (the person's role's, `exposure.services.shown_weights`; today's constants unless given),
    the windows here and the rules in force, so that the words never drift from the arithmetic.
    Percentages are whole numbers; day counts as the rules give them."""
    half_life = float(rules["dose_half_life_days"])
    minutes, weeks, peers = weights.default_minutes, USUAL_WINDOW_DAYS // 7, int(rules["min_peers"])
    return {
        "half_life": half_life,
        "quarter_after": 2 * half_life,
        "default_minutes": weights.default_minutes,
        "critical_times": weights.critical_incident_factor,
        "task_percent_off": round((1 - weights.defined_task_factor) * 100),
        "mitigation_percent_off": round(weights.mitigation_step * 100),
        "mitigation_most_off": round((1 - weights.mitigation_floor) * 100),
        "recent_days": RECENT_DAYS,
        "usual_weeks": USUAL_WINDOW_DAYS // 7,
        "own_times": float(rules["own_ratio_amber"]),
        "role_times": float(rules["peer_ratio_amber"]),
        "role_red_times": float(rules["peer_ratio_red"]),
        "min_peers": int(rules["min_peers"]),
        # the same counts as phrases with their plural (the template never puts a noun after a number)
        "default_minutes_text": ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes},
        "recent_days_text": ngettext("%(n)d day", "%(n)d days", RECENT_DAYS) % {"n": RECENT_DAYS},
        "usual_weeks_text": ngettext("%(n)d week", "%(n)d weeks", weeks) % {"n": weeks},
        "min_peers_text": ngettext("%(n)d person", "%(n)d people", peers) % {"n": peers},
    }
