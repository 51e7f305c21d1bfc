"""Call outcomes asked for per call (issue 18), the supervisor's side: the list at /team/outcomes/
(their teams' open requests only, beside the older per-type ticks), one request's page (audited)
and recording what was shared or that the outcome is not available; another team's supervisor gets
404, exactly like no request at all."""

import re

import pytest
from django.utils.html import escape

from exposure.models import OutcomeRequest
from exposure.tests.factories import ExposureFactory
from portal.models import AuditEvent, Notification

URL = "/team/outcomes/"


def ask(person, reference="CAD-1357-26", **fields):
    call = ExposureFactory(officer=person, role="call_handling")
    return OutcomeRequest.objects.create(officer=person, shift=call.shift, category=call.category,
                                         reference=reference, **fields)


def request_url(request):
    return f"/team/outcomes/requests/{request.pk}/"


def named(text, person):
    return re.search(rf"\b{re.escape(escape(person.get_full_name()))}\b", text) is not None


def test_the_list_shows_open_requests_of_their_people_and_the_older_ticks(login, supervisor, officer, outsider):
    mine = ask(officer, detail_wanted="full")
    ask(officer, reference="CAD-2222-26", status="closed")
    ask(outsider, reference="CAD-3333-26")
    ExposureFactory(officer=officer, role="call_handling", outcome_wanted=True)
    content = login(supervisor).get(URL).content.decode()
    table = content.split('id="outcome-requests"', 1)[1].split("</table>", 1)[0]
    assert mine.reference in table and "As much as can be shared" in table and named(table, officer)
    assert "CAD-2222-26" not in content and "CAD-3333-26" not in content
    assert not named(content, outsider)
    assert 'id="outcomes"' in content  # the per-type tick is still listed, with "Mark as shared"


def test_the_list_has_an_empty_state(login, supervisor, officer):
    content = login(supervisor).get(URL).content.decode()
    assert "No outcome requests are waiting for an answer." in content


def test_viewing_a_request_is_audited_without_the_reference(login, supervisor, officer):
    request = ask(officer)
    content = login(supervisor).get(request_url(request)).content.decode()
    assert request.reference in content
    event = AuditEvent.objects.get(action="outcome_request_viewed")
    assert event.subject_id == officer.pk and request.reference not in str(event.detail)


def test_another_teams_supervisor_gets_404_and_changes_nothing(login, other_supervisor, officer):
    request = ask(officer)
    client = login(other_supervisor)
    assert client.get(request_url(request)).status_code == 404
    assert client.post(request_url(request), {"result": "shared", "text": "x"}).status_code == 404
    request.refresh_from_db()
    assert request.status == "open"
    assert request.reference not in client.get(URL).content.decode()


def test_an_officer_cannot_reach_the_supervisor_page(login, officer):
    request = ask(officer)
    assert login(officer).get(request_url(request)).status_code in (403, 404)


def test_recording_shared_needs_the_text_and_tells_the_call_handler(login, supervisor, officer):
    request = ask(officer)
    client = login(supervisor)
    response = client.post(request_url(request), {"result": "shared", "text": ""})
    assert response.status_code == 400
    assert "Write what you shared with them" in response.content.decode()
    response = client.post(request_url(request), {"result": "shared", "text": "They were treated and are home."})
    assert response.status_code == 302 and response.url == f"{URL}?team={officer.team_id}"
    request.refresh_from_db()
    assert (request.status, request.answer, request.answered_by) == ("shared", "They were treated and are home.",
                                                                     supervisor)
    assert AuditEvent.objects.filter(action="outcome_shared", subject_id=officer.pk).count() == 1
    note = Notification.objects.get(user=officer)
    assert note.title == "There is an answer to an outcome you asked about"


def test_outcome_not_available_with_an_optional_reason(login, supervisor, officer):
    request = ask(officer)
    response = login(supervisor).post(request_url(request), {"result": "not_available", "text": ""})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "not_available" and request.answer == ""
    assert AuditEvent.objects.filter(action="outcome_not_available").count() == 1


def test_a_text_over_600_characters_is_refused_on_the_form(login, supervisor, officer):
    request = ask(officer)
    response = login(supervisor).post(request_url(request), {"result": "shared", "text": "x" * 601})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == "open"


@pytest.mark.parametrize("count", [1, 3])
def test_the_dashboard_counts_open_requests_with_the_ticks(login, supervisor, officer, count):
    for n in range(count):
        ask(officer, reference=f"CAD-{n:04d}-26")
    content = login(supervisor).get("/team/").content.decode()
    expected = "1 call outcome to share" if count == 1 else f"{count} call outcomes to share"
    assert expected in content
