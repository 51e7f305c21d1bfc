"""The pages that open TRiM cases (declare, refer, refer yourself) and the officer's own cases:
validation messages, who may enter (403) and whose records (404), audit events."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from portal.models import AuditEvent
from portal.tests.factories import OfficerFactory, UserFactory
from wellbeing.models import TrimCase, TrimIncident
from wellbeing.trim import opening

pytestmark = pytest.mark.django_db


def _when(days_ago=1):
    moment = timezone.localtime() - timedelta(days=days_ago)
    return {"occurred_on": moment.date().isoformat(), "occurred_time": "14:30"}


def _declare(people, title="The collision on the A40", **overrides):
    return {"title": title, **_when(), "people": [str(p.pk) for p in people], **overrides}


# ----------------------------------------------------------------------------- declare

def test_the_declare_form_lists_people_of_every_team_grouped_by_team(login, supervisor, officer, outsider,
                                                                       foreign_officer):
    html = login(supervisor).get("/trim/declare/").content.decode()
    assert "A (Response)" in html and "B (Response)" in html
    assert escape(officer.get_full_name()) in html and escape(outsider.get_full_name()) in html
    assert escape(foreign_officer.get_full_name()) not in html
    assert 'id="id_people_0"' in html and "trim-people-filter.js" in html
    assert "Never write anything about anyone" in html and 'class="form-check-input"' in html


def test_declaring_opens_a_case_each_and_confirms_who(login, supervisor, officer, outsider):
    client = login(supervisor)
    response = client.post("/trim/declare/", _declare([officer, outsider]))
    incident = TrimIncident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/trim/declare/{incident.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "2 people have a TRiM case for this incident" in html
    assert escape(officer.get_full_name()) in html and escape(outsider.get_full_name()) in html
    assert AuditEvent.objects.filter(action="trim_case_opened", actor=supervisor).count() == 2
    assert AuditEvent.objects.filter(action="trim_incident_declared", actor=supervisor).exists()
    viewed = AuditEvent.objects.get(action="list_viewed", actor=supervisor)
    assert viewed.detail == {"page": "trim_declared", "rows": 2, "incident": incident.pk}


def test_declaring_the_same_incident_again_says_who_already_had_a_case(login, supervisor, officer, outsider):
    client = login(supervisor)
    client.post("/trim/declare/", _declare([officer]))
    response = client.post("/trim/declare/", _declare([officer, outsider]), follow=True)
    assert "1 person already had a case for this incident: no second case was opened." in response.content.decode()
    assert TrimCase.objects.count() == 2 and TrimIncident.objects.count() == 1


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"title": ""}, "title", "Enter a short name for the incident."),
    ({"title": "   "}, "title", "Enter a short name for the incident."),
    ({"title": "x" * 201}, "title", "The incident&#x27;s name must be 200 characters or fewer."),
    ({"occurred_on": ""}, "occurred_on", "Enter the date of the incident."),
    ({"occurred_on": "31/02/2026"}, "occurred_on", "Enter a real date, like 2026-03-03."),
    ({"occurred_time": ""}, "occurred_time", "Enter the time of the incident, like 14:30."),
    ({"occurred_time": "25:61"}, "occurred_time", "Enter a real time on the 24-hour clock, like 14:30."),
    ({"occurred_on": "2099-01-01"}, "occurred_on", "The date and time of the incident cannot be in the future."),
    ({"occurred_on": "2020-01-01"}, "occurred_on", "The incident must be within the last year."),
    ({"people": []}, "people", "Choose at least one person involved."),
    ({"people": ["99999"]}, "people", "Choose the people involved from the list."),
])
def test_the_declare_form_says_what_is_wrong(login, supervisor, officer, change, field, message):
    response = login(supervisor).post("/trim/declare/", {**_declare([officer]), **change})
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    assert 'id="error-summary"' in html and f'href="#id_{field}' in html
    assert not TrimCase.objects.exists()


def test_a_time_later_today_is_in_the_future(login, supervisor, officer):
    now = timezone.localtime()
    if now.hour == 23 and now.minute >= 58:
        pytest.skip("no later time today")
    later = (now + timedelta(minutes=2)).strftime("%H:%M")
    response = login(supervisor).post("/trim/declare/", _declare(
        [officer], occurred_on=now.date().isoformat(), occurred_time=later))
    assert response.status_code == 400
    assert 'href="#id_occurred_time"' in response.content.decode()


def test_a_person_of_another_organisation_cannot_be_posted(login, supervisor, officer, foreign_officer):
    response = login(supervisor).post("/trim/declare/", _declare([officer, foreign_officer]))
    assert response.status_code == 400 and "Choose the people involved from the list." in response.content.decode()
    assert not TrimCase.objects.exists()


def test_people_of_two_organisations_need_two_declarations(login, supervisor, officer, foreign_officer, other_force):
    supervisor.granted_organisations.add(other_force)
    response = login(supervisor).post("/trim/declare/", _declare([officer, foreign_officer]))
    assert response.status_code == 400 and "declare a separate incident for each organisation" in (
        response.content.decode())


@pytest.mark.parametrize("url", ["/trim/declare/", "/trim/refer/"])
def test_officers_oh_and_coordinators_may_not_declare_or_refer_others(login, officer, oh, force, url):
    coordinator = UserFactory(organisation=force, is_trim_coordinator=True)
    for person in (officer, oh, coordinator):
        assert login(person).get(url).status_code == 403


def test_the_confirmation_is_only_the_declaring_supervisors(login, supervisor, other_supervisor, officer):
    declared = opening.declare_incident(supervisor, "The collision on the A40", timezone.now(), [officer])
    url = f"/trim/declare/{declared.incident.pk}/"
    assert login(supervisor).get(url).status_code == 200
    assert login(other_supervisor).get(url).status_code == 404
    assert login(supervisor).get("/trim/declare/99999/").status_code == 404


# ----------------------------------------------------------------------------- refer

def test_a_supervisor_refers_someone_of_another_team(login, supervisor, outsider):
    client = login(supervisor)
    chosen = client.get(f"/trim/refer/?person={outsider.pk}").content.decode()
    assert f'<option value="{outsider.pk}" selected' in chosen
    response = client.post("/trim/refer/", {"person": str(outsider.pk), "title": "Fatal fire, Station Road",
                                            **_when()})
    assert response.status_code == 302 and response["Location"] == "/trim/refer/"
    case = TrimCase.objects.get()
    assert case.person == outsider and case.referred_by == supervisor
    assert AuditEvent.objects.filter(action="trim_case_opened", subject_id=outsider.pk, actor=supervisor).exists()


def test_a_supervisor_cannot_refer_someone_of_another_organisation(login, supervisor, foreign_officer):
    response = login(supervisor).post("/trim/refer/", {"person": str(foreign_officer.pk), "title": "Fire",
                                                       **_when()})
    assert response.status_code == 400
    assert "Choose the person you are referring from the list." in response.content.decode()
    assert not TrimCase.objects.exists()


def test_an_officer_refers_themself_and_sees_the_case(login, officer):
    client = login(officer)
    response = client.post("/trim/mine/refer/", {"title": "Assault at the custody desk", **_when()})
    assert response.status_code == 302 and response["Location"] == "/trim/mine/"
    case = TrimCase.objects.get()
    assert case.person == officer and case.referred_by == officer
    assert "Assault at the custody desk" in client.get("/trim/mine/").content.decode()


def test_an_officer_cannot_name_someone_else_when_referring(login, officer, teammate):
    login(officer).post("/trim/mine/refer/", {"person": str(teammate.pk), "title": "Assault", **_when()})
    assert TrimCase.objects.get().person == officer


def test_the_self_referral_form_says_what_is_wrong(login, officer):
    response = login(officer).post("/trim/mine/refer/", {"title": "", "occurred_on": "", "occurred_time": ""})
    html = response.content.decode()
    assert response.status_code == 400
    for message in ("Enter a short name for the incident.", "Enter the date of the incident.",
                    "Enter the time of the incident, like 14:30."):
        assert message in html


def test_a_supervisor_who_is_not_an_officer_cannot_refer_themself(login, supervisor):
    assert login(supervisor).get("/trim/mine/refer/").status_code == 403


# ----------------------------------------------------------------------------- the officer's own cases

def test_the_empty_state_explains_trim_and_links_to_self_referral(login, officer):
    html = login(officer).get("/trim/mine/").content.decode()
    assert "You have no TRiM case." in html and 'href="/trim/mine/refer/"' in html


def test_the_officer_sees_their_dates_and_practitioner_but_not_anothers_case(login, officer, teammate, force):
    practitioner = UserFactory(organisation=force, is_trim_practitioner=True, first_name="Morgan",
                               last_name="Practitioner")
    mine = opening.refer(officer, officer, "Assault at the custody desk", timezone.now() - timedelta(days=1))
    opening.refer(teammate, teammate, "Someone else's incident", timezone.now())
    html = login(officer).get("/trim/mine/").content.decode()
    assert "Assault at the custody desk" in html and "Someone else" not in html
    assert "Not assigned yet" in html and "Initial assessment due" in html and "Follow-up due" in html
    TrimCase.objects.filter(pk=mine.pk).update(practitioner=practitioner)
    assert "Morgan Practitioner" in login(officer).get("/trim/mine/").content.decode()


def test_the_officer_page_keeps_its_query_count_flat(login, officer, django_assert_max_num_queries):
    client = login(officer)
    for n in range(2):
        opening.refer(officer, officer, f"Incident {n}", timezone.now())
    client.get("/trim/mine/")
    for n in range(8):
        opening.refer(officer, officer, f"More {n}", timezone.now())
    with django_assert_max_num_queries(12):
        assert client.get("/trim/mine/").status_code == 200


def _offered(person):
    case = opening.refer(person, person, "Assault at the custody desk", timezone.now())
    TrimCase.objects.filter(pk=case.pk).update(stage=TrimCase.Stage.OFFERED)
    return case


def test_the_officer_declines_then_can_still_accept(login, officer):
    case = _offered(officer)
    client = login(officer)
    html = client.get("/trim/mine/").content.decode()
    assert f'action="/trim/mine/{case.pk}/accept/"' in html and f'action="/trim/mine/{case.pk}/decline/"' in html
    assert client.post(f"/trim/mine/{case.pk}/decline/").status_code == 302
    case.refresh_from_db()
    assert case.offer == TrimCase.Offer.DECLINED and case.offer_answered_at is not None
    html = client.get("/trim/mine/").content.decode()
    day = timezone.localtime(case.offer_answered_at).strftime("%-d %B %Y")
    assert f"You declined on {day}. You can still accept:" in html
    assert f'action="/trim/mine/{case.pk}/accept/"' in html
    client.post(f"/trim/mine/{case.pk}/accept/")
    case.refresh_from_db()
    assert case.offer == TrimCase.Offer.ACCEPTED
    assert AuditEvent.objects.filter(action__in=["trim_offer_declined", "trim_offer_accepted"],
                                     actor=officer, subject_id=officer.pk).count() == 2


def test_no_buttons_before_an_assessment_is_offered(login, officer):
    case = opening.refer(officer, officer, "Assault at the custody desk", timezone.now())
    html = login(officer).get("/trim/mine/").content.decode()
    assert f"/trim/mine/{case.pk}/accept/" not in html


def test_another_persons_case_cannot_be_answered(login, officer, teammate):
    case = _offered(teammate)
    client = login(officer)
    assert client.post(f"/trim/mine/{case.pk}/accept/").status_code == 404
    assert client.post(f"/trim/mine/{case.pk}/decline/").status_code == 404
    assert client.get(f"/trim/mine/{case.pk}/accept/").status_code == 405
    case.refresh_from_db()
    assert case.offer == ""


def test_the_wellbeing_page_links_to_the_officers_trim_cases(login, officer):
    assert 'href="/trim/mine/"' in login(officer).get("/wellbeing/").content.decode()


def test_an_officer_of_another_force_never_sees_this_forces_cases(login, foreign_officer, officer):
    opening.refer(officer, officer, "Assault at the custody desk", timezone.now())
    assert "Assault" not in login(foreign_officer).get("/trim/mine/").content.decode()


def test_a_new_officer_without_team_is_listed_under_no_team(login, supervisor, force):
    OfficerFactory(organisation=force, team=None, first_name="Nia", last_name="Newcomer")
    html = login(supervisor).get("/trim/declare/").content.decode()
    assert "No team" in html and "Nia Newcomer" in html
