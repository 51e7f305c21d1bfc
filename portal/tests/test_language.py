"""Each person chooses English or Welsh; the choice is remembered on their profile and followed by
every page, date and number. Questionnaire items fall back to English with a note in Welsh."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from portal.language import instrument_language, supported_language, user_language
from portal.models import Notification

URL = "/accounts/language/"
COOKIE = settings.LANGUAGE_COOKIE_NAME


def html(response) -> str:
    return response.content.decode()


def test_the_chooser_has_its_own_named_route():
    assert reverse("language-set") == URL


# Which language a page is in ----------------------------------------------------------------------


def test_a_signed_in_officer_sees_pages_in_the_language_on_their_profile(login, officer):
    officer.language = "cy"
    officer.save()
    response = login(officer).get("/exposure/")
    assert '<html lang="cy">' in html(response)
    assert "Fy sifftiau" in html(response)
    assert "My shifts" not in html(response)
    assert response.headers["Content-Language"] == "cy"


def test_the_profile_language_wins_over_the_browser_and_the_cookie(login, officer):
    client = login(officer)
    client.cookies[COOKIE] = "cy"
    response = client.get("/exposure/", HTTP_ACCEPT_LANGUAGE="cy")
    assert '<html lang="en">' in html(response)
    assert "My shifts" in html(response)


def test_someone_not_signed_in_gets_the_language_their_browser_asks_for(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="cy,en;q=0.5")
    assert '<html lang="cy">' in html(response)
    assert "Mewngofnodi" in html(response)


def test_someone_not_signed_in_gets_english_by_default(client, db):
    response = client.get("/accounts/login/")
    assert '<html lang="en">' in html(response)
    assert "Sign in" in html(response)


def test_signing_out_leaves_the_next_page_in_the_persons_language(login, officer):
    officer.language = "cy"
    officer.save()
    client = login(officer)
    client.get("/exposure/")  # the middleware puts the profile's language in the cookie
    assert client.cookies[COOKIE].value == "cy"
    response = client.post("/accounts/logout/", follow=True)
    assert "Mewngofnodi" in html(response)


def test_an_unknown_language_on_a_profile_falls_back_to_english(login, officer):
    officer.language = "xx"
    officer.save()
    response = login(officer).get("/exposure/")
    assert "My shifts" in html(response)


# The chooser ----------------------------------------------------------------------------------


def test_choosing_welsh_saves_it_on_the_profile_and_the_next_page_is_welsh(login, officer):
    client = login(officer)
    response = client.post(URL, {"language": "cy", "next": "/exposure/"})
    assert response.status_code == 302
    assert response["Location"] == "/exposure/"
    officer.refresh_from_db()
    assert officer.language == "cy"
    assert response.cookies[COOKIE].value == "cy"
    page = client.get("/exposure/")
    assert "Fy sifftiau" in html(page)
    assert "Allgofnodi" in html(page)


def test_the_welsh_choice_follows_the_person_to_another_browser(officer, supervisor):
    first = Client()
    first.force_login(officer)
    first.post(URL, {"language": "cy", "next": "/exposure/"})
    second = Client()  # no cookie, English-speaking browser
    second.force_login(officer)
    assert "Fy sifftiau" in html(second.get("/exposure/", HTTP_ACCEPT_LANGUAGE="en-GB"))


def test_choosing_english_again_switches_back(login, officer):
    officer.language = "cy"
    officer.save()
    client = login(officer)
    client.post(URL, {"language": "en-gb", "next": "/exposure/"})
    officer.refresh_from_db()
    assert officer.language == "en-gb"
    assert "My shifts" in html(client.get("/exposure/"))


def test_someone_not_signed_in_can_choose_welsh_for_the_sign_in_page(client, db):
    response = client.post(URL, {"language": "cy", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    assert response.cookies[COOKIE].value == "cy"
    assert "Mewngofnodi" in html(client.get("/accounts/login/"))


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_the_chooser_never_redirects_off_the_site(client, db, next_url):
    response = client.post(URL, {"language": "cy", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing_and_says_why(login, officer):
    client = login(officer)
    response = client.post(URL, {"language": "fr", "next": "/exposure/"}, follow=True)
    officer.refresh_from_db()
    assert officer.language == "en-gb"
    assert response.redirect_chain[-1][0] == "/exposure/"
    assert "That language is not available" in html(response)
    assert COOKIE not in response.cookies or response.cookies[COOKIE].value != "fr"


def test_the_chooser_only_accepts_a_post(client, db):
    assert client.get(URL).status_code == 405


def test_the_chooser_is_protected_against_cross_site_requests(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post(URL, {"language": "cy", "next": "/"}).status_code == 403
    officer.refresh_from_db()
    assert officer.language == "en-gb"


def test_the_footer_names_each_language_in_itself_on_every_page(login, officer):
    for language in ("en-gb", "cy"):
        officer.language = language
        officer.save()
        page = html(login(officer).get("/exposure/"))
        assert 'action="/accounts/language/"' in page
        assert 'name="csrfmiddlewaretoken"' in page
        assert 'value="/exposure/"' in page
        assert '<button type="submit" name="language" value="en-gb" lang="en-GB"' in page
        assert '<button type="submit" name="language" value="cy" lang="cy"' in page
        assert ">English</button>" in page and ">Cymraeg</button>" in page
        assert "Saesneg" not in page  # "English" is never translated into the other language
        assert page.count('aria-current="true"') == 1


def test_the_chooser_marks_the_current_language(login, officer):
    officer.language = "cy"
    officer.save()
    page = html(login(officer).get("/exposure/"))
    assert 'value="cy" lang="cy" class="btn btn-link btn-sm p-0 align-baseline fw-bold" aria-current="true"' in page


def test_the_chooser_is_on_pages_for_people_not_signed_in(client, db):
    page = html(client.get("/accessibility/"))
    assert ">Cymraeg</button>" in page
    assert 'value="/accessibility/"' in page


# Dates and numbers ----------------------------------------------------------------------------


def test_dates_follow_the_language():
    day = date(2026, 11, 26)
    with translation.override("cy"):
        assert formats.date_format(day) == "26 Tachwedd 2026"
        assert formats.date_format(day, "l") == "Dydd Iau"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "26/11/2026"
    with translation.override("en-gb"):
        assert formats.date_format(day) == "26 Nov 2026"
        assert formats.date_format(day, "l") == "Thursday"


def test_numbers_follow_the_language():
    with translation.override("cy"):
        assert formats.number_format(12345.5, decimal_pos=1, force_grouping=True) == "12,345.5"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
    with translation.override("en-gb"):
        assert formats.number_format(12345.5, decimal_pos=1, force_grouping=True) == "12,345.5"


def test_a_welsh_users_notification_dates_are_in_welsh(login, officer):
    Notification.objects.create(
        user=officer, title="t", created_at=datetime(2026, 11, 26, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    )
    assert "26 Nov 2026, 09:30" in html(login(officer).get("/notifications/"))
    officer.language = "cy"
    officer.save()
    page = html(login(officer).get("/notifications/"))
    assert "26 Tach 2026, 09:30" in page
    assert "Nov" not in page


# Text for someone else, and questionnaires ----------------------------------------------------


def test_text_for_another_person_is_rendered_in_their_language(officer, supervisor):
    supervisor.language = "cy"
    with translation.override("en-gb"), user_language(supervisor) as language:
        assert language == "cy"
        assert translation.gettext("My shifts") == "Fy sifftiau"
    with user_language(officer) as language:
        assert language == "en-gb"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("cy", "cy"), ("CY", "cy"), ("cy-GB", "cy"), ("en-GB", "en-gb"), ("en", "en-gb"), ("en_US", "en-gb"),
     ("fr", None), ("xx-cy", None), ("", None), (None, None)],
)
def test_only_the_portals_languages_are_supported(code, expected):
    assert supported_language(code) == expected


def test_an_english_reader_sees_questionnaires_in_english_without_a_note():
    shown = instrument_language(validated=[], reader="en-gb")
    assert (shown.language, shown.note, shown.is_fallback) == ("en-gb", None, False)


def test_a_welsh_reader_sees_english_items_with_a_welsh_note_when_no_validated_translation_exists():
    with translation.override("en-gb"):  # the note follows the reader, not the request
        shown = instrument_language(validated=["de"], reader="cy")
    assert shown.language == "en-gb"
    assert shown.is_fallback
    assert "Saesneg" in shown.note  # "in English", said in Welsh
    assert "English" not in shown.note


def test_a_welsh_reader_sees_welsh_items_when_the_owner_has_validated_them():
    shown = instrument_language(validated=["cy"], reader="cy")
    assert (shown.language, shown.note) == ("cy", None)


def test_the_questionnaire_rule_uses_the_active_language_by_default():
    with translation.override("cy"):
        assert instrument_language(validated=[]).is_fallback
    with translation.override("en-gb"):
        assert not instrument_language(validated=[]).is_fallback
