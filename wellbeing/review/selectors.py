"""Reads for the rules report: the flags of the organisations a user may report on, as plain rows."""

from __future__ import annotations

from datetime import timedelta

from portal import access
from wellbeing.models import Flag
from wellbeing.review.report import WINDOWS
from wellbeing.risk.reasons import HIDDEN_FROM_SUPERVISOR


def report_rows(user, *, now) -> list[tuple]:
    """(reason code, raised at, outcome, acknowledged at, closed at) of every flag raised in the
    longest window, in the organisations `user` may report on. One query (plus the user's granted
    organisations), however many flags: the aggregation is `review.report`'s, in Python."""
    organisation_ids = access.report_organisation_ids(user)
    if not organisation_ids:
        return []
    since = now - timedelta(days=max(WINDOWS.values()))
    # An urgent request for help is not a rule: it is counted with the other requests, small numbers
    # suppressed (wellbeing/talk/counts.py), never per reason here.
    return list(Flag.objects.filter(officer__organisation_id__in=organisation_ids, raised_at__gte=since)
                .exclude(reason_code__in=HIDDEN_FROM_SUPERVISOR)
                .order_by().values_list("reason_code", "raised_at", "outcome", "acknowledged_at", "closed_at"))
