"""The demo history: months of shifts for every officer, idempotent, demo.officer's recent weeks heavier."""

from datetime import timedelta

from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings

from exposure.models import Exposure, ShiftChange, ShiftLog, ViewingSession
from portal.models import RecomputePending, User


@override_settings(DEBUG=True, DEMO_PASSWORD="a-demo-password")
def test_the_demo_history_is_rich_idempotent_and_heavier_lately_for_demo_officer(db):
    call_command("seed_demo", verbosity=0)
    counts = (ShiftLog.objects.count(), Exposure.objects.count(), ShiftChange.objects.count(),
              ViewingSession.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (ShiftLog.objects.count(), Exposure.objects.count(), ShiftChange.objects.count(),
            ViewingSession.objects.count()) == counts

    officers = User.objects.filter(is_officer=True, high_risk_role__in=[
        "call_handling", "cse_review", "firearms", "counter_terrorism"])
    for officer in officers:
        shifts = ShiftLog.objects.filter(officer=officer)
        assert shifts.count() >= 50, officer.username
        assert set(shifts.values_list("role", flat=True)) == {officer.high_risk_role}
        first = shifts.order_by("shift_date").first().shift_date
        assert (ShiftLog.objects.filter(officer=officer).latest("shift_date").shift_date - first).days >= 110

    assert Exposure.objects.filter(critical_incident=True).count() >= 2
    assert Exposure.objects.filter(role="call_handling", outcome_wanted=True).exists()
    cse = Exposure.objects.filter(role="cse_review")
    assert cse.exclude(mitigations=[]).exists() and cse.filter(mitigations=[]).exists()
    assert ViewingSession.objects.filter(break_count__gt=0).exists()
    assert not RecomputePending.objects.exists()  # the risk seed runs afterwards, not from here

    demo = User.objects.get(username="demo.officer")
    latest = ShiftLog.objects.filter(officer=demo).latest("shift_date").shift_date
    recent = Exposure.objects.filter(officer=demo, shift_date__gt=latest - timedelta(days=21))
    earlier = Exposure.objects.filter(officer=demo, shift_date__lte=latest - timedelta(days=21))
    recent_per_day = recent.aggregate(s=Sum("dose"))["s"] / 21
    earlier_per_day = earlier.aggregate(s=Sum("dose"))["s"] / 99
    assert recent_per_day > 1.5 * earlier_per_day
    assert Exposure.objects.filter(officer=demo, critical_incident=True, shift_date=latest).exists()
    # Seeded shifts are past their edit window, except perhaps the last week's.
    assert ShiftLog.objects.filter(officer=demo, shift_date__lt=latest - timedelta(days=10)).first().is_editable() \
        is False
