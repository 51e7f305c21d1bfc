"""Two-factor sign-in: who must use it, set-up, sign-in with a code or a recovery code, and the
ways around it that must not work."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from portal import twofactor
from portal.models import AuditEvent

AREAS = [("supervisor", "/team/"), ("trainer", "/training/manage/"), ("oh", "/oh/"), ("admin_user", "/admin/")]


def device_for(user, confirmed=True):
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=confirmed)


def fresh_code(device):
    device.refresh_from_db()
    return twofactor.current_code(device)


@pytest.mark.parametrize(("persona", "area"), AREAS)
def test_without_a_device_these_roles_are_sent_to_set_up_and_kept_out(unverified_client, request, persona, area):
    unverified_client.force_login(request.getfixturevalue(persona))
    response = unverified_client.get(area)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/setup/?next=")
    for other in ["/", "/notifications/", "/accounts/security/", "/exposure/"]:
        assert unverified_client.get(other)["Location"].startswith("/accounts/two-factor/setup/")


@pytest.mark.parametrize(("persona", "area"), AREAS)
def test_with_a_device_but_no_code_these_roles_are_sent_to_verify(unverified_client, request, persona, area):
    user = request.getfixturevalue(persona)
    device_for(user)
    unverified_client.force_login(user)
    response = unverified_client.get(area)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/?next=")
    # Nor can a form be posted past the step.
    assert unverified_client.post("/notifications/read/").status_code == 302


def test_officers_are_not_forced(unverified_client, officer):
    unverified_client.force_login(officer)
    assert unverified_client.get("/exposure/").status_code == 200
    assert unverified_client.get("/accounts/security/").status_code == 200


def test_an_officer_who_turned_it_on_must_use_it(unverified_client, officer):
    device_for(officer)
    unverified_client.force_login(officer)
    assert unverified_client.get("/exposure/")["Location"].startswith("/accounts/two-factor/")


def test_the_shared_client_fixture_completes_two_factor_for_every_role(client, supervisor, oh, trainer, admin_user):
    for user, area in [(supervisor, "/team/"), (oh, "/oh/"), (trainer, "/training/manage/"), (admin_user, "/admin/")]:
        client.force_login(user)
        assert client.get(area).status_code == 200, area


def test_setting_up_an_authenticator_then_recovery_codes(unverified_client, supervisor):
    unverified_client.post("/accounts/login/", {"username": "supervisor", "password": PASSWORD})
    response = unverified_client.get("/accounts/two-factor/setup/?next=/team/")
    assert response.status_code == 200
    page = response.content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert 'src="data:image/svg+xml;base64,' in page
    device = TOTPDevice.objects.get(user=supervisor)
    assert not device.confirmed and twofactor.base32_secret(device) == secret
    assert twofactor.hex_from_base32(secret) == device.key

    wrong = unverified_client.post("/accounts/two-factor/setup/", {"otp_token": "000000", "next": "/team/"})
    assert wrong.status_code == 200 and "That code does not match" in wrong.content.decode()
    # Reloading the page keeps the same secret (the person may still be scanning it).
    assert secret in unverified_client.get("/accounts/two-factor/setup/").content.decode()

    device.refresh_from_db()
    device.throttle_reset()
    response = unverified_client.post("/accounts/two-factor/setup/",
                                      {"otp_token": fresh_code(device), "next": "/team/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/recovery-codes/?next=%2Fteam%2F"
    codes_page = unverified_client.get(response["Location"]).content.decode()
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", codes_page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/team/"' in codes_page
    # Shown once only.
    assert unverified_client.get("/accounts/two-factor/recovery-codes/")["Location"] == "/accounts/security/"
    assert unverified_client.get("/team/").status_code == 200
    assert set(AuditEvent.objects.filter(subject=supervisor).values_list("action", flat=True)) >= {
        "login", "two_factor_enabled", "recovery_codes_created"}


def test_signing_in_with_a_code_rotates_the_session_and_returns_to_the_page_asked_for(unverified_client, oh):
    device = device_for(oh)
    unverified_client.post("/accounts/login/", {"username": "oh", "password": PASSWORD})
    key_after_password = unverified_client.session.session_key
    response = unverified_client.post("/accounts/two-factor/", {"otp_token": fresh_code(device), "next": "/oh/"})
    assert response["Location"] == "/oh/"
    assert unverified_client.session.session_key != key_after_password
    assert unverified_client.get("/oh/").status_code == 200
    assert AuditEvent.objects.filter(action="two_factor_verified", subject=oh, detail={"method": "totp"}).exists()


def test_a_code_cannot_be_used_twice(unverified_client, oh):
    device = device_for(oh)
    code = fresh_code(device)
    unverified_client.force_login(oh)
    assert unverified_client.post("/accounts/two-factor/", {"otp_token": code})["Location"] == "/oh/"
    other = type(unverified_client)()
    other.force_login(oh)
    response = other.post("/accounts/two-factor/", {"otp_token": code})
    assert response.status_code == 200 and "not right" in response.content.decode()


def test_a_wrong_code_is_refused_audited_and_then_throttled(unverified_client, oh):
    device_for(oh)
    unverified_client.force_login(oh)
    response = unverified_client.post("/accounts/two-factor/", {"otp_token": "12345x"})
    assert response.status_code == 200 and "not right" in response.content.decode()
    response = unverified_client.post("/accounts/two-factor/", {"otp_token": "123456"})
    assert "Too many wrong codes" in response.content.decode() or "not right" in response.content.decode()
    response = unverified_client.post("/accounts/two-factor/", {"otp_token": "123456"})
    assert "Too many wrong codes" in response.content.decode()
    assert unverified_client.get("/oh/").status_code == 302
    assert AuditEvent.objects.filter(action="two_factor_failed", subject=oh).count() == 3
    assert "123456" not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_a_recovery_code_works_once(unverified_client, supervisor):
    device_for(supervisor)
    codes = twofactor.recovery_codes_regenerate(user=supervisor)
    unverified_client.force_login(supervisor)
    response = unverified_client.post("/accounts/two-factor/", {"otp_token": codes[0].upper().replace("-", " ")},
                                      follow=True)
    assert response.redirect_chain[0][0] == "/team/"
    assert "You have 9 left" in response.content.decode()
    assert AuditEvent.objects.filter(action="two_factor_verified", detail={"method": "recovery_code"}).exists()
    again = type(unverified_client)()
    again.force_login(supervisor)
    assert again.post("/accounts/two-factor/", {"otp_token": codes[0]}).status_code == 200
    assert StaticToken.objects.filter(device__user=supervisor).count() == 9


def test_new_recovery_codes_replace_the_old_ones(client, supervisor):
    client.force_login(supervisor)
    old = twofactor.recovery_codes_regenerate(user=supervisor)
    device = TOTPDevice.objects.get(user=supervisor)
    response = client.post("/accounts/security/recovery-codes/",
                           {"codes-password": PASSWORD, "codes-current_code": fresh_code(device)})
    assert response["Location"] == "/accounts/two-factor/recovery-codes/"
    new = re.findall(r"<code>([a-z2-9-]{11})</code>", client.get(response["Location"]).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    stored = set(StaticToken.objects.filter(device__user=supervisor).values_list("token", flat=True))
    assert stored == {twofactor.normalise_code(code) for code in new}


def test_a_password_alone_cannot_replace_an_existing_authenticator(unverified_client, supervisor):
    device_for(supervisor)
    unverified_client.force_login(supervisor)
    assert unverified_client.get("/accounts/two-factor/setup/")["Location"] == "/accounts/two-factor/"
    assert unverified_client.post("/accounts/two-factor/setup/", {"otp_token": "123456"})["Location"] == (
        "/accounts/two-factor/")
    assert TOTPDevice.objects.filter(user=supervisor).count() == 1


def test_moving_to_a_new_phone_replaces_the_old_device(client, supervisor):
    client.force_login(supervisor)
    old = TOTPDevice.objects.get(user=supervisor)
    client.get("/accounts/two-factor/setup/")
    new = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    assert client.post("/accounts/two-factor/setup/", {
        "otp_token": fresh_code(new), "current-password": PASSWORD, "current-current_code": fresh_code(old),
    }).status_code == 302
    assert list(TOTPDevice.objects.filter(user=supervisor)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get("/team/").status_code == 200


def test_an_admin_resetting_someones_device_unverifies_their_sessions(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/team/").status_code == 200
    TOTPDevice.objects.filter(user=supervisor).delete()
    assert client.get("/team/")["Location"].startswith("/accounts/two-factor/setup/")


def test_a_marker_for_another_users_device_does_not_verify(unverified_client, supervisor, other_supervisor):
    theirs = device_for(other_supervisor)
    device_for(supervisor)
    unverified_client.force_login(supervisor)
    session = unverified_client.session
    session[DEVICE_ID_SESSION_KEY] = theirs.persistent_id
    session.save()
    assert unverified_client.get("/team/").status_code == 302


def test_the_admin_site_itself_refuses_an_unverified_admin(rf, admin_user):
    from django.contrib.admin import site

    request = rf.get("/admin/")
    request.user = admin_user
    request.session = {}
    assert not site.has_permission(request)
    request.user = type(admin_user).objects.get(pk=admin_user.pk)
    request.session = {DEVICE_ID_SESSION_KEY: device_for(admin_user).persistent_id}
    assert site.has_permission(request)


def test_next_never_leads_off_site(unverified_client, oh):
    device = device_for(oh)
    unverified_client.force_login(oh)
    response = unverified_client.post("/accounts/two-factor/",
                                      {"otp_token": fresh_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/oh/"


def test_officers_may_turn_it_off_with_their_password_but_required_roles_may_not(client, officer, supervisor):
    device_for(officer)
    client.force_login(officer)
    wrong = client.post("/accounts/security/two-factor-off/", {"remove-password": "nope"})
    assert wrong.status_code == 400 and "not your current password" in wrong.content.decode()
    assert client.post("/accounts/security/two-factor-off/", {"remove-password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEvent.objects.filter(action="two_factor_removed", subject=officer).exists()

    client.force_login(supervisor)
    client.post("/accounts/security/two-factor-off/", {"remove-password": PASSWORD})
    assert TOTPDevice.objects.filter(user=supervisor).exists()


def test_checking_two_factor_adds_no_query_to_a_page(client, supervisor, officer):
    def queries(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/notifications/").status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    verified = queries(supervisor)
    plain = queries(officer)
    assert len(verified) == len(plain)
    assert all("portal_user" in sql for sql in verified if "otp_" in sql)


def test_the_shared_client_login_with_a_password_also_completes_two_factor(client, supervisor):
    assert client.login(username="supervisor", password=PASSWORD)
    assert client.get("/team/").status_code == 200
    assert not client.login(username="supervisor", password="wrong-password")


def test_admins_can_reset_two_factor_but_never_read_keys_or_recovery_codes(client, admin_user, supervisor):
    device = device_for(supervisor)
    codes = twofactor.recovery_codes_regenerate(user=supervisor)
    static = supervisor.staticdevice_set.get()
    client.force_login(admin_user)
    listing = client.get("/admin/otp_static/staticdevice/").content.decode()
    assert ">10<" in listing  # how many are left
    for url in [f"/admin/otp_static/staticdevice/{static.pk}/change/",
                f"/admin/otp_totp/totpdevice/{device.pk}/change/", "/admin/otp_totp/totpdevice/"]:
        page = client.get(url).content.decode()
        assert not any(twofactor.normalise_code(code) in page for code in codes), url
        assert device.key not in page and twofactor.base32_secret(device) not in page, url
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()
