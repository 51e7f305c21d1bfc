"""The daily screening sweep, on a fixed clock: cycles open when due, each invitation and reminder
goes once, a rerun changes nothing, a new role starts a new cycle."""

from datetime import date, datetime
from datetime import timezone as dt_timezone

import pytest
from django.db import IntegrityError

from portal.models import Notification
from wellbeing.models import Screening, ScreeningInterval
from wellbeing.screening import services


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 7, 45, tzinfo=dt_timezone.utc)


def sweep(day: date):
    return services.screening_sweep(today=day, now=at(day))


@pytest.fixture
def firearms(officer):
    officer.high_risk_role = "firearms"
    officer.high_risk_role_since = date(2026, 1, 1)
    officer.email = "officer@example.org"
    officer.save()
    return officer


def notices(person):
    return list(Notification.objects.filter(user=person).order_by("pk"))


def test_screening_overdue_missed_nothing_opens_before_the_due_window_then_one_cycle_and_one_invitation(firearms):
    # First screening due 90 days after 1 January: 1 April; the window opens 30 days before (2 March).
    assert sweep(date(2026, 3, 1)).opened == 0
    assert not Screening.objects.exists() and not notices(firearms)
    result = sweep(date(2026, 3, 2))
    assert (result.opened, result.invited, result.reminded) == (1, 1, 0)
    screening = Screening.objects.get()
    assert (screening.kind, screening.role, screening.role_since, screening.due_on) == (
        "screening", "firearms", date(2026, 1, 1), date(2026, 4, 1))
    assert screening.invited_at == at(date(2026, 3, 2))
    (note,) = notices(firearms)
    assert note.email_wanted and note.link == "/screening/mine/"


def test_screening_overdue_missed_running_twice_the_same_day_or_the_next_day_opens_and_sends_nothing_more(firearms):
    sweep(date(2026, 3, 2))
    again = sweep(date(2026, 3, 2))
    later = sweep(date(2026, 3, 20))
    assert (again.opened, again.invited, again.reminded, later.opened, later.invited) == (0, 0, 0, 0, 0)
    assert Screening.objects.count() == 1 and len(notices(firearms)) == 1


def test_screening_overdue_missed_the_reminder_goes_once_when_overdue_a_week_after_the_invitation(firearms):
    sweep(date(2026, 3, 2))
    assert sweep(date(2026, 4, 1)).reminded == 0  # the due day: not overdue yet
    result = sweep(date(2026, 4, 2))
    assert result.reminded == 1
    assert sweep(date(2026, 4, 2)).reminded == 0
    assert sweep(date(2026, 5, 1)).reminded == 0
    titles = [n.title for n in notices(firearms)]
    assert titles == ["Your routine screening is due", "Your routine screening is overdue"]
    assert Screening.objects.get().reminded_at == at(date(2026, 4, 2))


def test_no_reminder_once_an_appointment_is_booked(firearms):
    sweep(date(2026, 3, 2))
    Screening.objects.update(appointment_at=at(date(2026, 4, 20)))
    assert sweep(date(2026, 4, 5)).reminded == 0
    assert len(notices(firearms)) == 1


def test_screening_overdue_missed_someone_already_overdue_is_invited_now_and_reminded_a_week_later(firearms):
    result = sweep(date(2026, 6, 1))
    assert (result.opened, result.invited, result.reminded) == (1, 1, 0)
    assert sweep(date(2026, 6, 7)).reminded == 0
    assert sweep(date(2026, 6, 8)).reminded == 1


def test_screening_overdue_missed_after_completion_the_next_cycle_opens_the_interval_later(firearms):
    sweep(date(2026, 3, 2))
    Screening.objects.update(completed_on=date(2026, 3, 31), attended="yes")
    assert sweep(date(2027, 2, 28)).opened == 0  # due 31 March 2027: window opens 1 March
    result = sweep(date(2027, 3, 1))
    assert result.opened == 1
    assert Screening.objects.filter(completed_on__isnull=True).get().due_on == date(2027, 3, 31)


def test_six_monthly_for_cse_review_and_their_annual_appointment_too(firearms):
    firearms.high_risk_role = "cse_review"
    firearms.save()
    sweep(date(2026, 3, 2))
    assert set(Screening.objects.values_list("kind", flat=True)) == {"screening", "appointment"}
    titles = {n.title for n in notices(firearms)}
    assert titles == {"Your routine screening is due", "Your routine wellbeing appointment is due"}
    Screening.objects.filter(kind="screening").update(completed_on=date(2026, 3, 31), attended="yes")
    sweep(date(2026, 9, 1))  # 30 Sep due: window opens 31 Aug
    assert Screening.objects.get(kind="screening", completed_on__isnull=True).due_on == date(2026, 9, 30)


def test_screening_overdue_missed_a_new_role_withdraws_the_open_cycle_and_starts_again_from_its_start(firearms):
    sweep(date(2026, 3, 2))
    Screening.objects.update(completed_on=date(2026, 3, 10), attended="yes")
    firearms.high_risk_role = "counter_terrorism"
    firearms.high_risk_role_since = date(2026, 6, 1)
    firearms.save()
    # The firearms completion does not count: first due 90 days after 1 June (30 August).
    assert sweep(date(2026, 7, 30)).opened == 0
    assert sweep(date(2026, 7, 31)).opened == 1
    current = Screening.objects.get(completed_on__isnull=True)
    assert (current.role, current.due_on) == ("counter_terrorism", date(2026, 8, 30))
    firearms.high_risk_role = "firearms"
    firearms.high_risk_role_since = date(2026, 8, 1)
    firearms.save()
    result = sweep(date(2026, 8, 2))
    assert result.withdrawn == 1 and result.opened == 0
    assert Screening.objects.get(pk=current.pk).withdrawn_on == date(2026, 8, 2)


def test_leaving_the_role_or_the_portal_withdraws_the_open_cycle_and_nothing_more_is_sent(firearms):
    sweep(date(2026, 3, 2))
    firearms.high_risk_role = ""
    firearms.save()
    assert sweep(date(2026, 4, 10)).withdrawn == 1
    assert len(notices(firearms)) == 1
    assert sweep(date(2027, 4, 10)).opened == 0


def test_no_role_start_date_means_nothing_is_due(officer):
    assert officer.high_risk_role and officer.high_risk_role_since is None
    assert sweep(date(2030, 1, 1)).opened == 0


def test_an_organisations_own_interval_wins_over_the_default_and_inactive_means_none(firearms):
    ScreeningInterval.objects.create(organisation=firearms.organisation, role="firearms", kind="screening",
                                     interval_months=12, first_within_days=30)
    sweep(date(2026, 1, 2))  # due 31 January: in the window already
    assert Screening.objects.get().due_on == date(2026, 1, 31)
    ScreeningInterval.objects.filter(role="firearms").update(active=False)
    assert sweep(date(2026, 1, 3)).withdrawn == 1


def test_the_database_holds_one_open_cycle_per_person_and_kind(firearms):
    sweep(date(2026, 3, 2))
    with pytest.raises(IntegrityError):
        Screening.objects.create(person=firearms, kind="screening", role="firearms", role_since=date(2026, 1, 1),
                                 due_on=date(2026, 4, 2))


def test_the_notices_carry_no_result_words(firearms):
    sweep(date(2026, 3, 2))
    sweep(date(2026, 4, 10))
    text = " ".join(f"{n.title} {n.body}" for n in notices(firearms)).lower()
    for word in ("outcome", "result", "interview", "further psychological support", "no action"):
        assert word not in text


def test_the_task_runs_the_sweep_and_returns_counts(firearms, settings):
    from wellbeing.tasks import screening_sweep

    assert set(screening_sweep()) == {"opened", "invited", "reminded", "withdrawn"}
