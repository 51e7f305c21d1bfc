"""H10: support numbers hard to reach. The pure parser that turns a support contact's free text
into tap-to-call and tap-to-text links, and leaves everything else as text."""

import pytest

from wellbeing.checkins.contact_links import Part, contact_parts


@pytest.mark.parametrize(("text", "href"), [
    ("999", "tel:999"),
    ("116 123", "tel:116123"),
    ("111, then select the mental health option", "tel:111"),
    ("0300 012 0030", "tel:03000120030"),
    ("0300 123 3393", "tel:03001233393"),
    ("01632 960 001", "tel:01632960001"),
    ("01632-960-001", "tel:01632960001"),
    ("(01632) 960001", "tel:01632960001"),
    ("0800 1111", "tel:08001111"),
    ("0808 808 0000", "tel:08088080000"),
    ("07700 900123", "tel:07700900123"),
    ("+44 20 7946 0000", "tel:+442079460000"),
    ("+44 (0)20 7946 0000", "tel:+442079460000"),
    ("Call 101", "tel:101"),
    ("Call or text 07700 900123", "tel:07700900123"),  # calling is the first way in
    ("Text SHOUT to 85258", "sms:85258?&body=SHOUT"),
    ("text 'SHOUT' to 85258", "sms:85258?&body=SHOUT"),
    ("SMS 85258", "sms:85258"),
    ("Text us on 07700 900123", "sms:07700900123"),
])
def test_support_numbers_hard_to_reach_one_number_makes_the_whole_text_a_link(text, href):
    parts = contact_parts(text)
    assert parts == [Part(text, href, href.split(":")[0])]


@pytest.mark.parametrize("text", [
    "jo@samaritans.org",
    "Via your local Federation representative",
    "Monday to Friday, 9am to 6pm",
    "85258",  # a short code nobody said to text cannot be called
    "12345",
    "0900-1700",  # opening times, not a number
    "00 33 1 23 45 67 89",  # international dialling from the UK: not linked
    "+33 1 23 45 67 89",  # not a UK number
    "0123",
    "01632 960 001 2345 6789",  # too many digits to be one number
    "Room 101a",
])
def test_support_numbers_hard_to_reach_anything_else_stays_text(text):
    assert contact_parts(text) == [Part(text)]


def test_support_numbers_hard_to_reach_empty_text_has_no_parts():
    assert contact_parts("") == [] and contact_parts(None) == []


def test_support_numbers_hard_to_reach_several_numbers_are_each_their_own_link():
    assert contact_parts("Call 0800 123 4567 or text 07700 900123 (24 hours)") == [
        Part("Call "), Part("0800 123 4567", "tel:08001234567", "tel"), Part(" or text "),
        Part("07700 900123", "sms:07700900123", "sms"), Part(" (24 hours)")]
    assert contact_parts("999 / 116 123") == [
        Part("999", "tel:999", "tel"), Part(" / "), Part("116 123", "tel:116123", "tel")]


def test_support_numbers_hard_to_reach_lazy_translated_text_is_read_as_text():
    from django.utils.translation import gettext_lazy

    assert contact_parts(gettext_lazy("Text SHOUT to 85258"))[0].href == "sms:85258?&body=SHOUT"
