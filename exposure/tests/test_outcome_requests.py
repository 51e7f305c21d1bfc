"""Call outcomes asked for per call (issue 18), the call handler's side: the incident reference
check (per organisation), asking on a call-handling shift, the "My outcome requests" page, closing
one (the call handler only), and the services' audit events and notification."""

import re

import pytest

from exposure import outcomes as outcome_services
from exposure.models import OutcomeRequest
from exposure.tests.factories import ExposureFactory, ShiftLogFactory, category_for
from portal.models import AuditEvent, Notification, Organisation


def new_url(shift):
    return f"/exposure/shifts/{shift.pk}/outcomes/new/"


def ask(client, shift, reference="CAD-1234-22", detail="summary", category=None):
    category = category or category_for("call_handling")
    return client.post(new_url(shift), {"category": str(category.pk), "reference": reference,
                                        "detail_wanted": detail})


@pytest.fixture
def cad_force(force):
    Organisation.objects.filter(pk=force.pk).update(incident_reference_pattern=r"CAD-\d{4}-\d{2}",
                                                    incident_reference_example="CAD-1234-22")
    force.refresh_from_db()
    return force


def make_request(officer, **fields):
    shift = fields.pop("shift", None) or ShiftLogFactory(officer=officer, role="call_handling")
    return OutcomeRequest.objects.create(officer=officer, shift=shift, category=category_for("call_handling"),
                                         reference=fields.pop("reference", "CAD-1111-26"), **fields)


def test_a_blank_pattern_accepts_three_to_forty_printable_characters(force):
    assert outcome_services.reference_error(force, "ABC") is None
    assert outcome_services.reference_error(force, "x" * 40) is None
    assert "3 to 40" in outcome_services.reference_error(force, "AB")
    assert "3 to 40" in outcome_services.reference_error(force, "x" * 41)
    assert "3 to 40" in outcome_services.reference_error(force, "AB\tC")


def test_the_organisation_pattern_must_match_the_whole_reference_and_the_message_names_the_example(cad_force):
    assert outcome_services.reference_error(cad_force, "CAD-4821-26") is None
    message = outcome_services.reference_error(cad_force, "CAD-4821-26 extra")
    assert "CAD-1234-22" in message
    assert outcome_services.reference_error(cad_force, "4821") is not None


def test_an_invalid_pattern_is_refused_by_the_organisation_form(force):
    force.incident_reference_pattern = "CAD-(\\d"
    with pytest.raises(Exception, match="not a valid regular expression"):
        force.full_clean()


def test_the_call_handler_asks_for_an_outcome_and_the_form_stays_for_another(login, officer, cad_force):
    shift = ShiftLogFactory(officer=officer, role="call_handling")
    client = login(officer)
    response = ask(client, shift)
    assert response.status_code == 302 and response.url == new_url(shift)
    request = OutcomeRequest.objects.get()
    assert (request.officer, request.shift, request.reference, request.detail_wanted, request.status) == (
        officer, shift, "CAD-1234-22", "summary", "open")
    event = AuditEvent.objects.get(action="outcome_requested")
    assert "CAD" not in str(event.detail)
    page = client.get(new_url(shift)).content.decode()
    assert "Already asked for this shift" in page and "CAD-1234-22" in page


def test_a_bad_reference_shows_the_expected_format_on_the_form(login, officer, cad_force):
    shift = ShiftLogFactory(officer=officer, role="call_handling")
    response = ask(login(officer), shift, reference="12345")
    assert response.status_code == 400
    assert "for example CAD-1234-22" in response.content.decode()
    assert not OutcomeRequest.objects.exists()


def test_the_call_types_offered_are_those_logged_on_the_shift(login, officer):
    exposure = ExposureFactory(officer=officer, role="call_handling")
    content = login(officer).get(new_url(exposure.shift)).content.decode()
    options = re.findall(r'<option value="(\d+)"', content)
    assert options == [str(exposure.category_id)]


def test_another_persons_shift_or_a_shift_of_another_role_answers_404(login, officer, teammate):
    theirs = ShiftLogFactory(officer=teammate, role="call_handling")
    assert ask(login(officer), theirs).status_code == 404
    firearms = ShiftLogFactory(officer=officer, role="firearms")
    assert login(officer).get(new_url(firearms)).status_code == 404
    assert not OutcomeRequest.objects.exists()


def test_my_requests_lists_only_mine_with_the_answer(login, officer, teammate, supervisor):
    mine = make_request(officer, status="shared", answer="Found safe.", answered_by=supervisor,
                        answered_at="2026-11-01T10:00Z")
    make_request(teammate, reference="CAD-9999-26")
    content = login(officer).get("/exposure/outcomes/").content.decode()
    assert mine.reference in content and "Found safe." in content and "Shared" in content
    assert "CAD-9999-26" not in content


def test_my_requests_has_an_empty_state(login, officer):
    content = login(officer).get("/exposure/outcomes/").content.decode()
    assert "You have not asked for the outcome of a call yet." in content


def test_only_the_call_handler_closes_their_request(client, login, officer, supervisor):
    request = make_request(officer, status="shared", answer="x", answered_by=supervisor)
    assert login(supervisor).post(f"/exposure/outcomes/{request.pk}/close/").status_code in (403, 404)
    request.refresh_from_db()
    assert request.status == "shared"
    client.logout()
    response = login(officer).post(f"/exposure/outcomes/{request.pk}/close/")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "closed" and request.closed_at is not None
    assert AuditEvent.objects.filter(action="outcome_request_closed").count() == 1
    login(officer).post(f"/exposure/outcomes/{request.pk}/close/")  # a second click changes nothing
    assert AuditEvent.objects.filter(action="outcome_request_closed").count() == 1


def test_answering_tells_the_call_handler_without_any_detail_of_the_call(officer, supervisor):
    request = make_request(officer, reference="CAD-2468-26")
    assert outcome_services.outcome_request_answer(request=request, by=supervisor, shared=True, text="Recovering.")
    note = Notification.objects.get(user=officer)
    assert note.title == "There is an answer to an outcome you asked about"
    assert note.link == "/exposure/outcomes/"
    assert "CAD" not in note.title + note.body and "Recovering" not in note.title + note.body
    assert not outcome_services.outcome_request_answer(request=request, by=supervisor, shared=False, text="")
    request.refresh_from_db()
    assert (request.status, request.answer, request.answered_by) == ("shared", "Recovering.", supervisor)
    event = AuditEvent.objects.get(action="outcome_shared")
    assert "Recovering" not in str(event.detail) and "CAD" not in str(event.detail)


def test_not_available_is_recorded_with_its_own_audit_event(officer, supervisor):
    request = make_request(officer)
    assert outcome_services.outcome_request_answer(request=request, by=supervisor, shared=False, text="")
    request.refresh_from_db()
    assert request.status == "not_available"
    assert AuditEvent.objects.filter(action="outcome_not_available").count() == 1
    assert Notification.objects.filter(user=officer).count() == 1


def test_a_call_handler_finds_their_requests_from_their_shifts_and_the_shift_page(login, officer):
    shift = ShiftLogFactory(officer=officer, role="call_handling")
    client = login(officer)
    assert 'href="/exposure/outcomes/"' in client.get("/exposure/").content.decode()
    detail = client.get(f"/exposure/shifts/{shift.pk}/").content.decode()
    assert f'href="{new_url(shift)}"' in detail and 'href="/exposure/outcomes/"' in detail


def test_a_reference_too_long_gets_the_format_message(login, officer, cad_force):
    shift = ShiftLogFactory(officer=officer, role="call_handling")
    response = ask(login(officer), shift, reference="CAD-1234-22" * 5)
    assert response.status_code == 400
    assert "for example CAD-1234-22" in response.content.decode()


def test_asking_tells_the_supervisors_of_the_team_and_nobody_else(login, officer, teammate, supervisor, cad_force):
    shift = ShiftLogFactory(officer=officer, role="call_handling")
    assert ask(login(officer), shift).status_code == 302
    request = OutcomeRequest.objects.get()
    notes = list(Notification.objects.all())
    assert [note.user for note in notes] == [supervisor]
    note = notes[0]
    assert note.title == "Someone in your team asked about the outcome of a call"
    assert note.link == f"/team/outcomes/requests/{request.pk}/" and note.email_wanted
    assert "CAD" not in note.title + note.body
    assert login(supervisor).get(note.link).status_code == 200
