"""The demo's nightly sweep history: twelve weeks of assessments worked out by the real engine.

A force that has used the portal for months has an assessment history behind every chart (the team's
levels by week, a person's level changes). seed_demo (through portal.demo.demo_seeded) calls
`seed_history` before the present-day sweep: for each of the last HISTORY_DAYS nights it gathers
every officer's inputs as they stood at the sweep's time that night (shifts and check-ins up to then
only) and evaluates them with `risk.engine.evaluate`, exactly as that night's sweep would have.
As the sweep does, it keeps a row when the finding changed; and one a week even when it did not,
so each chart has a point every week. Every row is a past, non-current assessment; no flag is raised
for the past (the present-day sweep raises what applies now). Idempotent: a database that already
holds assessments older than a day is left alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pandas as pd
from django.utils import timezone

from exposure import shift_times
from wellbeing.models import RiskAssessment
from wellbeing.risk import engine as risk
from wellbeing.risk import inputs as risk_inputs

HISTORY_DAYS = 84  # twelve weeks of nights
SWEEP_TIME = time(2, 30)  # when the nightly sweep runs (local time)
KEEP_EVERY_DAYS = 7


def sweep_times(now: datetime, days: int = HISTORY_DAYS) -> list[datetime]:
    """The nightly sweep's times over the last `days` nights before `now`, oldest first (aware, in
    the current time zone, so they stay at 02:30 across the daylight-saving changes)."""
    today = shift_times.local_date(now)
    times = [timezone.make_aware(datetime.combine(today - timedelta(days=n), SWEEP_TIME)) for n in range(days, 0, -1)]
    return [t for t in times if t < now]


def keep(previous: tuple[str, datetime] | None, finding: str, at: datetime) -> bool:
    """Whether a night's result is stored: the first one, a changed finding, or a week since the
    last stored row."""
    if previous is None:
        return True
    last_finding, last_at = previous
    return finding != last_finding or at - last_at >= timedelta(days=KEEP_EVERY_DAYS)


def seed_history(*, now: datetime | None = None) -> int:
    """Store the past nights' assessments (see the module docstring). Returns how many."""
    from wellbeing.risk.service import current_rules

    now = now or timezone.now()
    if RiskAssessment.objects.filter(computed_at__lt=now - timedelta(days=1)).exists():
        return 0
    rules_version, rules = current_rules()
    stored: dict[int, tuple[str, datetime]] = {}
    rows = []
    for at in sweep_times(now):
        inputs = risk_inputs.gather(None, now=at, rules=rules, past=True)
        if not inputs:
            continue
        medians = risk_inputs.role_medians(
            pd.DataFrame({"load_now": pd.Series({pk: i.load_now for pk, i in inputs.items()}, dtype=float)}),
            {pk: i.role for pk, i in inputs.items()})
        for pk, officer_inputs in inputs.items():
            median, count = medians.get(officer_inputs.role, (None, 0))
            result = risk.evaluate(officer_inputs, peer_median=median, peer_count=count, rules=rules, now=at)
            finding = result.finding(rules_version)
            if not keep(stored.get(pk), finding, at):
                continue
            stored[pk] = (finding, at)
            rows.append(RiskAssessment(
                officer_id=pk, computed_at=at, level=result.level, score=result.score, reasons=result.as_json(),
                exposure=result.exposure, rules_version=rules_version, inputs_digest=result.digest(rules_version),
                finding_digest=finding, is_current=False))
    RiskAssessment.objects.bulk_create(rows, batch_size=500)
    return len(rows)
