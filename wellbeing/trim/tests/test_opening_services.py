"""Opening TRiM cases: from a logged critical incident (once per shift), a supervisor's declared
incident (across teams, never another organisation's people) and a referral; the coordinator told."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from exposure.models import ExposureCategory, ShiftLog
from exposure.services import EntryData, shift_create, shift_update
from exposure.tests import helpers
from portal.models import AuditEvent, Notification
from portal.tests.factories import OfficerFactory, UserFactory
from wellbeing.models import TrimCase, TrimIncident
from wellbeing.risk.tests.test_notification_titles import names_in
from wellbeing.trim import opening

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(force):
    return UserFactory(username="coordinator", organisation=force, is_trim_coordinator=True)


def _at(days_ago=2, hour=14):
    return timezone.now().replace(hour=hour, minute=30, second=0, microsecond=0) - timedelta(days=days_ago)


def _critical(officer, *, days_ago=1, critical=True, start=time(7)):
    category = ExposureCategory.objects.get(role="call_handling", code="threat_to_life")
    return shift_create(officer=officer, shift_date=timezone.localdate() - timedelta(days=days_ago), start_time=start,
                        duration_minutes=480, role="call_handling",
                        entries=[EntryData(category=category, intensity=4, critical_incident=critical)])


# ----------------------------------------------------------------------------- pure helpers

def test_a_logged_incident_happened_at_the_start_of_its_shift():
    # 07:00 in British Summer Time is 06:00 UTC
    assert opening.logged_incident_time(date(2026, 7, 1), time(7)) == datetime(2026, 7, 1, 6, 0, tzinfo=UTC)


def test_a_logged_incident_with_no_known_start_is_taken_at_nine_in_the_morning_london_time():
    assert opening.logged_incident_time(date(2026, 1, 15)) == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    assert opening.logged_incident_time(date(2026, 7, 1)) == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_the_logged_title_is_neutral_and_names_the_shift_date():
    assert opening.logged_incident_title(date(2026, 3, 3)) == "Critical incident logged for the shift of 3 March 2026"


# ----------------------------------------------------------------------------- logged

def test_logging_a_critical_incident_opens_one_case_with_its_due_dates(officer, coordinator):
    shift = _critical(officer)
    case = TrimCase.objects.get(person=officer)
    assert case.shift_key == f"shift:{shift.pk}" and case.stage == TrimCase.Stage.NEW
    assert case.incident.source == TrimIncident.Source.LOGGED
    assert case.incident.organisation == officer.organisation
    assert case.incident.occurred_at == shift.starts_at
    assert case.assessment_due_at == shift.starts_at + timedelta(hours=72)
    assert case.followup_due_at == shift.starts_at + timedelta(days=28)
    assert case.incident.title.startswith("Critical incident logged for the shift of ")


def test_editing_the_same_shift_never_opens_a_second_case(officer, coordinator):
    shift = _critical(officer)
    category = ExposureCategory.objects.get(role="call_handling", code="threat_to_life")
    for intensity in (3, 5):
        shift_update(shift=shift, actor=officer, shift_date=shift.shift_date, start_time=shift.start_time,
                     duration_minutes=480, role="call_handling",
                     entries=[EntryData(category=category, intensity=intensity, critical_incident=True)])
    assert TrimCase.objects.filter(person=officer).count() == 1
    assert Notification.objects.filter(user=coordinator).count() == 1


def test_the_service_itself_is_idempotent_by_person_and_shift(officer):
    first = opening.open_from_logged_incident(officer, "shift:99", _at())
    again = opening.open_from_logged_incident(officer, "shift:99", _at(days_ago=1))
    assert first.pk == again.pk and TrimIncident.objects.count() == 1


def test_a_shift_without_a_critical_incident_opens_nothing(login, officer):
    shift = _critical(officer, critical=False)
    assert not TrimCase.objects.exists()
    assert 'id="trim-opened"' not in login(officer).get(f"/exposure/shifts/{shift.pk}/").content.decode()


def test_two_shifts_with_critical_incidents_open_two_cases(officer):
    _critical(officer, days_ago=1)
    _critical(officer, days_ago=3)
    assert TrimCase.objects.filter(person=officer).count() == 2


def test_the_officer_logging_through_the_form_has_their_case_at_once(login, officer):
    client = login(officer)
    response = client.post("/exposure/log/", helpers.firearms())
    assert 'id="trim-opened"' in client.get(response["Location"]).content.decode()
    assert TrimCase.objects.filter(person=officer, incident__source=TrimIncident.Source.LOGGED).count() == 1
    assert "Critical incident logged for the shift of" in client.get("/trim/mine/").content.decode()


def test_a_failure_to_open_never_loses_the_shift_and_the_sweep_opens_it_later(officer, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated")

    monkeypatch.setattr(opening, "open_from_logged_incident", broken)
    shift = _critical(officer)
    assert ShiftLog.objects.filter(pk=shift.pk).exists() and not TrimCase.objects.exists()
    assert f"shift_id={shift.pk}" in caplog.text
    monkeypatch.undo()
    assert opening.logged_incidents_sweep() == 1
    assert opening.logged_incidents_sweep() == 0
    assert TrimCase.objects.get(person=officer).shift_key == f"shift:{shift.pk}"


def test_trim_result_reaches_the_line_the_logged_case_audit_holds_no_free_text(officer):
    _critical(officer)
    event = AuditEvent.objects.get(action="trim_case_opened")
    assert event.subject_id == officer.pk and event.actor_id == officer.pk
    assert event.detail == {"incident": TrimIncident.objects.get().pk, "source": "logged"}


# ----------------------------------------------------------------------------- declared

def test_a_supervisor_declares_one_incident_for_people_of_several_teams(supervisor, officer, teammate, outsider):
    declared = opening.declare_incident(supervisor, "The collision on the A40", _at(), [officer, teammate, outsider])
    assert sorted(c.person_id for c in declared.opened) == sorted([officer.pk, teammate.pk, outsider.pk])
    incident = declared.incident
    assert incident.source == TrimIncident.Source.DECLARED and incident.created_by == supervisor
    assert incident.cases.count() == 3
    assert AuditEvent.objects.filter(action="trim_case_opened", actor=supervisor).count() == 3
    declared_event = AuditEvent.objects.get(action="trim_incident_declared")
    assert declared_event.detail == {"opened": 3, "existing": 0, "new": True}
    assert "A40" not in str(declared_event.detail)


def test_declaring_again_never_duplicates_a_persons_case(supervisor, officer, teammate):
    at = _at()
    opening.declare_incident(supervisor, "The collision on the A40", at, [officer, officer])
    again = opening.declare_incident(supervisor, "The collision on the A40", at, [officer, teammate])
    assert [c.person_id for c in again.existing] == [officer.pk]
    assert [c.person_id for c in again.opened] == [teammate.pk]
    assert TrimIncident.objects.count() == 1 and TrimCase.objects.count() == 2


def test_declaring_needs_nobody_to_have_logged_anything(supervisor, outsider):
    assert not ShiftLog.objects.exists()
    declared = opening.declare_incident(supervisor, "Sudden death, Mill Lane", _at(), [outsider])
    assert declared.opened[0].person == outsider


def test_a_person_of_another_organisation_is_refused(supervisor, officer, foreign_officer):
    with pytest.raises(opening.NotAllowed):
        opening.declare_incident(supervisor, "The collision on the A40", _at(), [officer, foreign_officer])
    assert not TrimCase.objects.exists() and not TrimIncident.objects.exists()


def test_an_inactive_person_is_refused(supervisor, force):
    gone = OfficerFactory(organisation=force, is_active=False)
    with pytest.raises(opening.NotAllowed):
        opening.declare_incident(supervisor, "The collision on the A40", _at(), [gone])


def test_an_officer_cannot_declare(officer, teammate):
    with pytest.raises(opening.NotAllowed):
        opening.declare_incident(officer, "The collision on the A40", _at(), [teammate])


def test_a_supervisor_with_a_granted_organisation_declares_there(supervisor, foreign_officer, other_force):
    supervisor.granted_organisations.add(other_force)
    declared = opening.declare_incident(supervisor, "Flood at the docks", _at(), [foreign_officer])
    assert declared.incident.organisation == other_force


def test_due_dates_follow_the_organisations_timings(supervisor, officer, force):
    force.trim_assessment_hours, force.trim_followup_days = 48, 30
    force.save()
    at = _at()
    case = opening.declare_incident(supervisor, "The collision on the A40", at, [officer]).opened[0]
    assert (case.assessment_due_at, case.followup_due_at) == (at + timedelta(hours=48), at + timedelta(days=30))


# ----------------------------------------------------------------------------- referred

def test_an_officer_refers_themself(officer):
    case = opening.refer(officer, officer, "Assault at the custody desk", _at())
    assert case.referred_by == officer and case.incident.source == TrimIncident.Source.REFERRED


def test_an_officer_cannot_refer_someone_else(officer, teammate):
    with pytest.raises(opening.NotAllowed):
        opening.refer(officer, teammate, "Assault at the custody desk", _at())
    assert not TrimCase.objects.exists()


def test_a_supervisor_refers_anyone_of_their_organisation_but_nobody_outside_it(supervisor, outsider,
                                                                              foreign_officer):
    case = opening.refer(supervisor, outsider, "Fatal fire, Station Road", _at())
    assert case.person == outsider and case.referred_by == supervisor
    with pytest.raises(opening.NotAllowed):
        opening.refer(supervisor, foreign_officer, "Fatal fire, Station Road", _at())


# ----------------------------------------------------------------------------- the coordinator is told

def test_trim_result_reaches_the_line_the_coordinator_notice_names_nobody_and_holds_no_health_detail(
        supervisor, officer, teammate, coordinator, force):
    other_coordinator = UserFactory(organisation=force, is_trim_coordinator=True)
    away = UserFactory(organisation=force, is_trim_coordinator=True, is_active=False)
    for person, name in ((officer, "Quarrington-Vesey"), (teammate, "Zbrowski")):
        person.last_name = name
        person.save(update_fields=["last_name"])
    opening.declare_incident(supervisor, "The collision on the A40", _at(), [officer, teammate])
    notes = list(Notification.objects.all())
    assert {n.user for n in notes} == {coordinator, other_coordinator} and away not in {n.user for n in notes}
    for note in notes:
        text = f"{note.title} {note.body}".lower()
        assert note.link == "/trim/" and note.email_wanted
        assert note.title == "2 new TRiM cases have opened"
        for word in (officer.last_name, teammate.last_name, officer.username, "a40", "collision", "band",
                     "raised", "health", "trauma", "stress"):
            assert word.lower() not in text


def test_trim_deadline_missed_with_no_coordinator_a_new_case_reaches_oh_at_once(officer, oh, force):
    """A force with nobody in the coordinator role: the opening is not left unseen until the
    assessment is a day late; OH is told at once (and once), with no name or health detail."""
    other_force_oh = UserFactory(is_oh=True)
    opening.refer(officer, officer, "Assault at the custody desk", _at())
    case = TrimCase.objects.get()
    assert opening.notify_coordinators(case.incident, [case]) == 0  # told already: once only
    notes = list(Notification.objects.all())
    assert [n.user for n in notes] == [oh] and other_force_oh not in {n.user for n in notes}
    assert notes[0].link == "/oh/" and notes[0].email_wanted
    assert "no active TRiM coordinator" in notes[0].body and not names_in(notes[0].body, officer, ("last_name",))


def test_each_opening_tells_the_coordinator_once(officer, coordinator):
    opening.refer(officer, officer, "Assault at the custody desk", _at())
    case = TrimCase.objects.get()
    assert opening.notify_coordinators(case.incident, [case]) == 0  # already told
    assert Notification.objects.filter(user=coordinator).count() == 1


def test_a_coordinator_of_another_organisation_is_not_told(officer, other_force):
    UserFactory(organisation=other_force, is_trim_coordinator=True)
    opening.refer(officer, officer, "Assault at the custody desk", _at())
    assert not Notification.objects.exists()


# ----------------------------------------------------------------------------- accept and decline

def _offered(person):
    case = opening.refer(person, person, "Assault at the custody desk", _at())
    TrimCase.objects.filter(pk=case.pk).update(stage=TrimCase.Stage.OFFERED)
    case.refresh_from_db()
    return case


def test_declining_is_recorded_with_its_time_and_the_offer_stays_open(officer):
    case = _offered(officer)
    at = _at(days_ago=0)
    assert opening.offer_decline(case=case, by=officer, now=at)
    case.refresh_from_db()
    assert case.offer == TrimCase.Offer.DECLINED and case.offer_answered_at == at
    assert opening.is_offer_open(case)
    assert not opening.offer_decline(case=case, by=officer)  # already declined: nothing changes
    assert opening.offer_accept(case=case, by=officer)
    case.refresh_from_db()
    assert case.offer == TrimCase.Offer.ACCEPTED
    events = AuditEvent.objects.filter(object_type="wellbeing.trimcase", object_id=str(case.pk),
                                       action__startswith="trim_offer").order_by("pk")
    assert [(e.action, e.subject_id, e.detail) for e in events] == [
        ("trim_offer_declined", officer.pk, {}), ("trim_offer_accepted", officer.pk, {})]


def test_only_the_person_answers_and_only_an_offered_case(officer, teammate):
    case = opening.refer(officer, officer, "Assault at the custody desk", _at())
    assert not opening.offer_accept(case=case, by=officer)  # not offered yet
    TrimCase.objects.filter(pk=case.pk).update(stage=TrimCase.Stage.OFFERED)
    case.refresh_from_db()
    assert not opening.offer_accept(case=case, by=teammate)
    TrimCase.objects.filter(pk=case.pk).update(stage=TrimCase.Stage.CLOSED)
    case.refresh_from_db()
    assert not opening.offer_decline(case=case, by=officer)
