"""People who share their level with you (issue 21): the named peer supporter sees the current
overall level of those who named them, and nothing else; only them; every read audited per person
and shown on the officer's privacy page; a withdrawal takes effect at once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import TwoFactorClient
from portal import access, disclosure
from portal.models import AuditEvent
from portal.tests.factories import OfficerFactory, UserFactory
from wellbeing.talk import services
from wellbeing.tests.factories import RiskAssessmentFactory

URL = "/help-requests/shared-levels/"


def signed_in(user):
    client = TwoFactorClient()
    client.force_login(user)
    return client


def share_with(officer, peer, **kwargs):
    return disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL,
                             peer_supporter=peer, **kwargs)


@pytest.fixture
def assessed(officer):
    reason = {"code": "exposure_load_high", "kind": "operational", "text": "SECRET-REASON"}
    return RiskAssessmentFactory(officer=officer, level="amber", is_current=True, reasons=[reason])


def test_clinical_inference_leaked_the_named_peer_sees_the_level_and_its_date_never_reasons(officer, peer, assessed):
    share_with(officer, peer, now=timezone.now() - timedelta(days=3))
    html = signed_in(peer).get(URL).content.decode()
    row = html[html.index(f'id="shared-level-{officer.pk}"'):]
    row = row[:row.index("</tr>")]
    assert str(officer) in row and "Amber" in row
    assert timezone.localdate(timezone.now() - timedelta(days=3)).strftime("%-d %b %Y") in row
    assert "SECRET-REASON" not in html and "exposure_load_high" not in html


def test_clinical_inference_leaked_the_peer_reads_an_urgent_level_as_red(officer, teammate, peer):
    RiskAssessmentFactory(officer=officer, level="urgent", is_current=True)
    share_with(officer, peer)
    share_with(teammate, peer)
    html = signed_in(peer).get(URL).content.decode()
    assert "Urgent" not in html and "team-level-red" in html and "team-level-urgent" not in html
    assert "Not assessed yet" in html


def test_the_empty_state_and_the_link_from_the_queue(peer):
    client = signed_in(peer)
    assert 'href="/help-requests/shared-levels/"' in client.get("/help-requests/").content.decode()
    html = client.get(URL).content.decode()
    assert 'id="shared-levels-empty"' in html and 'id="shared-levels"' not in html
    assert not AuditEvent.objects.filter(action="peer_level_viewed").exists()


def test_clinical_inference_leaked_the_peer_no_longer_sees_the_level_once_withdrawn(officer, peer, assessed):
    share_with(officer, peer)
    client = signed_in(peer)
    assert f'id="shared-level-{officer.pk}"' in client.get(URL).content.decode()
    disclosure.withdraw(officer=officer, audience=access.PEER_SUPPORTER)
    html = client.get(URL).content.decode()
    assert f'id="shared-level-{officer.pk}"' not in html and 'id="shared-levels-empty"' in html


def test_clinical_inference_leaked_only_the_named_peer_sees_the_level(officer, peer, other_peer, supervisor,
                                                                     trainer, oh, assessed):
    share_with(officer, peer)
    assert f'id="shared-level-{officer.pk}"' not in signed_in(other_peer).get(URL).content.decode()
    for user in (supervisor, trainer, oh, officer):
        assert signed_in(user).get(URL).status_code == 403, user
    # a supervisor who is also a peer supporter, but not the one named, sees nobody either
    supervisor.is_peer_supporter = True
    supervisor.save(update_fields=["is_peer_supporter"])
    assert str(officer) not in signed_in(supervisor).get(URL).content.decode()


def test_a_peer_who_is_no_longer_a_peer_supporter_sees_nothing(officer, peer, assessed):
    share_with(officer, peer)
    peer.is_peer_supporter = False
    peer.save(update_fields=["is_peer_supporter"])
    assert list(access.level_shared_with(peer)) == []
    assert signed_in(peer).get(URL).status_code == 403


def test_every_read_is_audited_per_person_and_shown_on_their_privacy_page(officer, teammate, peer, assessed):
    share_with(officer, peer)
    share_with(teammate, peer)
    client = signed_in(peer)
    client.get(URL)
    client.get(URL)
    events = AuditEvent.objects.filter(action="peer_level_viewed")
    assert events.count() == 4
    assert {(e.actor_id, e.subject_id) for e in events} == {(peer.pk, officer.pk), (peer.pk, teammate.pk)}
    assert events.filter(subject_id=officer.pk).first().detail == {"level": "amber"}
    html = signed_in(officer).get("/wellbeing/privacy/").content.decode()
    assert "Saw your overall level, which you chose to share with them" in html


def test_the_query_count_does_not_grow_with_people(force, team_a, peer, django_assert_max_num_queries):
    client = signed_in(peer)

    def add(n):
        for _ in range(n):
            person = OfficerFactory(organisation=force, team=team_a)
            RiskAssessmentFactory(officer=person, level="green", is_current=True)
            share_with(person, peer)

    add(1)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    add(6)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(URL).content.decode()
    assert html.count('id="shared-level-') == 7


def test_the_lead_reaches_the_monthly_counts_from_the_start_page_and_sees_no_one(officer, peer):
    lead = UserFactory(username="lead", organisation=officer.organisation, is_wellbeing_lead=True)
    client = signed_in(lead)
    start = client.get("/").url
    assert 'href="/help-requests/counts/"' in client.get(start).content.decode()
    response = client.get("/help-requests/counts/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/lead/"' in html and 'href="/help-requests/"' not in html  # no link to a page that is 403
    services.help_request_send(officer=officer, peer=peer, to_oh=False, shares="level", urgent=False)
    html = client.get("/help-requests/counts/").content.decode()
    assert "Pat Listener" in str(peer)
    for name in (str(officer), officer.get_full_name(), str(peer), f">{officer.username}<", f">{peer.username}<"):
        assert name not in html, name
    assert client.get("/help-requests/").status_code == 403 and client.get(URL).status_code == 403
