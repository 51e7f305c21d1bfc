"""What an officer reads after an urgent answer (PHQ-9 item 9 above 0, or yes to the PHQ-4 safety
question): no reassuring band or "better direction" (hazard H6), who has been told and when
occupational health works, with the 24-hour lines first out of hours (hazard H8), the same
who-sees-what notice as the form, and numbers as tap-to-call links (hazard H10)."""

import html as html_lib
import re
from datetime import UTC, datetime, time, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from portal.notices import NOTICES
from wellbeing.checkins.selectors import trend_summary
from wellbeing.instruments import PHQ9, PULSE
from wellbeing.models import CheckIn, Flag, SupportContact
from wellbeing.tests.helpers import form_data, make_checkin

# Tuesday 3 June 2025: 11:00 and 21:00 in London (BST, UTC+1).
TUESDAY_MORNING = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)
TUESDAY_NIGHT = datetime(2025, 6, 3, 20, 0, tzinfo=UTC)
REASSURING = ("Minimal", "few or no symptoms", "better direction", "little or no distress", "(None)",
              "usual level for further conversation")


@pytest.fixture
def own_oh(force):
    return SupportContact.objects.create(organisation=force, name="Testshire Occupational Health",
                                         contact="01632 960 001", order=5)


def send_urgent_phq9(client, officer):
    client.force_login(officer)
    response = client.post("/wellbeing/checkin/phq9/", form_data(client, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1]))
    assert response["Location"] == "/wellbeing/support/"
    return CheckIn.objects.get(urgent=True)


def page_at(client, url, now):
    with mock.patch.object(timezone, "now", return_value=now):
        return client.get(url).content.decode()


def main_text(page):
    """The page's main content as text (tags removed, entities decoded)."""
    main = page[page.index('<main'):page.index('</main>')]
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


# --- H6: misleading result wording ------------------------------------------------------------

def test_misleading_result_wording_item9_result_shows_no_band_and_says_who_was_told(client, officer, oh, own_oh):
    checkin = send_urgent_phq9(client, officer)
    assert checkin.band == "minimal" and checkin.total == 1  # the stored band is kept for OH ...
    text = main_text(page_at(client, f"/wellbeing/checkins/{checkin.pk}/", TUESDAY_MORNING))
    for words in REASSURING:  # ... but never shown to the officer as a reassurance
        assert words not in text, words
    assert "Your score: 1 out of 27 " in text
    assert "That answer matters more than any total" in text
    assert "What happens next" in text
    assert "Occupational health was told as soon as you sent this check-in" in text
    assert "Someone from occupational health will contact you." in text
    assert "told only that a welfare contact is recommended" in text
    assert "Occupational health works Monday to Friday, 08:00 to 17:00. They are working now." in text


def test_misleading_result_wording_phq4_safety_question_hides_the_none_band(client, officer, oh):
    client.force_login(officer)
    client.post("/wellbeing/checkin/phq4/", form_data(client, "phq4", [0, 0, 0, 0], safety="1"))
    checkin = CheckIn.objects.get()
    assert checkin.urgent and checkin.band == "none"
    text = main_text(client.get(f"/wellbeing/checkins/{checkin.pk}/").content.decode())
    assert "Your score: 0 out of 12 " in text and "(None)" not in text and "little or no distress" not in text
    assert "You answered yes to the question about thoughts of being better off dead" in text
    assert "What happens next" in text


def test_misleading_result_wording_a_calm_result_still_shows_its_band(client, officer):
    client.force_login(officer)
    checkin = make_checkin(officer, "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0])
    text = main_text(client.get(f"/wellbeing/checkins/{checkin.pk}/").content.decode())
    assert "Your score: 8 out of 27 (Mild)" in text and "What happens next" not in text


def test_misleading_result_wording_the_trend_never_calls_a_lower_score_after_an_urgent_answer_better(
        client, officer, oh):
    make_checkin(officer, "phq9", [2, 2, 2, 2, 2, 2, 0, 0, 0], at=timezone.now() - timedelta(days=30))
    checkin = send_urgent_phq9(client, officer)
    for url in (f"/wellbeing/checkins/{checkin.pk}/", "/wellbeing/"):
        page = client.get(url).content.decode()
        text = main_text(page)
        assert "better direction" not in text, url
        assert "score went from 12 to 1 out of 27." in text
        assert "included an answer that needs support straight away" in text
        assert "does not show whether things are better or worse" in text
        # the table and the chart's data say which check-in it was
        assert "Yes: occupational health was told" in text
        assert '"urgent": true' in page and "urgent answer: occupational health told" in page
    history = main_text(client.get("/wellbeing/").content.decode())
    assert "Urgent answer: occupational health told" in history and "Minimal" not in history


@pytest.mark.parametrize(("totals", "urgent", "expected", "absent"), [
    ([12, 1], [False, True], "went from 12 to 1 out of 27. At least one of your PHQ-9", "better direction"),
    ([1, 12], [True, False], "went from 1 to 12 out of 27. At least one of your PHQ-9", "harder direction"),
    ([1, 1], [True, True], "stayed at 1 out of 27. At least one", "direction"),
    ([1], [True], "It included an answer that needs support straight away", "scoring 1"),
    ([12, 1], [False, False], "which is in the better direction", "needs support"),
])
def test_misleading_result_wording_trend_summary(totals, urgent, expected, absent):
    points = [{"total": t, "urgent": u} for t, u in zip(totals, urgent, strict=True)]
    summary = trend_summary(PHQ9, points)
    assert expected in summary and absent not in summary


def test_misleading_result_wording_trend_summary_reads_points_without_an_urgent_key():
    assert "better direction" in trend_summary(PULSE, [{"total": 5}, {"total": 15}])


def test_misleading_result_wording_support_page_after_an_urgent_answer_says_the_same(client, officer, oh, own_oh):
    send_urgent_phq9(client, officer)
    text = main_text(page_at(client, "/wellbeing/support/", TUESDAY_MORNING))
    assert "Thank you for telling us" in text and "What happens next" in text
    assert "Someone from occupational health will contact you." in text
    assert "told only that a welfare contact is recommended" in text
    assert "They are working now." in text
    for words in REASSURING:
        assert words not in text


def test_misleading_result_wording_once_oh_has_closed_the_flag_the_page_says_so(client, officer, oh):
    checkin = send_urgent_phq9(client, officer)
    Flag.objects.update(status=Flag.Status.CLOSED, closed_at=timezone.now() + timedelta(minutes=1))
    text = main_text(client.get(f"/wellbeing/checkins/{checkin.pk}/").content.decode())
    assert "has since recorded that they followed it up" in text
    assert "will contact you" not in text


@pytest.mark.parametrize("urgent", [False, True])
def test_misleading_result_wording_result_page_says_who_sees_what_in_the_forms_own_words(client, officer, urgent):
    client.force_login(officer)
    answers = [0, 0, 0, 0, 0, 0, 0, 0, 1 if urgent else 0]
    client.post("/wellbeing/checkin/phq9/", form_data(client, "phq9", answers, comment="private words"))
    checkin = CheckIn.objects.get()
    form_page = client.get("/wellbeing/checkin/phq9/").content.decode()
    result_page = client.get(f"/wellbeing/checkins/{checkin.pk}/").content.decode()
    for key in ("checkin", "checkin_comment"):
        notice = html_lib.escape(str(NOTICES[key]))
        assert notice in form_page, key
        assert notice in result_page, key
    assert 'id="who-sees"' in result_page


# --- H8: out of hours, no one on duty -----------------------------------------------------------

def contact_names(text):
    order = ["Emergency services", "Samaritans", "NHS 111", "Shout", "Testshire Occupational Health",
             "Police Care UK", "Mind"]
    return sorted((n for n in order if n in text), key=text.index)


def test_out_of_hours_no_one_on_duty_result_says_when_oh_opens_and_lists_24_hour_lines_first(
        client, officer, oh, own_oh):
    checkin = send_urgent_phq9(client, officer)
    text = main_text(page_at(client, f"/wellbeing/checkins/{checkin.pk}/", TUESDAY_NIGHT))
    assert "Occupational health is not working now. They next start on Wednesday 4 June at 08:00." in text
    assert "the lines marked 24 hours are open now" in text
    help_text = text[text.index("Where to get help now"):]
    assert contact_names(help_text) == ["Emergency services", "Samaritans", "NHS 111", "Shout",
                                        "Testshire Occupational Health", "Police Care UK", "Mind"]
    # In OH's hours the force's own OH line keeps its configured place (order 5, after 999).
    text = main_text(page_at(client, f"/wellbeing/checkins/{checkin.pk}/", TUESDAY_MORNING))
    help_text = text[text.index("Where to get help now"):]
    assert contact_names(help_text)[:2] == ["Emergency services", "Testshire Occupational Health"]
    assert "not working now" not in text


def test_out_of_hours_no_one_on_duty_support_page_after_an_urgent_answer(client, officer, oh, own_oh, force):
    force.oh_opens_at, force.oh_closes_at, force.oh_open_weekends = time(9), time(16, 30), False
    force.save()
    send_urgent_phq9(client, officer)
    saturday = datetime(2025, 6, 7, 11, 0, tzinfo=UTC)
    text = main_text(page_at(client, "/wellbeing/support/", saturday))
    assert "Occupational health works Monday to Friday, 09:00 to 16:30." in text
    assert "They next start on Monday 9 June at 09:00." in text
    help_text = text[text.index("Where to get help now"):]
    assert contact_names(help_text)[:4] == ["Emergency services", "Samaritans", "NHS 111", "Shout"]


def test_out_of_hours_no_one_on_duty_24_hour_lines_are_marked_by_the_migration(db):
    marked = set(SupportContact.objects.filter(organisation=None, always_open=True).values_list("name", flat=True))
    assert marked == {"Emergency services", "Samaritans", "NHS 111", "Shout"}


# --- H10: support numbers hard to reach ----------------------------------------------------------

def test_support_numbers_hard_to_reach_numbers_are_tel_and_sms_links_on_result_and_support_pages(
        client, officer, oh, own_oh):
    checkin = send_urgent_phq9(client, officer)
    for url in ("/wellbeing/support/", f"/wellbeing/checkins/{checkin.pk}/", "/wellbeing/support/"):
        page = client.get(url).content.decode()
        for href in ("tel:999", "tel:116123", "tel:111", "sms:85258?&amp;body=SHOUT", "tel:03000120030",
                     "tel:03001233393", "tel:01632960001"):
            assert re.search(rf'<a class="btn btn-outline-primary tap-target" href="{re.escape(href)}"', page), \
                (url, href)
        assert '<span class="visually-hidden">Call Samaritans: </span>116 123</a>' in page


def test_support_numbers_hard_to_reach_the_footer_on_every_page_links_999_and_samaritans(client, officer):
    client.force_login(officer)
    for url in ("/exposure/", "/exposure/viewing/", "/wellbeing/", "/training/"):
        page = client.get(url).content.decode()
        assert 'href="tel:999">999</a>' in page and 'href="tel:116123">116 123</a>' in page, url


def test_support_numbers_hard_to_reach_admin_still_edits_contacts_and_shows_the_link(admin_client, own_oh):
    listing = admin_client.get("/admin/wellbeing/supportcontact/").content.decode()
    assert "tel:01632960001" in listing and "tel:116123" in listing
    change = admin_client.get(f"/admin/wellbeing/supportcontact/{own_oh.pk}/change/")
    assert change.status_code == 200 and 'name="always_open"' in change.content.decode()
    response = admin_client.post(f"/admin/wellbeing/supportcontact/{own_oh.pk}/change/", {
        "organisation": own_oh.organisation_id, "nation": "", "name": own_oh.name, "contact": "Via the duty desk",
        "detail": "", "order": 5, "active": "on", "always_open": "on"})
    assert response.status_code == 302
    own_oh.refresh_from_db()
    assert own_oh.always_open and own_oh.contact == "Via the duty desk"
    assert "none: shown as text" in admin_client.get("/admin/wellbeing/supportcontact/").content.decode()
