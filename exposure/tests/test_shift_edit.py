"""Editing, deleting and correcting a shift: the 7-day window, history, and own entries only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exposure.models import CorrectionNote, Exposure, ShiftChange, ShiftLog, ViewingSession
from exposure.tests import helpers


@pytest.fixture
def shift(login, officer):
    login(officer).post("/exposure/log/", helpers.call_handling())
    return ShiftLog.objects.get(officer=officer)


def _age(shift, days):
    ShiftLog.objects.filter(pk=shift.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_the_edit_form_shows_what_was_logged(client, shift):
    html = client.get(f"/exposure/shifts/{shift.pk}/edit/").content.decode()
    assert 'name="call_handling-count_child_at_risk" value="3"' in html
    assert 'name="call_handling-calls_taken" value="40"' in html
    assert 'value="child_at_risk" selected' in html


def test_an_edit_within_seven_days_is_saved_and_kept_in_history(client, shift):
    kept_ids = set(shift.exposures.values_list("id", flat=True))
    data = helpers.call_handling(**{"call_handling-count_domestic_abuse": "5", "call_handling-calls_taken": "45"})
    response = client.post(f"/exposure/shifts/{shift.pk}/edit/", data)
    assert response.status_code == 302
    domestic = Exposure.objects.get(shift=shift, category__code="domestic_abuse")
    assert domestic.count == 5 and domestic.dose == pytest.approx(5 * 4 * 0.5)
    # Entries of the same category are updated in place, so anything pointing at them still does.
    assert set(shift.exposures.values_list("id", flat=True)) == kept_ids
    changes = list(ShiftChange.objects.filter(shift_id=shift.pk).order_by("at", "id"))
    assert [c.action for c in changes] == ["created", "updated"]
    before = {e["category"]: e["count"] for e in changes[0].snapshot["exposures"] if not e["critical_incident"]}
    assert before["domestic_abuse"] == 2


def test_an_edit_can_change_the_role_and_the_old_entries_go(client, shift):
    response = client.post(f"/exposure/shifts/{shift.pk}/edit/", helpers.counter_terrorism())
    assert response.status_code == 302
    assert list(shift.exposures.values_list("role", flat=True)) == ["counter_terrorism"]


def test_an_edit_can_overlap_its_own_earlier_times(client, shift):
    response = client.post(f"/exposure/shifts/{shift.pk}/edit/", helpers.call_handling(start_time="08:00"))
    assert response.status_code == 302


def test_after_seven_days_a_shift_is_read_only(client, shift):
    _age(shift, 8)
    response = client.post(f"/exposure/shifts/{shift.pk}/edit/", helpers.call_handling(start_time="09:00"))
    assert response.status_code == 302 and response["Location"] == f"/exposure/shifts/{shift.pk}/"
    shift.refresh_from_db()
    assert shift.start_time.hour == 7
    assert client.post(f"/exposure/shifts/{shift.pk}/delete/").status_code == 302
    assert ShiftLog.objects.filter(pk=shift.pk).exists()
    page = client.get(f"/exposure/shifts/{shift.pk}/").content.decode()
    assert "read-only" in page and f"/exposure/shifts/{shift.pk}/edit/" not in page


def test_on_day_six_a_shift_can_still_be_edited(client, shift):
    _age(shift, 6)
    assert client.post(f"/exposure/shifts/{shift.pk}/edit/", helpers.call_handling(start_time="09:00")).status_code \
        == 302
    shift.refresh_from_db()
    assert shift.start_time.hour == 9


def test_a_correction_note_can_be_added_after_the_window(client, shift):
    _age(shift, 30)
    response = client.post(f"/exposure/shifts/{shift.pk}/correction/", {"text": "It was four child calls."})
    assert response.status_code == 302
    assert CorrectionNote.objects.get(shift=shift).text == "It was four child calls."
    assert ShiftChange.objects.filter(shift_id=shift.pk, action="corrected").exists()
    assert "It was four child calls." in client.get(f"/exposure/shifts/{shift.pk}/").content.decode()


def test_an_empty_correction_note_is_refused_on_the_page(client, shift):
    response = client.post(f"/exposure/shifts/{shift.pk}/correction/", {"text": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_deleting_removes_the_shift_and_keeps_its_history(client, shift):
    assert client.get(f"/exposure/shifts/{shift.pk}/delete/").status_code == 200
    response = client.post(f"/exposure/shifts/{shift.pk}/delete/")
    assert response.status_code == 302
    assert not ShiftLog.objects.filter(pk=shift.pk).exists() and not Exposure.objects.exists()
    deleted = ShiftChange.objects.get(shift_id=shift.pk, action="deleted")
    assert len(deleted.snapshot["exposures"]) == 3


@pytest.mark.parametrize("path", ["", "edit/", "delete/"])
def test_another_officers_shift_is_not_found(login, shift, teammate, path):
    client = login(teammate)
    assert client.get(f"/exposure/shifts/{shift.pk}/{path}").status_code == 404
    assert client.post(f"/exposure/shifts/{shift.pk}/{path}", helpers.call_handling()).status_code in (404, 405)
    assert ShiftLog.objects.get(pk=shift.pk).start_time.hour == 7


def test_another_officer_cannot_add_a_correction(login, shift, teammate):
    assert login(teammate).post(f"/exposure/shifts/{shift.pk}/correction/", {"text": "x"}).status_code == 404
    assert not CorrectionNote.objects.exists()


def test_another_officers_viewing_session_is_not_found(login, officer, teammate):
    session = ViewingSession.objects.create(officer=teammate)
    client = login(officer)
    assert client.get(f"/exposure/log/?session={session.pk}").status_code == 404
    for action in ("break", "resume", "stop"):
        assert client.post(f"/exposure/viewing/{session.pk}/{action}/").status_code == 404


def test_the_detail_page_shows_the_role_detail(client, shift):
    html = client.get(f"/exposure/shifts/{shift.pk}/").content.decode()
    assert "Child at risk" in html and "Critical incident" in html
    assert "You want to know the outcome" in html
