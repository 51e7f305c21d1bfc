"""The log scan: it finds what it should, and the sign-in, two-factor, lockout and password
journeys log nothing secret (the whole run is scanned again at the end by tests/logscan.py)."""

import logging
import re

from django.core import mail

from conftest import PASSWORD, PlainClient
from portal import twofactor
from portal.models import Notification
from tests import logscan
from tests.logscan import REGISTRY, Leak, find_leaks


def test_the_scanner_finds_a_password_in_a_log_line(logscan):
    logscan.secret("an-unusual-passphrase-99", "password")
    logging.getLogger("portal.careless").warning("user typed %s", "an-unusual-passphrase-99")
    assert logscan.leaks() == [Leak("portal.careless", "password")]
    logscan.forget()  # leaked on purpose: keep it out of the whole-run scan
    assert logscan.leaks() == []


def test_codes_match_only_as_whole_numbers():
    secrets = {"123456": "one-time code"}
    assert find_leaks([("a", "took 0.1234567 s")], secrets) == []
    assert find_leaks([("a", "code=123456 ok")], secrets) == [Leak("a", "one-time code")]
    # the microseconds of a timestamp (axes logs them) are not a code
    assert find_leaks([("a", "attempts older than 2026-11-30 10:36:52.123456+00:00")], secrets) == []


def test_trivial_values_are_not_treated_as_secrets():
    before = dict(REGISTRY.secrets)
    logscan.secret("000000000000", "free text")
    logscan.secret("ok", "password")
    assert REGISTRY.secrets == before


def test_free_text_typed_into_wellbeing_models_is_collected(monkeypatch, officer):
    monkeypatch.setattr(logscan, "FREE_TEXT_APPS", ("portal",))
    note = Notification(user=officer, title="t", body="I keep seeing the images at night")
    logscan.register_free_text(Notification, note)
    assert REGISTRY.secrets["I keep seeing the images at night"] == "free text (portal.Notification.body)"


def test_the_sign_in_journeys_log_nothing_secret(logscan, caplog, officer, supervisor):
    caplog.set_level(logging.DEBUG)  # scan what even a debug-level production log would hold

    # Wrong passwords until locked out, then the right one refused.
    for _ in range(10):
        PlainClient().post("/accounts/login/", {"username": "officer", "password": "Wrong-Horse-Staple-1"})
    PlainClient().post("/accounts/login/", {"username": "officer", "password": PASSWORD})

    # A supervisor signs in, sets up an authenticator, keeps the recovery codes.
    client = PlainClient(REMOTE_ADDR="192.0.2.10")
    client.post("/accounts/login/", {"username": "supervisor", "password": PASSWORD})
    logscan.secret(client.cookies["sessionid"].value, "session key")
    client.get("/accounts/two-factor/setup/")
    device = twofactor.totp_device_pending(supervisor)
    client.post("/accounts/two-factor/setup/", {"otp_token": "999999"})
    device.throttle_reset()
    client.post("/accounts/two-factor/setup/", {"otp_token": twofactor.current_code(device)})
    page = client.get("/accounts/two-factor/recovery-codes/").content.decode()
    codes = re.findall(r"<code>([a-z2-9-]{11})</code>", page)
    for code in codes:
        logscan.secret(twofactor.normalise_code(code), "recovery code")

    # Later, on another device, with a recovery code; then sign out everywhere else.
    other = PlainClient(REMOTE_ADDR="192.0.2.11")
    other.post("/accounts/login/", {"username": "supervisor", "password": PASSWORD})
    other.post("/accounts/two-factor/", {"otp_token": codes[0]})
    logscan.secret(other.cookies["sessionid"].value, "session key")
    other.post("/accounts/security/sign-out-everywhere/", {"everywhere-password": "Not-My-Password-42"})
    other.post("/accounts/security/sign-out-everywhere/", {"everywhere-password": PASSWORD})

    # Change and reset a password.
    client.force_login(officer)
    client.post("/accounts/password_change/", {"old_password": PASSWORD, "new_password1": "Brand-New-Passphrase-77",
                                                "new_password2": "Brand-New-Passphrase-77"})
    client.post("/accounts/password_reset/", {"email": officer.email})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    logscan.secret(link.split("/")[-2], "password reset token")
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": "Reset-Passphrase-Gamma-3", "new_password2": "Reset-Passphrase-Gamma-3"})

    records = logscan.records()
    assert any("login failed" in text for _, text in records)
    assert any("Locking out" in text for _, text in records)
    assert any("two-factor verified" in text for _, text in records)
    for value in [PASSWORD, "Wrong-Horse-Staple-1", "Brand-New-Passphrase-77", "Reset-Passphrase-Gamma-3",
                  "Not-My-Password-42", "999999", twofactor.normalise_code(codes[0])]:
        assert value in REGISTRY.secrets, value
    assert logscan.leaks() == []
