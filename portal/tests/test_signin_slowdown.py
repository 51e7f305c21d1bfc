"""Issue 15 item 9 (lockout slowdown): guesses at one username from many addresses (which axes,
locking a username *and* address, does not bound) are slowed: after a few failures from several
addresses each further attempt waits, doubling, capped at a few minutes; a success clears it."""

import re
from unittest import mock

from django.core import mail

from conftest import PASSWORD, PlainClient
from portal import signin_slowdown
from portal.models import AuditEvent


def attempt(username, password, address):
    return PlainClient(REMOTE_ADDR=address).post("/accounts/login/", {"username": username, "password": password})


def spray(username, times, first=1):
    """Wrong passwords from a new address each time (an attacker rotating addresses)."""
    for i in range(first, first + times):
        attempt(username, "wrong-password-%d" % i, f"203.0.113.{i}")


def test_lockout_slowdown_guesses_from_many_addresses_are_slowed(officer, settings):
    settings.SIGNIN_SLOWDOWN_AFTER, settings.SIGNIN_SLOWDOWN_ADDRESSES = 5, 3
    spray("officer", 4)
    assert signin_slowdown.wait_seconds("officer") == 0
    spray("officer", 1, first=5)
    assert signin_slowdown.wait_seconds("officer") == settings.SIGNIN_SLOWDOWN_BASE

    # Even the right password, from an address never seen, waits: it is not even checked.
    client = PlainClient(REMOTE_ADDR="198.51.100.77")
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 200
    assert "Try again in a minute" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(action="login_failed").latest("pk")
    assert event.detail == {"username": "officer", "locked_out": False, "slowed": True}
    # Waiting attempts do not lengthen the wait.
    assert signin_slowdown.wait_seconds("officer") <= settings.SIGNIN_SLOWDOWN_BASE


def test_lockout_slowdown_the_wait_doubles_and_is_capped_at_a_few_minutes(officer, settings):
    settings.SIGNIN_SLOWDOWN_AFTER, settings.SIGNIN_SLOWDOWN_ADDRESSES = 5, 3
    settings.SIGNIN_SLOWDOWN_BASE, settings.SIGNIN_SLOWDOWN_MAX = 15, 300
    waits = [signin_slowdown.record_failure("officer", f"203.0.113.{i}", now=1000.0) for i in range(1, 15)]
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[4:10] == [15, 30, 60, 120, 240, 300]
    assert set(waits[10:]) == {300}
    assert signin_slowdown.wait_seconds("officer", now=1000.0) == 300
    assert signin_slowdown.wait_seconds("officer", now=1301.0) == 0  # after the wait, a try is allowed


def test_lockout_slowdown_after_the_wait_the_right_password_signs_in_and_clears_it(officer, settings):
    settings.SIGNIN_SLOWDOWN_AFTER, settings.SIGNIN_SLOWDOWN_ADDRESSES = 5, 3
    spray("officer", 6)
    assert signin_slowdown.wait_seconds("officer") > 0
    later = signin_slowdown.time.time() + settings.SIGNIN_SLOWDOWN_MAX + 1
    with mock.patch("portal.signin_slowdown.time.time", return_value=later):
        assert attempt("officer", PASSWORD, "198.51.100.77").status_code == 302
    assert signin_slowdown.wait_seconds("officer") == 0
    spray("officer", 4, first=50)
    assert signin_slowdown.wait_seconds("officer") == 0  # the count started again


def test_lockout_slowdown_one_address_is_left_to_axes(officer, settings):
    settings.SIGNIN_SLOWDOWN_AFTER, settings.SIGNIN_SLOWDOWN_ADDRESSES = 5, 3
    for _ in range(9):
        attempt("officer", "wrong-password", "10.20.30.40")
    assert signin_slowdown.wait_seconds("officer") == 0  # one person mistyping at one station
    assert attempt("officer", PASSWORD, "10.20.30.40").status_code == 302


def test_lockout_slowdown_holds_for_unknown_usernames_too(db, settings):
    """So the message says nothing about whether an account exists."""
    settings.SIGNIN_SLOWDOWN_AFTER, settings.SIGNIN_SLOWDOWN_ADDRESSES = 5, 3
    spray("no-such-person", 6)
    response = attempt("no-such-person", "anything-at-all", "198.51.100.78")
    assert "Try again in a minute" in response.content.decode()


def test_lockout_slowdown_a_password_reset_clears_it(client, officer, settings):
    settings.SIGNIN_SLOWDOWN_AFTER, settings.SIGNIN_SLOWDOWN_ADDRESSES = 5, 3
    spray("officer", 6)
    assert signin_slowdown.wait_seconds("officer") > 0
    client.post("/accounts/password_reset/", {"email": officer.email})
    link = re.search(r"(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": "brand-new-passphrase-77", "new_password2": "brand-new-passphrase-77"})
    assert signin_slowdown.wait_seconds("officer") == 0
