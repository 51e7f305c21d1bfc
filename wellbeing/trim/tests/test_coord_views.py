"""The coordinator's and practitioners' pages: access, the audit of every read, the forms' messages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import AuditEvent
from portal.tests.factories import OfficerFactory
from wellbeing.models import Referral, TrimAssessment, TrimCase
from wellbeing.trim import casework
from wellbeing.trim.tests.coord_factories import make_case, make_coordinator, make_incident, make_practitioner

S, R, A = TrimCase.Stage, TrimCase.Response, TrimAssessment.Action


@pytest.fixture
def coordinator(force):
    return make_coordinator(force)


@pytest.fixture
def practitioner(force):
    return make_practitioner(force)


@pytest.fixture
def incident(force):
    return make_incident(force, title="Fire at Ashcombe Road flats")


@pytest.fixture
def case(incident, officer, practitioner):
    return make_case(incident, officer, practitioner=practitioner, stage=S.OFFERED, response=R.ASSESSMENT)


# ----------------------------------------------------------------------------- the queue


def test_the_coordinator_sees_every_open_case_new_ones_first(login, coordinator, case, incident, outsider):
    new = make_case(incident, outsider)
    response = login(coordinator).get("/trim/")
    assert response.status_code == 200
    rows = [r["case"] for r in response.context["rows"]]
    assert rows == [new, case]
    assert "Needs planning" in response.content.decode()


def test_a_practitioner_sees_only_their_own_cases(login, practitioner, case, incident, outsider):
    make_case(incident, outsider)
    response = login(practitioner).get("/trim/")
    assert [r["case"] for r in response.context["rows"]] == [case]


def test_the_queue_filters_by_incident_and_shows_closed_cases_apart(login, coordinator, case, force, outsider):
    other = make_case(make_incident(force, title="Collision on the A40"), outsider)
    client = login(coordinator)
    assert [r["case"] for r in client.get(f"/trim/?incident={other.incident_id}").context["rows"]] == [other]
    casework.case_close(case=case, by=coordinator)
    assert [r["case"] for r in client.get("/trim/").context["rows"]] == [other]
    assert [r["case"] for r in client.get("/trim/?show=closed").context["rows"]] == [case]


def test_an_overdue_assessment_is_marked(login, coordinator, force, officer):
    make_case(make_incident(force, days_ago=10), officer, response=R.ASSESSMENT, stage=S.PLANNED)
    assert "Overdue" in login(coordinator).get("/trim/").content.decode()


def test_empty_states(login, coordinator, practitioner):
    assert "No open TRiM cases." in login(coordinator).get("/trim/").content.decode()
    assert "No TRiM cases are assigned to you." in login(practitioner).get("/trim/").content.decode()


def test_the_coordinator_finds_the_reports_from_the_queue_and_a_practitioner_does_not(
        login, coordinator, practitioner):
    assert 'href="/trim/reports/"' in login(coordinator).get("/trim/").content.decode()
    assert 'href="/trim/reports/"' not in login(practitioner).get("/trim/").content.decode()


@pytest.mark.parametrize("who", ["supervisor", "trainer", "officer", "oh"])
def test_the_queue_is_closed_to_other_roles(request, login, case, who):
    assert login(request.getfixturevalue(who)).get("/trim/").status_code == 403


def test_the_queue_takes_the_same_number_of_queries_for_3_or_30_cases(login, coordinator, force, team_a,
                                                                     django_assert_max_num_queries):
    incident = make_incident(force)
    practitioner = make_practitioner(force)

    def add(n):
        for _ in range(n):
            make_case(incident, OfficerFactory(organisation=force, team=team_a), practitioner=practitioner)

    client = login(coordinator)
    add(3)
    client.get("/trim/")  # warm the session and the cache
    with django_assert_max_num_queries(14) as few:
        client.get("/trim/")
    add(27)
    with django_assert_max_num_queries(len(few)):
        response = client.get("/trim/")
    assert len(response.context["rows"]) == 25


def test_trim_result_reaches_the_line_a_supervising_coordinator_is_told_another_handles_it(
        login, supervisor, case):
    supervisor.is_trim_coordinator = True
    supervisor.save(update_fields=["is_trim_coordinator"])
    client = login(supervisor)
    response = client.get("/trim/")
    assert response.context["rows"] == [] and response.context["in_own_line"] == 1
    assert "another coordinator handles it" in response.content.decode()
    assert client.get(f"/trim/cases/{case.pk}/").status_code == 404
    assert client.get(f"/trim/cases/{case.pk}/assign/").status_code == 404


# ----------------------------------------------------------------------------- the case


def test_every_read_of_a_case_is_audited(login, coordinator, practitioner, case, officer):
    login(coordinator).get(f"/trim/cases/{case.pk}/")
    login(practitioner).get(f"/trim/cases/{case.pk}/")
    response = login(practitioner).get(f"/trim/cases/{case.pk}/")
    assert response.status_code == 200
    events = AuditEvent.objects.filter(action="trim_case_viewed", subject_id=officer.pk, object_id=str(case.pk))
    assert sorted(e.actor_id for e in events) == sorted([coordinator.pk, practitioner.pk, practitioner.pk])


def test_the_case_is_hidden_from_another_organisations_coordinator_and_another_practitioner(
        login, case, other_force, force):
    assert login(make_coordinator(other_force, username="far")).get(f"/trim/cases/{case.pk}/").status_code == 404
    assert login(make_practitioner(force, username="idle")).get(f"/trim/cases/{case.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="trim_case_viewed").exists()


@pytest.mark.parametrize("who", ["supervisor", "trainer", "officer", "teammate"])
def test_trim_result_reaches_the_line_the_case_page_is_closed_to_supervisors_trainers_and_officers(
        request, login, case, who):
    assert login(request.getfixturevalue(who)).get(f"/trim/cases/{case.pk}/").status_code == 403


def test_the_practitioner_cannot_assign_or_close(login, practitioner, case):
    client = login(practitioner)
    assert client.get(f"/trim/cases/{case.pk}/assign/").status_code == 403
    assert client.post(f"/trim/cases/{case.pk}/close/").status_code == 403
    assert client.get(f"/trim/incidents/{case.incident_id}/").status_code == 403


def test_the_coordinator_closes_a_case(login, coordinator, case):
    response = login(coordinator).post(f"/trim/cases/{case.pk}/close/")
    assert response.status_code == 302
    assert TrimCase.objects.get(pk=case.pk).stage == S.CLOSED


# ----------------------------------------------------------------------------- assigning


@pytest.fixture
def chain(supervisor, other_supervisor, team_b):
    """The supervisor sits in team B, so other_supervisor supervises the officer's supervisor;
    both are trained practitioners."""
    supervisor.team = team_b
    for boss in (supervisor, other_supervisor):
        boss.is_trim_practitioner = True
        boss.save()
    return supervisor, other_supervisor


def test_the_candidate_list_leaves_out_the_line(login, coordinator, practitioner, case, chain):
    form = login(coordinator).get(f"/trim/cases/{case.pk}/assign/").context["form"]
    assert form.candidates == [practitioner]


@pytest.mark.parametrize("level", [0, 1])
def test_trim_practitioner_in_line_chain_a_tampered_post_is_refused_with_a_clear_message(
        login, coordinator, case, chain, level):
    boss = chain[level]
    response = login(coordinator).post(f"/trim/cases/{case.pk}/assign/", {"practitioner": boss.pk})
    assert response.status_code == 400
    assert (f"{boss} supervises this person, so cannot be their TRiM practitioner. Choose someone outside "
            "their line management.") in response.context["form"].errors["practitioner"]
    assert TrimCase.objects.get(pk=case.pk).practitioner != boss


def test_assigning_a_candidate(login, coordinator, case, force):
    other = make_practitioner(force, username="second")
    response = login(coordinator).post(f"/trim/cases/{case.pk}/assign/", {"practitioner": other.pk})
    assert response.status_code == 302
    assert TrimCase.objects.get(pk=case.pk).practitioner == other


# ----------------------------------------------------------------------------- the planning meeting


def test_the_planning_meeting_date_cannot_be_in_the_future_or_before_the_incident(login, coordinator, incident,
                                                                                  officer):
    new = make_case(incident, officer)
    client = login(coordinator)
    url = f"/trim/incidents/{incident.pk}/"
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(url, {"held_on": tomorrow.isoformat(), f"response-{new.pk}": "briefing"})
    assert response.context["form"].errors["held_on"] == ["The date cannot be in the future."]
    before = timezone.localdate(incident.occurred_at) - timedelta(days=1)
    response = client.post(url, {"held_on": before.isoformat(), f"response-{new.pk}": "briefing"})
    assert response.context["form"].errors["held_on"] == ["The planning meeting cannot be before the incident."]
    response = client.post(url, {"held_on": timezone.localdate().isoformat()})
    assert response.status_code == 400 and f"response-{new.pk}" in response.context["form"].errors
    response = client.post(url, {"held_on": timezone.localdate().isoformat(), f"response-{new.pk}": "briefing"})
    assert response.status_code == 302
    assert TrimCase.objects.get(pk=new.pk).stage == S.PLANNED


# ----------------------------------------------------------------------------- assessments


def _post(client, case, stage="initial", **data):
    payload = {"held_on": timezone.localdate().isoformat(), "band": "low", "action": "none"}
    payload.update(data)
    return client.post(f"/trim/cases/{case.pk}/assessments/{stage}/", payload)


def test_line_manager_made_aware_needs_agreement_or_urgency(login, practitioner, case):
    client = login(practitioner)
    response = _post(client, case, action="line_manager")
    assert response.status_code == 400
    assert response.context["form"].errors["action"] == [
        "The line manager can be made aware only if the person agreed or urgent support is needed: tick the box "
        "that applies, or choose another action."]
    assert _post(client, case, action="line_manager", line_manager_urgent="on").status_code == 302


def test_a_named_service_is_required_for_that_action_and_only_then(login, practitioner, case):
    client = login(practitioner)
    response = _post(client, case, action="named_service")
    assert response.context["form"].errors["service"] == ["Enter the name of the service the person is referred to."]
    response = _post(client, case, action="peer_support", service="Employee assistance programme")
    assert response.context["form"].errors["service"] == [
        "Leave the named service empty unless the action is a referral to a named service."]


def test_the_assessment_date_cannot_be_in_the_future_or_before_the_incident(login, practitioner, case):
    client = login(practitioner)
    response = _post(client, case, held_on=(timezone.localdate() + timedelta(days=1)).isoformat())
    assert response.context["form"].errors["held_on"] == ["The date cannot be in the future."]
    before = timezone.localdate(case.incident.occurred_at) - timedelta(days=1)
    response = _post(client, case, held_on=before.isoformat())
    assert response.context["form"].errors["held_on"] == ["The assessment cannot be before the incident."]


def test_the_follow_up_only_after_the_initial_and_each_once(login, practitioner, case):
    client = login(practitioner)
    response = _post(client, case, stage="follow_up")
    assert response.status_code == 400
    assert "Record the initial assessment before the follow-up." in response.context["form"].non_field_errors()
    assert client.get(f"/trim/cases/{case.pk}/assessments/follow_up/").status_code == 302
    assert _post(client, case).status_code == 302
    response = _post(client, case)
    assert "This assessment is already recorded for this case." in response.context["form"].non_field_errors()
    assert client.get(f"/trim/cases/{case.pk}/assessments/initial/").status_code == 302
    assert client.get(f"/trim/cases/{case.pk}/assessments/unknown/").status_code == 404


def test_a_raised_follow_up_from_the_form_reaches_oh(login, practitioner, case, oh):
    client = login(practitioner)
    _post(client, case)
    assert _post(client, case, stage="follow_up", band="raised", action="peer_support").status_code == 302
    assert Referral.objects.filter(person=case.person, kind=Referral.Kind.TRIM).count() == 1


def test_the_portal_asks_no_trim_form_questions(login, practitioner, case):
    form = login(practitioner).get(f"/trim/cases/{case.pk}/assessments/initial/").context["form"]
    assert set(form.fields) == {"held_on", "band", "action", "line_manager_consent", "line_manager_urgent",
                                "service"}


def test_the_incident_page_lists_the_people_and_the_planning_form(login, coordinator, case, officer):
    response = login(coordinator).get(f"/trim/incidents/{case.incident_id}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fire at Ashcombe Road flats" in body and str(officer) in body
    assert f'name="response-{case.pk}"' in body
    assert AuditEvent.objects.filter(action="list_viewed", detail__page="trim_incident").exists()


def test_the_case_page_shows_the_assessments_band_and_action(login, practitioner, case):
    client = login(practitioner)
    _post(client, case, band="raised", action="named_service", service="Veterans' trauma network")
    body = client.get(f"/trim/cases/{case.pk}/").content.decode()
    assert "Raised" in body and "Veterans&#x27; trauma network" in body
    assert "Record the follow-up" in body


@pytest.mark.parametrize("value", ["99999999999999999999", "²", "-1", "<script>", ""])
def test_the_queue_ignores_an_incident_filter_that_is_not_an_id(login, coordinator, case, value):
    response = login(coordinator).get("/trim/", {"incident": value})
    assert response.status_code == 200
    assert [r["case"] for r in response.context["rows"]] == [case]
