"""The pages: Talk to someone (officers), Help requests (peer supporters and OH), the monthly
counts. Who may open what, what each read records, and queries that do not grow with rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import TwoFactorClient
from portal.models import AuditEvent, Notification
from portal.tests.factories import OfficerFactory
from wellbeing.models import HelpContact, HelpRequest
from wellbeing.talk import services
from wellbeing.tests.factories import RiskAssessmentFactory


def signed_in(user):
    client = TwoFactorClient()
    client.force_login(user)
    return client


def send(officer, peer=None, **kwargs):
    kwargs.setdefault("to_oh", peer is None)
    kwargs.setdefault("shares", "nothing")
    kwargs.setdefault("urgent", False)
    return services.help_request_send(officer=officer, peer=peer, **kwargs)


def test_every_officer_page_links_to_talk_to_someone(officer):
    client = signed_in(officer)
    for url in ("/exposure/", "/wellbeing/", "/training/", "/notifications/", "/talk/"):
        html = client.get(url).content.decode()
        assert 'href="/talk/"' in html and "Talk to someone" in html, url


def test_the_talk_page_lists_the_directory_with_availability_and_the_outside_services(officer, peer, supervisor):
    html = signed_in(officer).get("/talk/").content.decode()
    assert "Pat Listener, peer supporter (Nights and weekends)" in html
    assert "Occupational health" in html
    assert 'id="outside"' in html and "Samaritans" in html
    assert "Your supervisor is not told and never sees it." in html


def test_an_officer_asks_a_peer_sending_their_level(officer, peer):
    RiskAssessmentFactory(officer=officer, level="amber", is_current=True)
    response = signed_in(officer).post("/talk/", {"recipient": f"peer-{peer.pk}", "shares": "level"})
    request = HelpRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("talk:sent", args=[request.pk])
    assert (request.peer, request.to_oh, request.shared_level) == (peer, False, "amber")


def test_choosing_nobody_or_a_peer_not_in_the_directory_says_so_on_the_form(officer, peer, foreign_peer):
    client = signed_in(officer)
    for data in ({}, {"shares": "nothing"}, {"recipient": f"peer-{foreign_peer.pk}", "shares": "nothing"},
                 {"recipient": "peer-abc", "shares": "somethingelse"}):
        response = client.post("/talk/", data)
        html = response.content.decode()
        assert response.status_code == 200 and 'id="error-summary"' in html
        assert "Choose who you would like to talk to" in html
    assert not HelpRequest.objects.exists()


def test_help_request_misrouted_urgent_shows_crisis_contacts_at_once_and_reaches_oh(officer, peer, oh):
    client = signed_in(officer)
    response = client.post("/talk/", {"recipient": f"peer-{peer.pk}", "shares": "nothing", "urgent": "on"},
                           follow=True)
    html = response.content.decode()
    assert "You marked this request urgent. Occupational health has been told as well" in html
    assert 'href="tel:116123"' in html  # Samaritans, first among the lines that answer now
    assert HelpRequest.objects.get().to_oh is True
    assert Notification.objects.filter(user=oh, urgent=True).exists()


def test_the_officer_sees_their_own_request_and_no_one_elses(officer, teammate, peer):
    mine, theirs = send(officer, peer), send(teammate, peer)
    client = signed_in(officer)
    assert client.get(reverse("talk:sent", args=[mine.pk])).status_code == 200
    assert client.get(reverse("talk:sent", args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize("who", ["supervisor", "trainer", "teammate", "outsider", "officer"])
def test_help_request_misrouted_the_line_trainers_and_officers_have_no_queue(request, who, officer, peer):
    person = request.getfixturevalue(who)
    help_request = send(officer, peer, urgent=True)
    client = signed_in(person)
    assert client.get("/help-requests/").status_code == 403
    assert client.get(reverse("help:detail", args=[help_request.pk])).status_code == 403
    assert client.post(reverse("help:close", args=[help_request.pk])).status_code == 403


def test_a_peer_sees_only_their_own_queue(officer, teammate, peer, other_peer):
    for_me, for_them = send(officer, peer), send(teammate, other_peer)
    client = signed_in(peer)
    html = client.get("/help-requests/").content.decode()
    assert reverse("help:detail", args=[for_me.pk]) in html
    assert reverse("help:detail", args=[for_them.pk]) not in html
    assert client.get(reverse("help:detail", args=[for_them.pk])).status_code == 404
    assert client.post(reverse("help:contact", args=[for_them.pk]), {"on": "2026-01-01", "kind": "phone"}
                       ).status_code == 404
    assert not HelpContact.objects.exists()


def test_oh_sees_requests_that_reach_oh_but_not_those_to_a_peer_alone(officer, peer, oh, foreign_oh):
    to_peer, urgent, to_oh = send(officer, peer), send(officer, peer, urgent=True), send(officer)
    client = signed_in(oh)
    assert client.get(reverse("help:detail", args=[to_peer.pk])).status_code == 404
    assert client.get(reverse("help:detail", args=[urgent.pk])).status_code == 200
    html = client.get(reverse("help:detail", args=[to_oh.pk])).content.decode()
    assert reverse("oh:case", args=[officer.pk]) in html
    assert signed_in(foreign_oh).get(reverse("help:detail", args=[to_oh.pk])).status_code == 404


def test_every_read_of_a_request_is_audited_and_the_peer_sees_only_what_was_sent(officer, peer):
    RiskAssessmentFactory(officer=officer, level="red", is_current=True)
    nothing, level = send(officer, peer), send(officer, peer, shares="level")
    client = signed_in(peer)
    html = client.get(reverse("help:detail", args=[nothing.pk])).content.decode()
    assert "Nothing: only that they would like to talk." in html and "Red" not in html
    html = client.get(reverse("help:detail", args=[level.pk])).content.decode()
    assert "Level when the request was sent: <strong>Red</strong>" in html
    events = AuditEvent.objects.filter(action="help_request_viewed").order_by("id")
    assert [(e.actor_id, e.subject_id, e.object_id) for e in events] == [
        (peer.pk, officer.pk, str(nothing.pk)), (peer.pk, officer.pk, str(level.pk))]


def test_recording_a_contact_takes_a_date_and_a_kind_and_refuses_bad_ones(officer, peer):
    help_request = send(officer, peer)
    client = signed_in(peer)
    url = reverse("help:contact", args=[help_request.pk])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    for data in ({"on": tomorrow, "kind": "phone"}, {"on": "2026-02-30", "kind": "phone"},
                 {"on": timezone.localdate().isoformat(), "kind": "carrier pigeon"}, {}):
        response = client.post(url, data)
        assert response.status_code == 400 and 'id="error-summary"' in response.content.decode()
    assert not HelpContact.objects.exists()
    response = client.post(url, {"on": timezone.localdate().isoformat(), "kind": "in_person"})
    assert response.status_code == 302
    assert HelpContact.objects.get().kind == "in_person"
    help_request.refresh_from_db()
    assert help_request.status == "accepted"
    assert client.post(reverse("help:close", args=[help_request.pk])).status_code == 302
    help_request.refresh_from_db()
    assert help_request.status == "closed"


def test_the_queue_runs_the_same_queries_however_many_requests(officer, peer, force, team_a):
    client = signed_in(peer)
    send(officer, peer)
    client.get("/help-requests/")  # warm the session

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/help-requests/").status_code == 200
        return len(ctx.captured_queries)

    one = count()
    assert one <= 12
    for n in range(8):
        other = OfficerFactory(username=f"many{n}", organisation=force, team=team_a)
        services.help_contact_record(request=send(other, peer, urgent=n % 2 == 0), by=peer,
                                     on=timezone.localdate(), kind="phone")
    assert count() == one


def test_the_counts_page_is_for_oh_and_suppresses_small_numbers(officer, peer, oh, supervisor, trainer):
    send(officer, peer)
    client = signed_in(oh)
    response = client.get("/help-requests/counts/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("&lt;5") == 12 * 8  # every cell of every month: one request is "<5", as are the zeros
    assert str(officer) not in html
    assert AuditEvent.objects.filter(action="list_viewed", detail__page="help_counts").exists()
    for person in (peer, supervisor, trainer, officer):
        assert signed_in(person).get("/help-requests/counts/").status_code == 403


def test_the_officers_privacy_page_shows_the_peer_supporter_who_read_their_request(officer, peer):
    help_request = send(officer, peer)
    signed_in(peer).get(reverse("help:detail", args=[help_request.pk]))
    html = signed_in(officer).get("/wellbeing/privacy/").content.decode()
    assert "Read your request for a talk" in html and "peer supporter" in html and str(peer) in html
