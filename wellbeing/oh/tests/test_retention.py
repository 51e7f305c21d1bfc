"""Retention: records past their period are erased for leavers without a legal hold, with a frozen
clock passed in as `now`; audit events are never touched; the report holds counts only."""

from datetime import date, datetime, timedelta
from datetime import timezone as tz

import pytest

from exposure.models import Exposure, ShiftLog
from portal.models import AuditEvent, User
from wellbeing.models import (
    CheckIn,
    ErasureReport,
    Flag,
    LegalHold,
    OHCaseNote,
    Referral,
    RetentionPolicy,
    RiskAssessment,
)
from wellbeing.oh.services import retention_cutoff, retention_erase
from wellbeing.tasks import retention_sweep
from wellbeing.tests.helpers import make_checkin
from wellbeing.tests.risk_data import add_exposure

pytestmark = pytest.mark.django_db
NOW = datetime(2031, 6, 15, 12, 0, tzinfo=tz.utc)


@pytest.mark.parametrize(("today", "years", "cutoff"), [
    (date(2031, 6, 15), 6, date(2025, 6, 15)),
    (date(2032, 2, 29), 6, date(2026, 2, 28)),
    (date(2032, 2, 29), 4, date(2028, 2, 29)),
    (date(2031, 1, 1), 1, date(2030, 1, 1)),
])
def test_the_cutoff_is_the_same_day_so_many_years_before(today, years, cutoff):
    assert retention_cutoff(today, years) == cutoff


def history(person, oh):
    make_checkin(person, "phq9", [1] * 9, comment="words")
    add_exposure(person, days_ago=3)
    from wellbeing.tests.factories import FlagFactory, RiskAssessmentFactory

    assessment = RiskAssessmentFactory(officer=person, level="amber", score=1, codes=())
    FlagFactory(officer=person, reason_code="pulse_falling", assessment=assessment, acknowledge_by=NOW)
    Referral.objects.create(person=person, kind="trim", referred_on=date(2024, 1, 1))
    OHCaseNote.objects.create(person=person, author=oh, text="note")
    AuditEvent.objects.create(action="oh_case_view", actor=oh, subject=person, reason="referral")


def records_of(person) -> dict:
    return {"checkins": CheckIn.objects.filter(officer=person).count(),
            "shifts": ShiftLog.objects.filter(officer=person).count(),
            "exposures": Exposure.objects.filter(officer=person).count(),
            "assessments": RiskAssessment.objects.filter(officer=person).count(),
            "flags": Flag.objects.filter(officer=person).count(),
            "referrals": Referral.objects.filter(person=person).count(),
            "notes": OHCaseNote.objects.filter(person=person).count()}


def test_the_default_policy_is_six_years_for_every_record_type():
    policies = dict(RetentionPolicy.objects.values_list("record_type", "years_after_employment"))
    assert policies == {t: 6 for t in RetentionPolicy.RecordType.values}


def test_a_leaver_past_six_years_is_erased_and_the_audit_trail_is_kept(officer, teammate, outsider, oh):
    for person in (officer, teammate, outsider):
        history(person, oh)
    User.objects.filter(pk=officer.pk).update(employment_ended_on=date(2025, 6, 14))  # 6 years + 1 day
    User.objects.filter(pk=teammate.pk).update(employment_ended_on=date(2025, 6, 15))  # exactly 6 years: kept
    audit_before = list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "subject_id"))

    report = retention_erase(now=NOW)

    assert set(records_of(officer).values()) == {0}
    assert set(records_of(teammate).values()) == {1}
    assert set(records_of(outsider).values()) == {1}
    assert User.objects.filter(pk=officer.pk).exists()  # the account itself is the admin's to close
    audit_after = list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "subject_id"))
    assert audit_after[: len(audit_before)] == audit_before
    assert report.people == 1
    assert report.counts == {"flags": 1, "checkins": 1, "assessments": 1, "exposures": 1, "shifts": 1,
                             "referrals": 1, "case_notes": 1, "welfare_actions": 0, "help_requests": 0,
                             "help_contacts": 0, "screenings": 0}
    event = AuditEvent.objects.get(action="retention_erasure")
    assert event.detail == {"people": 1, "counts": report.counts} and event.subject is None


def test_a_legal_hold_stops_erasure_until_it_is_lifted(officer, oh):
    history(officer, oh)
    User.objects.filter(pk=officer.pk).update(employment_ended_on=date(2020, 1, 1))
    hold = LegalHold.objects.create(person=officer, reason="claim", placed_by=oh)
    assert retention_erase(now=NOW).people == 0
    assert set(records_of(officer).values()) == {1}
    LegalHold.objects.filter(pk=hold.pk).update(lifted_at=NOW)
    assert retention_erase(now=NOW + timedelta(days=1)).people == 1
    assert set(records_of(officer).values()) == {0}


def test_each_record_type_keeps_its_own_period(officer, oh):
    history(officer, oh)
    User.objects.filter(pk=officer.pk).update(employment_ended_on=date(2028, 1, 1))
    RetentionPolicy.objects.filter(record_type="checkins").update(years_after_employment=2)
    report = retention_erase(now=NOW)
    assert report.counts["checkins"] == 1 and report.counts["case_notes"] == 0
    assert records_of(officer)["checkins"] == 0 and records_of(officer)["notes"] == 1


def test_people_still_employed_are_never_erased(officer, oh):
    history(officer, oh)
    retention_erase(now=NOW + timedelta(days=365 * 50))
    assert set(records_of(officer).values()) == {1}


def test_a_rerun_erases_nothing_more_and_reports_zero(officer, oh):
    history(officer, oh)
    User.objects.filter(pk=officer.pk).update(employment_ended_on=date(2020, 1, 1))
    retention_erase(now=NOW)
    again = retention_erase(now=NOW)
    assert again.people == 0 and set(again.counts.values()) == {0}
    assert ErasureReport.objects.count() == 2


def test_the_daily_task_runs_the_sweep_with_the_real_clock(officer, oh, monkeypatch):
    from django.utils import timezone

    history(officer, oh)
    User.objects.filter(pk=officer.pk).update(employment_ended_on=date(2020, 1, 1))
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    result = retention_sweep.delay().get()
    assert result["people"] == 1 and result["checkins"] == 1
    assert ErasureReport.objects.get().ran_at == NOW


def test_the_retention_sweep_is_on_the_beat_schedule():
    from config.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["retention-sweep"]
    assert entry["task"] == "wellbeing.retention_sweep" and entry["options"]["expires"] > 0


# ----------------------------------------------------------------------------- help requests


def help_requests(person, peer):
    """One closed request with a contact, and one still open, of `person` to `peer`."""
    from wellbeing.models import HelpContact, HelpRequest

    closed = HelpRequest.objects.create(officer=person, organisation_id=person.organisation_id, peer=peer,
                                        status=HelpRequest.Status.CLOSED, closed_at=datetime(2024, 3, 1, tzinfo=tz.utc))
    HelpContact.objects.create(request=closed, on=date(2024, 2, 20), kind=HelpContact.Kind.values[0],
                               recorded_by=peer)
    still_open = HelpRequest.objects.create(officer=person, organisation_id=person.organisation_id, peer=peer)
    return closed, still_open


def test_help_requests_have_a_six_year_policy_and_old_closed_ones_are_erased_with_their_contacts(
        officer, teammate, oh):
    from wellbeing.models import HelpContact, HelpRequest

    assert RetentionPolicy.objects.get(record_type="help_requests").years_after_employment == 6
    closed, still_open = help_requests(officer, oh)
    kept, _open = help_requests(teammate, oh)
    User.objects.filter(pk=officer.pk).update(employment_ended_on=date(2025, 6, 14))  # 6 years + 1 day
    User.objects.filter(pk=teammate.pk).update(employment_ended_on=date(2025, 6, 15))  # exactly 6 years
    report = retention_erase(now=NOW)
    assert report.counts["help_requests"] == 1 and report.counts["help_contacts"] == 1
    assert not HelpRequest.objects.filter(pk=closed.pk).exists()
    assert not HelpContact.objects.filter(request_id=closed.pk).exists()
    # one still open is in someone's queue: kept until it is closed there
    assert HelpRequest.objects.filter(pk=still_open.pk).exists()
    assert HelpContact.objects.filter(request=kept).count() == 1 and HelpRequest.objects.filter(
        officer=teammate).count() == 2
    HelpRequest.objects.filter(pk=still_open.pk).update(status=HelpRequest.Status.CLOSED)
    assert retention_erase(now=NOW).counts["help_requests"] == 1
    assert not HelpRequest.objects.filter(officer=officer).exists()


def test_a_legal_hold_keeps_help_requests_until_it_is_lifted(officer, oh):
    from wellbeing.models import HelpRequest

    closed, _open = help_requests(officer, oh)
    User.objects.filter(pk=officer.pk).update(employment_ended_on=date(2020, 1, 1))
    hold = LegalHold.objects.create(person=officer, reason="claim", placed_by=oh)
    assert retention_erase(now=NOW).counts["help_requests"] == 0
    assert HelpRequest.objects.filter(pk=closed.pk).exists()
    LegalHold.objects.filter(pk=hold.pk).update(lifted_at=NOW)
    assert retention_erase(now=NOW + timedelta(days=1)).counts["help_requests"] == 1
    assert not HelpRequest.objects.filter(pk=closed.pk).exists()
