"""The CSE viewing timer pages: start, break, resume, stop, and the pre-filled exposure entry."""

from datetime import timedelta

from django.utils import timezone

from exposure.models import ViewingPolicy, ViewingPreference, ViewingSession
from exposure.tests import helpers


def test_the_timer_page_says_it_keeps_no_material_and_shows_the_rhythm(login, teammate):
    html = login(teammate).get("/exposure/viewing/").content.decode()
    assert "never shows, stores or links to any material" in html
    assert "10-minute break after 50 minutes" in html
    assert "Start viewing session" in html


def test_the_organisation_sets_the_daily_limit_and_a_person_their_rhythm(login, teammate):
    ViewingPolicy.objects.create(organisation=teammate.organisation, daily_limit_minutes=180)
    client = login(teammate)
    response = client.post("/exposure/viewing/settings/", {"view_minutes": "40", "break_minutes": "15"})
    assert response.status_code == 302
    assert ViewingPreference.objects.get(officer=teammate).view_minutes == 40
    html = client.get("/exposure/viewing/").content.decode()
    assert "15-minute break after 40 minutes" in html and "daily limit of 180 minutes" in html


def test_a_rhythm_out_of_range_is_refused_next_to_the_field(login, teammate):
    response = login(teammate).post("/exposure/viewing/settings/", {"view_minutes": "500", "break_minutes": "10"})
    assert response.status_code == 400
    assert "less than or equal to 240" in response.content.decode()
    assert not ViewingPreference.objects.exists()


def test_a_session_runs_and_on_stop_prefills_the_cse_entry(login, teammate):
    client = login(teammate)
    client.post("/exposure/viewing/start/")
    session = ViewingSession.objects.get(officer=teammate)
    # Pretend the session began 75 minutes ago.
    ViewingSession.objects.filter(pk=session.pk).update(
        started_at=timezone.now() - timedelta(minutes=75), segment_started_at=timezone.now() - timedelta(minutes=75))
    assert client.post(f"/exposure/viewing/{session.pk}/break/").status_code == 302
    assert client.post(f"/exposure/viewing/{session.pk}/resume/").status_code == 302
    response = client.post(f"/exposure/viewing/{session.pk}/stop/")
    assert response["Location"] == f"/exposure/log/?role=cse_review&session={session.pk}"
    html = client.get(response["Location"]).content.decode()
    assert 'name="cse_review-minutes" value="75"' in html
    assert f'name="cse_review-session" value="{session.pk}"' in html
    assert 'value="cse_review" selected' in html
    # Saving the entry links the session to the shift.
    data = helpers.cse_review(**{"cse_review-minutes": "75", "cse_review-session": str(session.pk)})
    assert client.post("/exposure/log/", data).status_code == 302
    session.refresh_from_db()
    assert session.shift is not None and session.shift.officer_id == teammate.pk


def test_the_timer_answers_json_for_the_script(login, teammate):
    client = login(teammate)
    state = client.post("/exposure/viewing/start/", HTTP_ACCEPT="application/json").json()
    assert state["session"]["state"] == "viewing"
    assert state["view_seconds"] == 50 * 60 and state["break_seconds"] == 10 * 60
    assert state["daily_limit_seconds"] == 240 * 60
    assert set(state) == {"view_seconds", "break_seconds", "daily_limit_seconds", "today_seconds", "session"}


def test_the_timer_needs_post(login, teammate):
    assert login(teammate).get("/exposure/viewing/start/").status_code == 405
