"""Creating, changing and deleting the records people's wellbeing rests on is audited, without
content: who, what, whose, when, from where."""

from datetime import timedelta

from django.utils import timezone

from portal.models import AuditEvent
from wellbeing.risk.service import risk_recompute
from wellbeing.tests.risk_data import add_exposure


def events(action):
    return AuditEvent.objects.filter(action=action)


def test_logging_and_deleting_a_shift_is_audited_with_the_officer_as_actor(client, officer):
    client.force_login(officer)
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post("/exposure/log/", {"shift_date": day, "start_time": "07:00", "length_hours": "8",
                                             "role": "call_handling", "nothing_notable": "on"})
    assert response.status_code == 302
    created = events("exposure.shiftlog_created").get()
    assert (created.actor, created.subject, created.ip_address) == (officer, officer, "127.0.0.1")
    assert created.detail == {} and created.reason == ""
    client.post(f"/exposure/shifts/{created.object_id}/delete/")
    assert events("exposure.shiftlog_deleted").filter(subject=officer).exists()


def test_a_check_in_is_audited_but_its_answers_are_not(client, officer):
    from wellbeing.tests.factories import CheckInFactory

    CheckInFactory(officer=officer, instrument="gad7", answers=[3] * 7, comment="a private note")
    event = events("wellbeing.checkin_created").get()
    assert event.subject == officer and event.actor is None  # no request: a background save
    assert "private" not in str(event.__dict__) and "21" not in (event.object_type + str(event.detail))


def test_assessments_written_by_the_risk_engine_are_audited(officer, supervisor):
    for days in range(0, 30, 3):
        add_exposure(officer, days_ago=days, intensity=4, minutes=120)
    [assessment] = risk_recompute(officer_ids=[officer.pk])
    event = events("wellbeing.riskassessment_created").get()
    assert (event.subject_id, event.object_id) == (officer.pk, str(assessment.pk))
