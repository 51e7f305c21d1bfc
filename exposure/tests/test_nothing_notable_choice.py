""""Nothing notable on my last shift" when more than one recent shift is unlogged (issue 17): a
question with the candidate shifts, then the chosen one is logged. One candidate stays one click."""

from datetime import UTC, date, datetime, time
from unittest import mock

import pytest
from django.utils import timezone

from exposure.models import ShiftLog
from exposure.services import shift_create
from exposure.shift_times import LONDON

URL = "/exposure/nothing-notable/"
TODAY = date(2026, 6, 10)


def _at(*args):
    moment = datetime(*args, tzinfo=LONDON).astimezone(UTC)
    return mock.patch.object(timezone, "now", return_value=moment)


@pytest.fixture
def night_and_early(teammate):
    """A night worker who also does early shifts: a night on the 7th, an early on the 8th."""
    shift_create(officer=teammate, shift_date=date(2026, 6, 7), start_time=time(19), duration_minutes=600,
                 role="cse_review", entries=[])
    shift_create(officer=teammate, shift_date=date(2026, 6, 8), start_time=time(6), duration_minutes=360,
                 role="cse_review", entries=[])
    return teammate


def test_at_midday_with_two_unlogged_shifts_the_officer_is_asked_which_and_nothing_is_logged(login, night_and_early):
    client = login(night_and_early)
    with _at(2026, 6, 10, 12, 30):
        response = client.post(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Which shift had nothing notable?" in page
    assert 'value="2026-06-10_0600_360"' in page and 'value="2026-06-09_1900_600"' in page
    assert "Wednesday 10 June from 06:00, 6 hours, as CSE digital review" in page
    assert "Tuesday 9 June from 19:00, 10 hours, as CSE digital review" in page
    assert page.count('type="radio"') == 2  # never tonight's night shift, which has not started
    assert ShiftLog.objects.count() == 2


def test_the_chosen_shift_is_logged_as_nothing_notable(login, night_and_early):
    client = login(night_and_early)
    with _at(2026, 6, 10, 12, 30):
        response = client.post(URL, {"shift": "2026-06-09_1900_600"}, follow=True)
    shift = ShiftLog.objects.get(officer=night_and_early, shift_date=date(2026, 6, 9))
    assert (shift.start_time, shift.duration_minutes, shift.role, shift.nothing_notable) == (
        time(19), 600, "cse_review", True)
    assert "Your shift of Tuesday 9 June from 19:00 is logged: nothing notable." in response.content.decode()
    # the other one is now the only one left: the next click logs it without asking
    with _at(2026, 6, 10, 12, 31):
        response = client.post(URL)
    assert response.status_code == 302
    assert ShiftLog.objects.get(officer=night_and_early, shift_date=TODAY).start_time == time(6)


@pytest.mark.parametrize("crafted", [
    "", "nonsense", "2026-06-10_1900_600",  # tonight: not started
    "2026-06-08_0600_360",  # already logged
    "2026-06-09_1900_6000", "x" * 3000, "2026-06-09_1900_600\x00",
])
def test_a_crafted_or_stale_choice_asks_again_with_an_error_and_logs_nothing(login, night_and_early, crafted):
    client = login(night_and_early)
    with _at(2026, 6, 10, 12, 30):
        response = client.post(URL, {"shift": crafted})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert ShiftLog.objects.count() == 2


def test_a_choice_posted_after_the_shift_was_logged_elsewhere_says_so(login, night_and_early):
    client = login(night_and_early)
    with _at(2026, 6, 10, 12, 30):
        client.post(URL, {"shift": "2026-06-10_0600_360"})
        response = client.post(URL, {"shift": "2026-06-10_0600_360"})  # a second tab, say
    assert response.status_code == 400
    assert "That shift cannot be logged from here any more." in response.content.decode()
    assert ShiftLog.objects.filter(shift_date=TODAY).count() == 1


def test_the_quick_help_says_it_will_ask_when_it_is_ambiguous(login, night_and_early):
    client = login(night_and_early)
    with _at(2026, 6, 10, 12, 30):
        html = client.get("/exposure/").content.decode()
    assert "asks which of your recent shifts you mean" in html


def test_one_unlogged_shift_stays_one_click(login, teammate):
    shift_create(officer=teammate, shift_date=date(2026, 6, 8), start_time=time(19), duration_minutes=720,
                 role="cse_review", entries=[])
    client = login(teammate)
    with _at(2026, 6, 10, 8, 56):
        html = client.get("/exposure/").content.decode()
        response = client.post(URL)
    assert "logs your shift of Tuesday 9 June from 19:00 for 12 hours as CSE digital review" in html
    assert response.status_code == 302 and response["Location"] == "/exposure/"
    assert ShiftLog.objects.get(officer=teammate, shift_date=date(2026, 6, 9)).nothing_notable


def test_the_choices_are_the_officers_own(login, night_and_early, officer):
    """Another officer's shifts neither add choices nor block them: the officer has no history,
    so their click is one click, whatever the teammate logged."""
    with _at(2026, 6, 10, 16, 0):
        response = login(officer).post(URL)
    assert response.status_code == 302
    assert ShiftLog.objects.get(officer=officer).shift_date == TODAY
