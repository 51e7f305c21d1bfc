"""The demo history: months of shifts for every officer, idempotent, demo.officer's recent weeks heavier."""

from datetime import timedelta

from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone

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
    wanted = Exposure.objects.filter(role="call_handling", outcome_wanted=True)
    waiting = wanted.filter(outcome_shared_at__isnull=True)
    # supervisors have shared the older ticks; only the last week's wait (not 94 at once)
    assert wanted.exists() and waiting.exists() and wanted.filter(outcome_shared_at__isnull=False).exists()
    assert not waiting.filter(shift_date__lt=timezone.localdate() - timedelta(days=9)).exists()
    cse = Exposure.objects.filter(role="cse_review")
    assert cse.exclude(mitigations=[]).exists() and cse.filter(mitigations=[]).exists()
    assert ViewingSession.objects.filter(break_count__gt=0).exists()
    # each demo session's longest stretch is its viewing, or 50 minutes where it took breaks
    for session in ViewingSession.objects.all():
        assert session.longest_viewing_seconds == (
            min(session.viewed_seconds, 50 * 60) if session.break_count else session.viewed_seconds)
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


@override_settings(DEBUG=True, DEMO_PASSWORD="a-demo-password")
def test_the_demo_supervisor_has_a_recent_deployment_without_a_defined_task_to_debrief(db, login):
    call_command("seed_demo", verbosity=0)
    firearms = User.objects.get(username="demo.firearms")
    latest = ShiftLog.objects.filter(officer=firearms).latest("shift_date").shift_date
    assert Exposure.objects.filter(officer=firearms, role="firearms", defined_task=False,
                                   shift_date__gte=latest - timedelta(days=7)).exists()
    content = login(User.objects.get(username="demo.supervisor")).get("/team/deployments/").content.decode()
    assert '<th scope="row">Ruth Osei</th>' in content


def test_a_firearms_demo_officer_with_no_recent_deployment_gets_one_without_a_defined_task(db):
    from exposure.demo import _demo_deployment_without_task
    from exposure.services import EntryData
    from exposure.tests.factories import category_for

    officer = User(pk=1, username="demo.firearms")
    today = timezone.localdate()
    old, quiet = (ShiftLog(officer=officer, shift_date=today - timedelta(days=d), role="firearms", nothing_notable=True)
                  for d in (9, 2))
    logged_long_ago = [EntryData(category=category_for("firearms"), intensity=3, defined_task=True)]
    plans = [(old, logged_long_ago), (quiet, [])]
    _demo_deployment_without_task(plans, officer, [category_for("firearms")], since=today - timedelta(days=7))
    assert logged_long_ago[0].defined_task is True  # outside the week: left as it was
    assert [e.defined_task for e in plans[1][1]] == [False] and quiet.nothing_notable is False
    with_one = [EntryData(category=category_for("firearms"), intensity=3, defined_task=True)]
    _demo_deployment_without_task([(quiet, with_one)], officer, [category_for("firearms")],
                                  since=today - timedelta(days=7))
    assert [e.defined_task for e in with_one] == [False]


@override_settings(DEBUG=True, DEMO_PASSWORD="a-demo-password")
def test_the_demo_call_handler_has_one_open_and_one_answered_outcome_request_once(db):
    from exposure.models import OutcomeRequest

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    demo = User.objects.get(username="demo.officer")
    requests = OutcomeRequest.objects.filter(officer=demo)
    assert sorted(requests.values_list("status", flat=True)) == ["open", "shared"]
    answered = requests.get(status="shared")
    assert answered.answered_by.username == "demo.supervisor" and answered.answer
    assert all(r.shift.officer_id == demo.pk and r.shift.role == "call_handling" for r in requests)
    force = demo.organisation
    from exposure.outcomes import reference_error

    assert all(reference_error(force, r.reference) is None for r in requests)
