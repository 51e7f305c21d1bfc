"""OH acknowledges an open flag of theirs from the triage queue (issue 21): for an urgent flag that
stops the on-call chain. A supervisor's own flag is not OH's to acknowledge, a person OH may not
see is a 404, and a second click changes nothing."""

import pytest

from portal.models import AuditEvent
from wellbeing.models import Flag
from wellbeing.risk.flags import flag_raise
from wellbeing.tests.team_helpers import flag

pytestmark = pytest.mark.django_db


def url(f):
    return f"/oh/people/{f.officer_id}/flags/{f.pk}/acknowledge/"


def test_out_of_hours_no_one_on_duty_oh_acknowledges_an_urgent_flag_from_the_queue(login, oh, officer):
    f, _ = flag_raise(officer=officer, reason_code="phq9_item9", urgent=True)
    client = login(oh)
    html = client.get("/oh/").content.decode()
    assert url(f) in html and "acknowledge by" in html
    response = client.post(url(f), follow=True)
    assert response.redirect_chain[-1][0] == "/oh/"
    assert "the on-call chain has stopped" in response.content.decode()
    f.refresh_from_db()
    assert (f.status, f.acknowledged_by) == (Flag.Status.ACKNOWLEDGED, oh)
    assert url(f) not in response.content.decode()  # no second button
    again = client.post(url(f), follow=True)
    assert "already acknowledged or closed" in again.content.decode()
    assert AuditEvent.objects.filter(action="flag_acknowledged").count() == 1


def test_oh_cannot_acknowledge_a_supervisors_own_flag(login, oh, officer):
    own = flag(officer)
    assert login(oh).post(url(own)).status_code == 403
    assert Flag.objects.get(pk=own.pk).status == Flag.Status.OPEN


def test_acknowledging_a_person_oh_may_not_see_is_a_404(login, foreign_oh, officer):
    f = flag(officer, "phq9_item9", urgent=True)
    assert login(foreign_oh).post(url(f)).status_code == 404
    assert Flag.objects.get(pk=f.pk).status == Flag.Status.OPEN


def test_a_supervisor_cannot_reach_the_oh_acknowledge_endpoint(login, supervisor, officer):
    f = flag(officer, "phq9_item9", urgent=True)
    assert login(supervisor).post(url(f)).status_code == 403
    assert Flag.objects.get(pk=f.pk).status == Flag.Status.OPEN
