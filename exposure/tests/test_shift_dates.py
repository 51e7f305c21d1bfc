"""The shift form's date for people on shifts (issue 17): filled in with the shift the officer most
likely means, a start at most an hour ahead of now, night shifts on the date they started, and the
viewing timer's session handing over its date, start time and minutes."""

from datetime import UTC, datetime, time, timedelta
from unittest import mock

from django.utils import timezone

from exposure.models import Exposure, ShiftLog, ViewingSession
from exposure.services import shift_create
from exposure.shift_times import LONDON
from exposure.tests import helpers

URL = "/exposure/log/"


def _today():
    return timezone.localdate()


def _at(hour, minute=0):
    moment = datetime.combine(_today(), time(hour, minute), tzinfo=LONDON)
    return mock.patch.object(timezone, "now", return_value=moment.astimezone(UTC))


def _night_shift_before(officer, days_ago=4):
    return shift_create(officer=officer, shift_date=_today() - timedelta(days=days_ago), start_time=time(19),
                        duration_minutes=720, role="call_handling", entries=[])


def test_at_08_56_after_a_night_shift_the_form_is_filled_with_last_nights_shift(login, officer):
    _night_shift_before(officer)
    client = login(officer)
    with _at(8, 56):
        html = client.get(URL).content.decode()
    yesterday = (_today() - timedelta(days=1)).isoformat()
    assert f'type="date" name="shift_date" value="{yesterday}"' in html
    assert 'name="start_time" value="19:00"' in html
    assert 'name="length_hours" value="12.0"' in html or 'name="length_hours" value="12"' in html


def test_during_a_day_shift_the_form_is_filled_with_today(login, officer):
    with _at(9, 30):
        html = login(officer).get(URL).content.decode()
    assert f'name="shift_date" value="{_today().isoformat()}"' in html


def test_the_form_is_filled_in_welsh_too(login, officer):
    officer.language = "cy"
    officer.save(update_fields=["language"])
    client = login(officer)
    client.cookies["django_language"] = "cy"
    with _at(9, 30):
        html = client.get(URL, HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert '<html lang="cy"' in html
    assert f'name="shift_date" value="{_today().isoformat()}"' in html


def test_a_shift_starting_more_than_an_hour_ahead_is_refused_with_the_limit(login, officer):
    client = login(officer)
    with _at(8, 56):
        response = client.post(URL, helpers.call_handling(shift_date=_today().isoformat(), start_time="19:00"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "A shift can start at most 1 hour from now." in html
    assert not ShiftLog.objects.exists()


def test_a_shift_starting_within_the_hour_is_accepted(login, officer):
    with _at(8, 56):
        response = login(officer).post(URL, helpers.call_handling(shift_date=_today().isoformat(),
                                                                  start_time="09:45"))
    assert response.status_code == 302
    assert ShiftLog.objects.get(officer=officer).start_time == time(9, 45)


def test_the_night_shift_is_logged_on_the_date_it_started_with_its_exposures(login, officer):
    yesterday = _today() - timedelta(days=1)
    with _at(8, 56):
        response = login(officer).post(URL, helpers.call_handling(
            shift_date=yesterday.isoformat(), start_time="19:00", length_hours="12"))
    assert response.status_code == 302
    shift = ShiftLog.objects.get(officer=officer)
    assert shift.shift_date == yesterday
    assert shift.ends_at - shift.starts_at == timedelta(hours=12)
    assert set(Exposure.objects.filter(officer=officer).values_list("shift_date", flat=True)) == {yesterday}


def test_a_shift_overlapping_last_nights_is_refused(login, officer):
    shift_create(officer=officer, shift_date=_today() - timedelta(days=1), start_time=time(19),
                 duration_minutes=720, role="call_handling", entries=[])
    with _at(9, 30):
        response = login(officer).post(URL, helpers.call_handling(shift_date=_today().isoformat(),
                                                                  start_time="06:30", length_hours="2"))
    assert "This overlaps a shift you already logged" in response.content.decode()
    assert ShiftLog.objects.count() == 1


def test_the_viewing_timer_fills_in_the_sessions_date_start_and_minutes(login, teammate):
    client = login(teammate)
    client.post("/exposure/viewing/start/")
    session = ViewingSession.objects.get(officer=teammate)
    began = datetime.combine(_today() - timedelta(days=1), time(22, 40, 17), tzinfo=LONDON).astimezone(UTC)
    ViewingSession.objects.filter(pk=session.pk).update(started_at=began, segment_started_at=began)
    with mock.patch.object(timezone, "now", return_value=began + timedelta(minutes=95)):
        response = client.post(f"/exposure/viewing/{session.pk}/stop/")
        html = client.get(response["Location"]).content.decode()
    assert f'name="shift_date" value="{(_today() - timedelta(days=1)).isoformat()}"' in html
    assert 'name="start_time" value="22:40"' in html
    assert 'name="cse_review-minutes" value="95"' in html
