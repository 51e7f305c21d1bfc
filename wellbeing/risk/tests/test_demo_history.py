"""Issue 17, a demo that shows the real thing: twelve weeks of nightly assessments worked out by
the real engine over past dates (wellbeing/risk/demo.py), and a demo officer who can log last night."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from exposure.models import ShiftLog
from portal.demo import DEMO_USERNAMES
from portal.models import User
from wellbeing.models import RiskAssessment
from wellbeing.risk.demo import HISTORY_DAYS, keep, sweep_times

LONDON = ZoneInfo("Europe/London")


def test_demo_history_sweep_times_are_at_half_past_two_london_time_across_the_clock_change():
    now = datetime(2026, 11, 30, 12, 0, tzinfo=dt_timezone.utc)
    times = sweep_times(now)
    assert len(times) == HISTORY_DAYS and times == sorted(times) and times[-1] < now
    assert {(t.astimezone(LONDON).hour, t.astimezone(LONDON).minute) for t in times} == {(2, 30)}
    assert times[0].astimezone(LONDON).date() == now.date() - timedelta(days=HISTORY_DAYS)


def test_demo_history_keeps_the_first_a_changed_finding_and_one_a_week():
    at = datetime(2026, 11, 1, 2, 30, tzinfo=dt_timezone.utc)
    assert keep(None, "a", at)
    assert not keep(("a", at), "a", at + timedelta(days=6))
    assert keep(("a", at), "b", at + timedelta(days=1))
    assert keep(("a", at), "a", at + timedelta(days=7))


@pytest.mark.django_db
@override_settings(DEBUG=True, DEMO_PASSWORD="a-demo-password")
def test_demo_history_every_officer_has_twelve_weeks_of_past_assessments_and_one_current():
    call_command("seed_demo", verbosity=0)
    now = timezone.now()
    officers = User.objects.filter(is_officer=True, organisation__slug="northmoor-police")
    assert officers.count() >= 20
    for officer in officers:
        rows = list(RiskAssessment.objects.filter(officer=officer).order_by("computed_at"))
        past = [r for r in rows if not r.is_current]
        assert len([r for r in rows if r.is_current]) == 1, officer.username
        assert len(past) >= 12, officer.username  # at least one a week
        assert past[0].computed_at <= now - timedelta(days=HISTORY_DAYS - 1)
        # a stored row at least once a week: no gap between past nights' rows over 7 days (plus the
        # hour a daylight-saving change adds), and the current one within a week and a day of the last
        # (the last past night may be up to a day before this moment). Counting calendar weeks back
        # from the test's own clock instead failed when the test ran near the sweep's 02:30.
        times = [r.computed_at for r in past]
        gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
        assert max(gaps) <= timedelta(days=7, hours=1), officer.username
        current = next(r for r in rows if r.is_current)
        assert current.computed_at - times[-1] <= timedelta(days=8, hours=1), officer.username
    # idempotent: a second seed adds no history
    count = RiskAssessment.objects.filter(is_current=False).count()
    call_command("seed_demo", verbosity=0)
    assert RiskAssessment.objects.filter(is_current=False).count() == count


@pytest.mark.django_db
@override_settings(DEBUG=True, DEMO_PASSWORD="a-demo-password")
def test_demo_history_leaves_last_night_unlogged_and_the_cse_and_firearms_demo_users_sign_in(client):
    call_command("seed_demo", verbosity=0)
    today = timezone.localdate()
    officer = User.objects.get(username="demo.officer")
    assert not ShiftLog.objects.filter(officer=officer, shift_date__gte=today - timedelta(days=1)).exists()
    assert {"demo.cse", "demo.firearms"} <= set(DEMO_USERNAMES)
    assert User.objects.get(username="demo.cse").high_risk_role == "cse_review"
    assert User.objects.get(username="demo.firearms").high_risk_role == "firearms"
    client.post("/accounts/login/", {"username": "demo.cse", "password": "a-demo-password"})
    assert 'href="/exposure/viewing/"' in client.get("/exposure/").content.decode()
