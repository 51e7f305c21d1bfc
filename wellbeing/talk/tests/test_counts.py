"""The monthly counts for the wellbeing lead: pure arithmetic, and its small-number rule."""

from datetime import date

import pytest

from wellbeing.talk.counts import CONTACT_KINDS, MonthCounts, RequestRow, monthly_counts, months_back, suppressed


def test_months_back_crosses_the_year_oldest_first():
    assert months_back(date(2026, 2, 17), 4) == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1),
                                                 date(2026, 2, 1)]
    assert months_back(date(2026, 1, 31), 1) == [date(2026, 1, 1)]
    assert len(months_back(date(2026, 12, 1), 12)) == 12
    with pytest.raises(ValueError):
        months_back(date(2026, 1, 1), 0)


def test_requests_are_counted_by_month_and_recipient_and_empty_months_stay():
    months = months_back(date(2026, 3, 5), 3)  # January, February, March
    requests = [
        RequestRow(date(2026, 1, 1), to_peer=True, to_oh=False, urgent=False),
        RequestRow(date(2026, 1, 1), to_peer=True, to_oh=True, urgent=True),  # urgent to a peer also reaches OH
        RequestRow(date(2026, 3, 1), to_peer=False, to_oh=True, urgent=False),
        RequestRow(date(2025, 12, 1), to_peer=True, to_oh=False, urgent=False),  # outside: ignored
    ]
    rows = monthly_counts(months, requests, [])
    assert [r.month for r in rows] == months
    january, february, march = rows
    assert (january.requests, january.to_peer, january.to_oh, january.urgent) == (2, 2, 1, 1)
    assert (february.requests, february.to_peer, february.to_oh, february.urgent) == (0, 0, 0, 0)
    assert (march.requests, march.to_peer, march.to_oh, march.urgent) == (1, 0, 1, 0)


def test_contacts_are_counted_by_kind_and_unknown_kinds_or_months_ignored():
    months = months_back(date(2026, 3, 5), 2)
    contacts = [(date(2026, 2, 1), "phone"), (date(2026, 2, 1), "phone"), (date(2026, 3, 1), "video"),
                (date(2026, 3, 1), "carrier pigeon"), (date(2025, 1, 1), "phone")]
    february, march = monthly_counts(months, [], contacts)
    assert february.contacts == {"phone": 2, "in_person": 0, "video": 0, "message": 0}
    assert march.contacts == {"phone": 0, "in_person": 0, "video": 1, "message": 0}


@pytest.mark.parametrize(("count", "shown"), [(0, "<5"), (1, "<5"), (4, "<5"), (5, 5), (17, 17)])
def test_every_count_under_five_is_suppressed(count, shown):
    row = MonthCounts(month=date(2026, 1, 1), requests=count, to_peer=count, to_oh=count, urgent=count,
                      contacts=dict.fromkeys(CONTACT_KINDS, count))
    out = suppressed(row)
    assert out["month"] == date(2026, 1, 1)
    assert [out["requests"], out["to_peer"], out["to_oh"], out["urgent"], *out["contacts"]] == [shown] * 8
