"""Monthly counts of help requests and contacts, for the force's wellbeing lead. Pure: plain rows
in, plain rows out, no ORM. Nobody is named; counts under five are shown as "<5" (the portal's one
small-number rule, portal.exports.suppress), so a month with one request never points at a person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from portal.exports import suppress

CONTACT_KINDS = ("phone", "in_person", "video", "message")


@dataclass(frozen=True)
class RequestRow:
    month: date  # the first day of the month it was sent
    to_peer: bool
    to_oh: bool
    urgent: bool


@dataclass
class MonthCounts:
    month: date
    requests: int = 0
    to_peer: int = 0
    to_oh: int = 0
    urgent: int = 0
    contacts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CONTACT_KINDS, 0))


def months_back(today: date, months: int) -> list[date]:
    """The first day of each of the last `months` months, oldest first, this month last."""
    if months < 1:
        raise ValueError("months must be at least 1")
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def monthly_counts(months: list[date], requests: Iterable[RequestRow],
                   contacts: Iterable[tuple[date, str]]) -> list[MonthCounts]:
    """One row per month of `months` (every month, empty ones too, so a gap is visible): requests
    sent (to a peer supporter, to occupational health, marked urgent; a request to both counts once
    in `requests` and once in each of `to_peer` and `to_oh`) and contacts made by kind. Rows and
    contacts outside `months`, and contact kinds not in CONTACT_KINDS, are ignored."""
    rows = {m: MonthCounts(month=m) for m in months}
    for request in requests:
        row = rows.get(request.month)
        if row is None:
            continue
        row.requests += 1
        row.to_peer += request.to_peer
        row.to_oh += request.to_oh
        row.urgent += request.urgent
    for month, kind in contacts:
        row = rows.get(month)
        if row is not None and kind in row.contacts:
            row.contacts[kind] += 1
    return [rows[m] for m in months]


def suppressed(row: MonthCounts) -> dict:
    """A row ready to show: every count under five as "<5"."""
    return {
        "month": row.month,
        "requests": suppress(row.requests), "to_peer": suppress(row.to_peer), "to_oh": suppress(row.to_oh),
        "urgent": suppress(row.urgent),
        "contacts": [suppress(row.contacts[kind]) for kind in CONTACT_KINDS],
    }
