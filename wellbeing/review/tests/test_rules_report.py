"""The rules report (issue 21): pure figures per reason and window with the small-number rule, and
the page and CSV for the wellbeing lead and OH, who see totals only."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.exports import SUPPRESSED
from portal.models import AuditEvent
from tests.factories import UserFactory
from wellbeing.models import Flag
from wellbeing.review.report import Figures, FlagRow, figures, response_hours, rules_report
from wellbeing.tests.factories import FlagFactory

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def row(code="exposure_load_high", *, days_ago=1, outcome="", ack_hours=None, close_hours=None):
    raised = NOW - timedelta(days=days_ago)
    return FlagRow(code, raised, outcome, raised + timedelta(hours=ack_hours) if ack_hours is not None else None,
                   raised + timedelta(hours=close_hours) if close_hours is not None else None)


# ----------------------------------------------------------------------------- pure


def test_response_is_the_acknowledgement_else_the_close_else_none():
    assert response_hours(row(ack_hours=3, close_hours=10)) == 3
    assert response_hours(row(close_hours=10)) == 10
    assert response_hours(row()) is None


def test_no_flags_gives_zero_and_no_figures():
    assert figures([]) == Figures(0, None, None)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_fewer_than_five_flags_suppresses_every_figure(n):
    assert figures([row(outcome="false_alarm", ack_hours=1)] * n) == Figures(SUPPRESSED, SUPPRESSED, SUPPRESSED)


def test_five_flags_give_the_figures():
    rows = [row(outcome="not_applicable", ack_hours=h) for h in (1, 2, 3, 4, 5)]
    assert figures(rows) == Figures(5, 100.0, 3.0)


def test_a_share_from_fewer_than_five_closures_is_suppressed_but_none_is_shown_as_zero():
    rows = [row(ack_hours=2)] * 8
    assert figures(rows).dismissed_share == 0.0
    assert figures([row(outcome="false_alarm", ack_hours=2)] + rows[:7]).dismissed_share == SUPPRESSED
    five = [row(outcome="false_alarm", ack_hours=2)] * 3 + [row(outcome="not_applicable", ack_hours=2)] * 2
    assert figures(five + rows[:5]).dismissed_share == 50.0


def test_other_outcomes_do_not_count_as_closed_wrongly():
    rows = [row(outcome="referred_gp", close_hours=1)] * 5
    assert figures(rows) == Figures(5, 0.0, 1.0)


def test_the_median_needs_five_responses_and_ignores_flags_still_waiting():
    waiting = [row()] * 6
    assert figures(waiting).median_hours is None
    assert figures(waiting + [row(ack_hours=4)] * 4).median_hours == SUPPRESSED
    assert figures(waiting + [row(ack_hours=h) for h in (1, 2, 10, 20, 30, 40)]).median_hours == 15.0


def test_windows_split_by_when_the_flag_was_raised_and_codes_keep_their_order():
    rows = [row(days_ago=10, ack_hours=1)] * 5 + [row(days_ago=200, ack_hours=1)] * 5 + \
        [row("checkins_overdue", days_ago=300, ack_hours=2)] * 6 + [row("retired_code", days_ago=5)] * 5
    report = dict(rules_report(rows, now=NOW, codes=["phq9_item9", "exposure_load_high", "checkins_overdue"]))
    assert list(report) == ["phq9_item9", "exposure_load_high", "checkins_overdue", "retired_code"]
    assert report["phq9_item9"] == {3: Figures(0, None, None), 12: Figures(0, None, None)}
    assert report["exposure_load_high"][3].raised == 5 and report["exposure_load_high"][12].raised == 10
    assert report["checkins_overdue"][3].raised == 0 and report["checkins_overdue"][12] == Figures(6, 0.0, 2.0)


# ----------------------------------------------------------------------------- pages


@pytest.fixture
def lead(force):
    return UserFactory(username="lead", organisation=force, is_wellbeing_lead=True)


def many_flags(officer, n, code="exposure_load_high"):
    """`n` closed flags (closed, so that one person may hold many of the same reason)."""
    for i in range(n):
        FlagFactory(officer=officer, reason_code=code, status=Flag.Status.CLOSED, outcome="false_alarm",
                    acknowledged_at=NOW, closed_at=NOW, hours_left=40 - i)


@pytest.mark.django_db
def test_the_lead_and_oh_read_totals_and_others_may_not(login, lead, oh, officer, supervisor, trainer, foreign_oh):
    many_flags(officer, 6)
    page = login(lead).get("/lead/").content.decode()
    assert 'id="reason-exposure_load_high"' in page and officer.get_full_name() not in page
    assert ">6<" in page
    assert login(oh).get("/lead/").status_code == 200
    assert ">6<" not in login(foreign_oh).get("/lead/").content.decode()  # another force's flags
    for user in (officer, supervisor, trainer):
        assert login(user).get("/lead/").status_code == 403


@pytest.mark.django_db
def test_the_lead_sees_no_person_anywhere(login, lead, officer):
    client = login(lead)
    assert client.get("/").url == "/lead/"
    for url in ("/oh/", f"/oh/people/{officer.pk}/", "/team/", "/wellbeing/flags/"):
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_the_page_query_count_does_not_grow_with_flags(login, lead, officer, teammate,
                                                       django_assert_max_num_queries):
    client = login(lead)
    many_flags(officer, 2)
    client.get("/lead/")
    with django_assert_max_num_queries(12) as few:
        client.get("/lead/")
    many_flags(teammate, 30, "checkins_overdue")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/lead/")


@pytest.mark.django_db
def test_the_csv_export_is_audited_and_suppressed(login, lead, officer):
    many_flags(officer, 3)
    response = login(lead).get("/lead/rules-report.csv")
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    line = next(ln for ln in body.splitlines() if ln.startswith("exposure_load_high"))
    assert line.split(",")[2:5] == [SUPPRESSED, SUPPRESSED, SUPPRESSED]
    assert officer.get_full_name() not in body
    assert AuditEvent.objects.get(action="rules_report_exported").actor_id == lead.pk
