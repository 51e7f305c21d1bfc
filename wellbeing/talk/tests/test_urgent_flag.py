"""An urgent help request takes the urgent route (issue 21), with a fixed clock: it raises an urgent
clinical flag owned by OH, the on-call contact is told at once, the second contact once the deadline
passes unacknowledged, and acknowledging stops the chain. OH is told once, not twice; a request that
is not urgent raises nothing; and the supervisor sees nothing of it on any page, count, export or
notice. Hazards H1, H4, H8 and H11 in docs/clinical-safety.md."""

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest

from portal.models import Notification, TaskFailure
from portal.tests.factories import UserFactory
from wellbeing.checkins.tests.test_privacy import _export_text, every_url
from wellbeing.models import Flag, HelpRequest
from wellbeing.risk import flags as flag_life
from wellbeing.risk import urgent
from wellbeing.risk.reasons import SELF_REFERRAL_URGENT, oh_label, reason
from wellbeing.talk import services

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 29, 2, 14, tzinfo=dt_timezone.utc)  # a Sunday, 02:14: OH is closed
CHECKINS = HelpRequest.Shares.CHECKINS
HELP_URGENT_TITLE = "Urgent: a colleague has asked to talk to someone today"


def send(officer, peer=None, *, urgent=True, to_oh=False, at=T0):
    return services.help_request_send(officer=officer, peer=peer, to_oh=to_oh, shares=CHECKINS, urgent=urgent,
                                      now=at)


def titles(user):
    return sorted(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_out_of_hours_no_one_on_duty_an_urgent_help_request_takes_the_on_call_route(
        routed, officer, peer, on_call, second, oh, supervisor):
    send(officer, peer)
    flag = Flag.objects.get()
    assert (flag.officer, flag.reason_code, flag.urgent, flag.kind) == (officer, SELF_REFERRAL_URGENT, True, "clinical")
    assert flag_life.flag_owner(flag) == flag_life.OH and flag.status == Flag.Status.OPEN
    # The on-call contact is told at once, with the on-call notice only; each other OH member once.
    assert titles(on_call) == [urgent.ON_CALL_TITLE]
    assert titles(oh) == titles(second) == [flag_life.OH_URGENT_TITLE]
    assert all(n.urgent for n in Notification.objects.filter(user__in=[on_call, oh, second]))
    assert titles(peer) == [HELP_URGENT_TITLE]  # the peer still hears from the request itself
    assert titles(supervisor) == []
    assert flag.on_call_notified_at == T0 and flag.acknowledge_by == T0 + timedelta(hours=1)
    # Nobody acknowledges: at the deadline the second contact is told, once.
    assert urgent.urgent_route_sweep(now=T0 + timedelta(minutes=59)) == 0
    assert urgent.urgent_route_sweep(now=T0 + timedelta(minutes=60)) == 1
    assert urgent.urgent_route_sweep(now=T0 + timedelta(minutes=90)) == 0
    assert titles(second) == sorted([flag_life.OH_URGENT_TITLE, urgent.SECOND_TITLE])
    assert titles(supervisor) == []


def test_out_of_hours_no_one_on_duty_acknowledging_an_urgent_help_request_stops_the_chain(
        routed, officer, peer, on_call, second):
    send(officer, peer)
    flag = Flag.objects.get()
    assert flag_life.flag_acknowledge(flag=flag, role=flag_life.OH, by=on_call, now=T0 + timedelta(minutes=10))
    assert urgent.urgent_route_sweep(now=T0 + timedelta(hours=3)) == 0
    assert urgent.SECOND_TITLE not in titles(second)
    # A supervisor may never acknowledge, close or dismiss it (it is OH's, like any urgent flag).
    assert not flag_life.flag_role_may(flag, flag_life.SUPERVISOR, flag_life.ACKNOWLEDGE)
    assert not flag_life.flag_role_may(flag, flag_life.SUPERVISOR, flag_life.CLOSE)


@pytest.mark.parametrize("to_oh", [False, True])
def test_help_request_misrouted_a_request_not_marked_urgent_raises_no_flag(officer, peer, oh, on_call, routed, to_oh):
    send(officer, None if to_oh else peer, urgent=False, to_oh=to_oh)
    assert not Flag.objects.exists()
    assert urgent.urgent_route_sweep(now=T0 + timedelta(hours=2)) == 0
    assert titles(on_call) == (["A colleague has asked to talk"] if to_oh else [])


def test_help_request_misrouted_a_second_urgent_request_while_the_flag_is_active_still_reaches_oh(
        officer, peer, oh):
    send(officer, peer)
    send(officer, at=T0 + timedelta(minutes=5))  # straight to OH, the first flag still open
    assert Flag.objects.count() == 1  # one active flag per person and reason
    # OH hears of the second request by its own urgent notice: never silent.
    assert titles(oh) == sorted([flag_life.OH_URGENT_TITLE, HELP_URGENT_TITLE])
    assert Notification.objects.get(user=oh, title=HELP_URGENT_TITLE).urgent


def test_urgent_not_reaching_clinician_an_urgent_help_request_with_no_oh_is_a_visible_failure(officer, peer):
    send(officer, peer)
    assert Flag.objects.get().urgent
    assert TaskFailure.objects.filter(task_name="wellbeing.flag_route").count() == 1


def test_help_request_misrouted_the_reason_reads_as_a_request_to_oh_and_welfare_contact_otherwise():
    r = reason(SELF_REFERRAL_URGENT)
    assert str(r.category) == "Welfare contact recommended"
    assert oh_label(SELF_REFERRAL_URGENT) == "Asked to talk to someone, marked urgent"
    assert flag_life.supervisor_sees(SELF_REFERRAL_URGENT) is False
    assert flag_life.supervisor_sees("phq9_item9") is True


# ----------------------------------------------------------------------------- what the line sees

_VOLATILE = re.compile(r'((?:csrfmiddlewaretoken" value|csrf-token" content|nonce)=")[^"]*"')


def crawl(client, urls) -> dict[str, tuple[int, str]]:
    out = {}
    for url in urls:
        response = client.get(url)
        text = _export_text(response) if response.status_code == 200 else ""
        out[url] = (response.status_code, _VOLATILE.sub(r'\1"', text))
    return out


@pytest.mark.parametrize("persona", ["supervisor", "wellbeing_lead"])
def test_clinical_inference_leaked_the_supervisor_sees_nothing_of_an_urgent_help_request(
        request, client, persona, force, officer, peer, oh, supervisor, teammate):
    viewer = supervisor if persona == "supervisor" else UserFactory(
        username="lead", organisation=force, is_wellbeing_lead=True)
    # An ordinary clinical flag first, so the line's pages already show "Welfare contact recommended":
    # the request must change nothing, not even a count.
    flag_life.flag_raise(officer=teammate, reason_code="screen_over_cutoff", now=T0)
    urls = every_url(officer.pk) + [f"/team/people/{officer.pk}/", "/team/export.csv", "/team/flags/"]
    client.force_login(viewer)
    before = crawl(client, urls)
    notices_before = titles(viewer)
    send(officer, peer)
    flag = Flag.objects.get(reason_code=SELF_REFERRAL_URGENT)
    urls_after = urls + [f"/team/flags/{flag.pk}/"]
    after = crawl(client, urls_after)
    changed = {url for url in urls if after[url] != before[url]}
    assert changed == set()
    # the flag's own page answers exactly as a flag that does not exist does
    assert after[f"/team/flags/{flag.pk}/"][0] == client.get(f"/team/flags/{flag.pk + 1}/").status_code != 200
    assert titles(viewer) == notices_before
    assert any("Welfare contact recommended" in text for _code, text in before.values()) == (persona == "supervisor")


def test_help_request_misrouted_oh_finds_the_request_from_its_queue_and_the_officers_flags_leave_it_out(
        client, officer, peer, oh):
    send(officer, peer)
    flag = Flag.objects.get()
    client.force_login(oh)
    queue = client.get("/oh/").content.decode()
    assert f'data-flag="{flag.pk}"' in queue and 'href="/help-requests/"' in queue
    assert "Asked to talk to someone, marked urgent" in queue
    client.force_login(officer)
    mine = client.get("/wellbeing/flags/")
    assert mine.status_code == 200 and f"my-flag-{flag.pk}" not in mine.content.decode()
    assert client.get(f"/wellbeing/flags/{flag.pk}/context/").status_code == 404
