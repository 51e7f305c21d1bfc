"""Every exposure page: officers only (403 for other roles, sign-in for visitors), never a 500."""

import pytest

from exposure.models import ShiftLog, ViewingSession

PAGES = ["/exposure/", "/exposure/log/", "/exposure/viewing/", "/exposure/shifts/{shift}/",
         "/exposure/shifts/{shift}/edit/", "/exposure/shifts/{shift}/delete/"]
POSTS = ["/exposure/nothing-notable/", "/exposure/viewing/start/", "/exposure/viewing/settings/",
         "/exposure/shifts/{shift}/correction/", "/exposure/viewing/{session}/stop/"]


@pytest.fixture
def records(officer):
    from datetime import time

    from django.utils import timezone

    shift = ShiftLog.objects.create(officer=officer, shift_date=timezone.localdate(), start_time=time(7),
                                    duration_minutes=60, role="call_handling", nothing_notable=True)
    return {"shift": shift.pk, "session": ViewingSession.objects.create(officer=officer).pk}


@pytest.mark.parametrize("persona", ["supervisor", "oh", "trainer", "admin_user"])
def test_other_roles_get_403_everywhere(request, login, records, persona):
    client = login(request.getfixturevalue(persona))
    for url in PAGES:
        assert client.get(url.format(**records)).status_code == 403, url
    for url in POSTS:
        assert client.post(url.format(**records)).status_code == 403, url


def test_visitors_are_sent_to_sign_in(client, records):
    for url in PAGES + POSTS:
        response = client.get(url.format(**records))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_an_officer_of_another_force_cannot_reach_a_shift(login, records, foreign_officer):
    client = login(foreign_officer)
    assert client.get(f"/exposure/shifts/{records['shift']}/").status_code == 404


@pytest.mark.parametrize("bad", ["abc", "-1", "99999999999999999999"])
def test_nonsense_ids_and_filters_never_give_a_500(login, officer, bad):
    client = login(officer)
    assert client.get(f"/exposure/?page={bad}").status_code == 200
    assert client.get(f"/exposure/?date_from={bad}&role={bad}").status_code == 200
    assert client.get(f"/exposure/log/?session={bad}&role={bad}").status_code in (200, 404)
