"""Screening pages: OH's list and record (validated, every read audited), the completion-only
pages of supervisors and the wellbeing lead, and the officer's own page."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from portal.tests.factories import OfficerFactory, UserFactory
from wellbeing.models import Screening


def in_role(person, role="firearms", since=None):
    person.high_risk_role = role
    person.high_risk_role_since = since or timezone.localdate() - timedelta(days=400)
    person.save()
    return person


def open_screening(person, **fields):
    values = {"kind": "screening", "role": person.high_risk_role, "role_since": person.high_risk_role_since,
              "due_on": timezone.localdate() - timedelta(days=5)}
    values.update(fields)
    return Screening.objects.create(person=person, **values)


@pytest.fixture
def lead(force):
    return UserFactory(username="lead", organisation=force, is_wellbeing_lead=True)


# ----------------------------------------------------------------------------- OH


def test_oh_lists_open_screenings_of_its_organisations_only(login, oh, officer, foreign_officer):
    mine = open_screening(in_role(officer))
    theirs = open_screening(in_role(foreign_officer))
    page = login(oh).get(reverse("screening:oh-list"))
    assert page.status_code == 200
    assert reverse("screening:oh-record", args=[mine.pk]) in page.text
    assert reverse("screening:oh-record", args=[theirs.pk]) not in page.text
    assert AuditEvent.objects.filter(action="list_viewed", detail__page="oh_screening").exists()


def test_screening_overdue_missed_oh_sees_how_many_are_overdue(login, oh, officer, teammate):
    open_screening(in_role(officer))
    open_screening(in_role(teammate), due_on=timezone.localdate() + timedelta(days=3))
    page = login(oh).get(reverse("screening:oh-list"))
    assert "1 screening or appointment is overdue." in page.text


def test_oh_list_filters_by_state_kind_and_role(login, oh, officer, teammate):
    overdue = open_screening(in_role(officer))
    done = open_screening(in_role(teammate, "cse_review"), completed_on=timezone.localdate(), attended="yes")
    client = login(oh)
    text = client.get(reverse("screening:oh-list"), {"state": "completed"}).text
    assert reverse("screening:oh-record", args=[done.pk]) in text
    assert reverse("screening:oh-record", args=[overdue.pk]) not in text
    text = client.get(reverse("screening:oh-list"), {"state": "overdue", "role": "firearms"}).text
    assert reverse("screening:oh-record", args=[overdue.pk]) in text
    text = client.get(reverse("screening:oh-list"), {"state": "", "kind": "appointment"}).text
    assert "No screenings match." in text
    assert client.get(reverse("screening:oh-list"), {"state": "nonsense"}).status_code == 200


def test_oh_list_is_paginated_and_its_query_count_does_not_grow(login, oh, force, django_assert_max_num_queries):
    for i in range(30):
        open_screening(in_role(OfficerFactory(organisation=force, username=f"p{i}")))
    client = login(oh)
    client.get(reverse("screening:oh-list"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("screening:oh-list"))
    assert len(re.findall(r"/screening/oh/\d+/", page.text)) == 25
    assert "Page 1 of 2" in page.text
    second = client.get(reverse("screening:oh-list"), {"state": "open", "kind": "", "role": "", "page": "2"})
    assert len(re.findall(r"/screening/oh/\d+/", second.text)) == 5
    assert "state=open&amp;kind=&amp;role=&amp;page=1" in second.text


def test_oh_reads_a_record_with_its_outcome_and_every_read_is_audited(login, oh, officer):
    screening = open_screening(in_role(officer), completed_on=timezone.localdate(), attended="yes",
                               outcome="structured_interview")
    page = login(oh).get(reverse("screening:oh-record", args=[screening.pk]))
    assert page.status_code == 200 and "Structured interview" in page.text
    event = AuditEvent.objects.get(action="screening_viewed")
    assert (event.actor, event.subject_id, event.object_id) == (oh, officer.pk, str(screening.pk))


def test_oh_of_another_organisation_gets_404(login, foreign_oh, officer):
    screening = open_screening(in_role(officer))
    assert login(foreign_oh).get(reverse("screening:oh-record", args=[screening.pk])).status_code == 404


def _post(client, screening, **data):
    return client.post(reverse("screening:oh-record", args=[screening.pk]), data)


def test_oh_records_an_appointment_then_attendance_completion_and_outcome(login, oh, officer):
    screening = open_screening(in_role(officer))
    client = login(oh)
    day = timezone.localdate()
    response = _post(client, screening, appointment_on=day.isoformat(), appointment_time="09:30")
    assert response.status_code == 302
    screening.refresh_from_db()
    assert timezone.localtime(screening.appointment_at).hour == 9 and screening.recorded_by == oh
    response = _post(client, screening, appointment_on=day.isoformat(), appointment_time="09:30", attended="yes",
                     completed_on=day.isoformat(), outcome="no_action")
    assert response.status_code == 302
    screening.refresh_from_db()
    assert (screening.attended, screening.completed_on, screening.outcome) == ("yes", day, "no_action")
    event = AuditEvent.objects.filter(action="screening_recorded").latest("pk")
    assert "no_action" not in str(event.detail)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"outcome": "no_action"}, "outcome", "Record the completion date before the outcome."),
    ({"completed_on": "TODAY"}, "completed_on", "choose “Attended” as well"),
    ({"attended": "yes"}, "attended", "Record the appointment date before its attendance."),
    ({"appointment_on": "TOMORROW", "appointment_time": "10:00", "attended": "yes"}, "attended",
     "has not happened yet"),
    ({"appointment_on": "TODAY", "appointment_time": "10:00", "attended": "yes", "completed_on": "TOMORROW"},
     "completed_on", "cannot be in the future"),
    ({"appointment_on": "TODAY"}, "appointment_time", "Enter the time of the appointment."),
    ({"appointment_on": "2001-01-01", "appointment_time": "10:00"}, "appointment_on", "within two years"),
    ({"appointment_on": "TODAY", "appointment_time": "25:00"}, "appointment_time", "Enter a valid time"),
])
def test_oh_record_refuses_what_does_not_add_up_with_a_clear_message(login, oh, officer, data, field, message):
    screening = open_screening(in_role(officer))
    day = timezone.localdate()
    dates = {"TODAY": day.isoformat(), "TOMORROW": (day + timedelta(days=1)).isoformat()}
    response = _post(login(oh), screening, **{k: dates.get(v, v) for k, v in data.items()})
    assert response.status_code == 400
    assert message in response.text
    screening.refresh_from_db()
    assert screening.recorded_by is None and screening.outcome == ""


def test_an_appointment_has_no_outcome_field(login, oh, officer):
    screening = open_screening(in_role(officer, "cse_review"), kind="appointment")
    page = login(oh).get(reverse("screening:oh-record", args=[screening.pk]))
    assert 'name="outcome"' not in page.text
    day = timezone.localdate().isoformat()
    _post(login(oh), screening, appointment_on=day, appointment_time="08:00", attended="yes", completed_on=day,
          outcome="further_support")
    screening.refresh_from_db()
    assert screening.completed_on and screening.outcome == ""


def test_a_withdrawn_screening_cannot_be_changed(login, oh, officer):
    screening = open_screening(in_role(officer), withdrawn_on=timezone.localdate())
    _post(login(oh), screening, appointment_on=timezone.localdate().isoformat(), appointment_time="08:00")
    screening.refresh_from_db()
    assert screening.appointment_at is None


def test_oh_case_page_lists_the_persons_screenings(login, oh, officer):
    screening = open_screening(in_role(officer), completed_on=timezone.localdate(), attended="yes",
                               outcome="further_support")
    client = login(oh)
    client.post(reverse("oh:case", args=[officer.pk]), {"reason": "escalated_flag"})
    page = client.get(reverse("oh:case", args=[officer.pk]))
    assert reverse("screening:oh-record", args=[screening.pk]) in page.text
    assert "Further psychological support" in page.text


# ----------------------------------------------------------------------------- completion only


def test_screening_overdue_missed_the_supervisor_sees_who_is_overdue_in_their_teams_only(
        login, supervisor, officer, teammate, outsider):
    in_role(officer)
    open_screening(officer, appointment_at=timezone.now(), attended="no")
    in_role(teammate, "cse_review", since=timezone.localdate() - timedelta(days=10))
    in_role(outsider)
    page = login(supervisor).get(reverse("screening:team"))
    assert page.status_code == 200
    assert str(officer) in page.text and str(teammate) in page.text and str(outsider) not in page.text
    assert "Overdue" in page.text and "Not due yet" in page.text
    assert "Completion only" in page.text
    assert "Did not attend" not in page.text and "Not booked" not in page.text


def test_team_page_query_count_does_not_grow(login, supervisor, force, team_a, django_assert_max_num_queries):
    for i in range(12):
        open_screening(in_role(OfficerFactory(organisation=force, team=team_a, username=f"t{i}")))
    client = login(supervisor)
    client.get(reverse("screening:team"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("screening:team")).status_code == 200


def test_lead_sees_counts_per_unit_and_role_with_small_numbers_suppressed(login, lead, force, team_a):
    # Names with hyphens: a random CSRF token (letters and digits) can never contain them by chance.
    for i in range(6):
        open_screening(in_role(OfficerFactory(organisation=force, team=team_a, username=f"fire-arms-{i}",
                                              last_name=f"Firearms-Surname-{i}")))
    for i in range(2):
        in_role(OfficerFactory(organisation=force, team=team_a, username=f"call-handler-{i}",
                               last_name=f"Caller-Surname-{i}"), "call_handling")
    page = login(lead).get(reverse("screening:lead"))
    assert page.status_code == 200
    text = page.text
    for named in ("fire-arms-", "call-handler-", "Firearms-Surname-", "Caller-Surname-"):
        assert named not in text  # nobody named
    assert '<td data-label="Overdue">6</td>' in text  # the six overdue firearms officers
    assert "&lt;5" in text  # the call handlers: a group of two


def test_the_officer_sees_their_due_date_and_appointment_never_the_outcome(login, officer):
    in_role(officer)
    open_screening(officer, appointment_at=timezone.now() + timedelta(days=3))
    Screening.objects.create(person=officer, kind="screening", role="firearms", role_since=officer.high_risk_role_since,
                             due_on=date(2025, 1, 1), completed_on=date(2025, 1, 2), attended="yes",
                             outcome="structured_interview")
    page = login(officer).get(reverse("screening:mine"))
    assert page.status_code == 200
    assert "Overdue" in page.text and "Your appointment" in page.text
    assert "Occupational health will discuss your results with you." in page.text
    assert "Structured interview" not in page.text


def test_an_officer_with_no_role_is_told_nothing_is_due(login, officer):
    officer.high_risk_role = ""
    officer.save()
    assert "You have no screening due" in login(officer).get(reverse("screening:mine")).text
