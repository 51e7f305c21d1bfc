"""Reads of the risk rules and of the numbers the engine stored: the rules in force (the one place
that reads them) and what the officer's exposure page shows of their own load."""

from __future__ import annotations

from django.db.models import JSONField, Subquery

from wellbeing.models import RiskAssessment, RuleSet
from wellbeing.risk.rules import DEFAULT_RULES, with_defaults


def rules_in_force() -> tuple[int, dict]:
    """The rules the risk engine applies now: the newest rule set over the defaults (version 0 and
    the defaults while none has been saved). The one place that reads them. One query."""
    latest = RuleSet.objects.order_by("-version").values_list("version", "rules").first()
    if latest is None:
        return 0, dict(DEFAULT_RULES)
    return latest[0], with_defaults(latest[1])


def own_load_panel(officer) -> tuple[dict, dict | None]:
    """What the officer's exposure page shows of their load: the rules in force (the half-life for
    the chart, the numbers of "How is this worked out?") and the exposure numbers of their current
    risk assessment (None when there is none yet, or it predates them). One query: the newest rule
    set with the assessment as a subquery. With no rule set saved the engine has never run, so
    there is no assessment either."""
    current = RiskAssessment.objects.filter(officer=officer, is_current=True).values("exposure")[:1]
    row = (RuleSet.objects.order_by("-version")
           .annotate(own_exposure=Subquery(current, output_field=JSONField())).values_list("rules", "own_exposure")
           .first())
    if row is None:
        return dict(DEFAULT_RULES), None
    rules, exposure = row
    return with_defaults(rules), exposure or None
