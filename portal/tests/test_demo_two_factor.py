"""The demo stays usable with two-factor sign-in: known secret, a command that prints the code."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo import DEMO_TWO_FACTOR_USERNAMES
from portal.twofactor import hex_from_base32

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@override_settings(DEBUG=True, DEMO_PASSWORD="a-demo-password", DEMO_TOTP_SECRET=SECRET)
def test_demo_users_who_need_two_factor_get_a_device_from_the_demo_secret(db):
    output = StringIO()
    call_command("seed_demo", stdout=output)
    assert "demo_totp" in output.getvalue()
    call_command("seed_demo", verbosity=0)  # idempotent
    devices = TOTPDevice.objects.filter(user__username__in=DEMO_TWO_FACTOR_USERNAMES)
    assert devices.count() == len(DEMO_TWO_FACTOR_USERNAMES)
    assert {d.key for d in devices} == {hex_from_base32(SECRET)} and all(d.confirmed for d in devices)
    assert not TOTPDevice.objects.filter(user__username="demo.officer").exists()


def test_the_default_demo_secret_is_valid_base32(settings):
    assert len(bytes.fromhex(hex_from_base32(settings.DEMO_TOTP_SECRET))) == 20


@override_settings(DEBUG=True, DEMO_PASSWORD="a-demo-password", DEMO_TOTP_SECRET=SECRET)
def test_demo_totp_prints_the_code_an_app_would_show_and_it_signs_in(unverified_client, db):
    call_command("seed_demo", verbosity=0)
    output = StringIO()
    call_command("demo_totp", "demo.oh", stdout=output)
    code = output.getvalue().strip()
    assert code == f"{TOTP(bytes.fromhex(hex_from_base32(SECRET))).token():06d}"
    plain = unverified_client
    response = plain.post("/accounts/login/", {"username": "demo.oh", "password": "a-demo-password"}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/two-factor/"
    response = plain.post("/accounts/two-factor/", {"otp_token": code}, follow=True)
    assert response.redirect_chain[-1][0] == "/oh/"


@override_settings(DEBUG=False)
def test_demo_totp_refuses_outside_debug(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_totp", "demo.oh")


@override_settings(DEBUG=True)
def test_demo_totp_only_knows_demo_users(db):
    with pytest.raises(CommandError):
        call_command("demo_totp", "someone.real")
