"""The security page for people who sign in only through their organisation's account (issue 19):
each action is confirmed by signing in again at the real test provider (tests/oidc_support.py)
instead of with a password; the provider must name the same person, who signed in just now.
People with a password confirm with it exactly as before."""

from __future__ import annotations

import html
import re
import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, TwoFactorClient
from portal import twofactor
from portal.models import AuditEvent, Notification
from portal.oidc import provider as idp
from portal.oidc import reconfirm
from portal.tests.factories import UserFactory
from tests.oidc_support import free_port, provider_login

pytestmark = pytest.mark.django_db

SECURITY = "/accounts/security/"
EVERYWHERE = "/accounts/security/sign-out-everywhere/"
TWO_FACTOR_OFF = "/accounts/security/two-factor-off/"
NEW_CODES = "/accounts/security/recovery-codes/"


@pytest.fixture
def olly(force, team_a):
    """An officer the HR import brought in with no password (the provider's "officer")."""
    user = UserFactory(username="olly", organisation=force, staff_number="S102", is_officer=True, team=team_a)
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def sam(force, team_a):
    """A supervisor with no password and an authenticator (the provider's "sup")."""
    user = UserFactory(username="sam", organisation=force, staff_number="S100", is_supervisor=True)
    user.set_unusable_password()
    user.save()
    team_a.supervisors.add(user)
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return user


def signed_in(user):
    client = TwoFactorClient()
    client.force_login(user)
    return client


def provider_link(response):
    """The way to the provider on the page the button leads to (a link, as the policy's form-action
    'self' would stop a posted form being redirected to the provider)."""
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"]
    found = re.search(r'<a class="btn btn-primary" href="([^"]+)"', response.content.decode())
    return html.unescape(found.group(1))


def confirm(client, provider, url, username, data=None):
    """Press the button (a POST to `url`), follow the link to the provider, sign in there as
    `username`, come back. Returns the callback's response."""
    link = provider_link(client.post(url, data or {}))
    assert link.startswith(provider.issuer)
    return client.get(provider_login(provider, link, username))


def events(action, user):
    return list(AuditEvent.objects.filter(action=action, subject=user).order_by("pk"))


def messages_of(client):
    return client.get(SECURITY).content.decode()


def test_oidc_reconfirm_the_request_asks_the_provider_for_a_new_sign_in(oidc_on, olly):
    client = signed_in(olly)
    link = provider_link(client.post(EVERYWHERE))
    query = parse_qs(urlsplit(link).query)
    assert query["prompt"] == ["login"] and query["max_age"] == [str(reconfirm.MAX_AUTH_AGE)]
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/callback/"]
    pending = client.session[reconfirm.PENDING_KEY]
    assert (pending["action"], pending["user_id"], pending["state"]) == ("sign_out_everywhere", olly.pk,
                                                                         query["state"][0])
    assert "sign_out_everywhere" not in link


def test_oidc_reconfirm_sign_out_everywhere_ends_the_other_sessions_only(oidc_on, olly):
    here, elsewhere = signed_in(olly), signed_in(olly)
    response = confirm(here, oidc_on, EVERYWHERE, "officer")
    assert response["Location"] == SECURITY
    assert "signed out everywhere except here" in messages_of(here)
    assert here.get("/exposure/").status_code == 200
    assert elsewhere.get("/exposure/").status_code == 302
    olly.refresh_from_db()
    assert not olly.has_usable_password()
    assert [event.detail for event in events("sessions_ended", olly)] == [{"confirmed_by": "provider"}]


def test_oidc_reconfirm_when_local_passwords_are_off_the_old_password_goes_too(oidc_on, force, officer):
    force.local_passwords_allowed = False
    force.save()
    officer.staff_number = "S102"
    officer.save()
    here, elsewhere = signed_in(officer), signed_in(officer)
    assert confirm(here, oidc_on, EVERYWHERE, "officer")["Location"] == SECURITY
    assert elsewhere.get("/exposure/").status_code == 302 and here.get("/exposure/").status_code == 200
    officer.refresh_from_db()
    assert not officer.check_password(PASSWORD)


def test_oidc_reconfirm_turns_two_factor_off(oidc_on, olly):
    TOTPDevice.objects.create(user=olly, name="Phone", confirmed=True)
    client = signed_in(olly)
    assert confirm(client, oidc_on, TWO_FACTOR_OFF, "officer")["Location"] == SECURITY
    assert not twofactor.has_totp(olly)
    assert [event.detail for event in events("two_factor_removed", olly)] == [{"confirmed_by": "provider"}]


def test_oidc_reconfirm_two_factor_stays_on_for_a_role_that_needs_it(oidc_on, sam):
    client = signed_in(sam)
    response = client.post(TWO_FACTOR_OFF)
    assert response["Location"] == SECURITY
    assert reconfirm.PENDING_KEY not in client.session
    assert twofactor.has_totp(sam)


def test_oidc_reconfirm_new_recovery_codes_need_a_code_then_the_provider(oidc_on, sam):
    client = signed_in(sam)
    code = twofactor.current_code(TOTPDevice.objects.get(user=sam))
    response = confirm(client, oidc_on, NEW_CODES, "sup", {"codes-current_code": code})
    assert response["Location"] == "/accounts/two-factor/recovery-codes/"
    assert client.get(response["Location"]).status_code == 200
    assert [event.detail for event in events("recovery_codes_created", sam)] == [{"confirmed_by": "provider"}]
    assert Notification.objects.filter(user=sam, title="Your sign-in settings were changed").count() == 1


def test_oidc_reconfirm_a_wrong_code_is_a_strike_and_never_goes_to_the_provider(oidc_on, sam):
    client = signed_in(sam)
    response = client.post(NEW_CODES, {"codes-current_code": "000000"})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert reconfirm.PENDING_KEY not in client.session
    assert [event.detail["strike"] for event in events("two_factor_failed", sam)] == [1]
    assert events("recovery_codes_created", sam) == []


def test_oidc_reconfirm_a_stale_sign_in_at_the_provider_changes_nothing(oidc_on, olly):
    oidc_on.set_person("officer", auth_ago=reconfirm.MAX_AUTH_AGE + 120)
    here, elsewhere = signed_in(olly), signed_in(olly)
    assert confirm(here, oidc_on, EVERYWHERE, "officer")["Location"] == SECURITY
    assert "did not ask you to sign in again just now" in messages_of(here)
    assert elsewhere.get("/exposure/").status_code == 200
    assert events("sessions_ended", olly) == []
    assert [event.detail for event in events("reconfirm_failed", olly)] == [
        {"action": "sign_out_everywhere", "reason": "stale"}]


def test_oidc_reconfirm_no_auth_time_from_the_provider_changes_nothing(oidc_on, olly):
    TOTPDevice.objects.create(user=olly, name="Phone", confirmed=True)
    oidc_on.set_person("officer", no_auth_time=True)
    client = signed_in(olly)
    confirm(client, oidc_on, TWO_FACTOR_OFF, "officer")
    assert twofactor.has_totp(olly)
    assert events("reconfirm_failed", olly)[0].detail["reason"] == "stale"


def test_oidc_reconfirm_someone_else_coming_back_is_refused_and_counted(oidc_on, olly, sam):
    here, elsewhere = signed_in(olly), signed_in(olly)
    assert confirm(here, oidc_on, EVERYWHERE, "sup")["Location"] == SECURITY
    assert "signed in again as someone else" in messages_of(here)
    assert elsewhere.get("/exposure/").status_code == 200
    assert events("sessions_ended", olly) == [] and events("sessions_ended", sam) == []
    assert [event.detail for event in events("reconfirm_failed", olly)] == [
        {"strike": 1, "action": "sign_out_everywhere", "reason": "other_person"}]
    # Someone the portal does not know at all is someone else too.
    confirm(here, oidc_on, EVERYWHERE, "stranger")
    assert [event.detail["strike"] for event in events("reconfirm_failed", olly)] == [1, 2]


def test_oidc_reconfirm_the_fifth_wrong_person_ends_the_session(oidc_on, olly, sam):
    client = signed_in(olly)
    for _attempt in range(4):
        assert confirm(client, oidc_on, EVERYWHERE, "sup")["Location"] == SECURITY
    assert confirm(client, oidc_on, EVERYWHERE, "sup")["Location"] == "/accounts/login/"
    # the message fits a provider sign-in as well as a typed password or code
    assert "signed out because confirming failed too many times" in client.get("/accounts/login/").content.decode()
    assert client.get("/exposure/").status_code == 302


def test_oidc_reconfirm_a_confirmation_is_used_once(oidc_on, olly):
    client = signed_in(olly)
    callback = provider_login(oidc_on, provider_link(client.post(EVERYWHERE)), "officer")
    assert client.get(callback)["Location"] == SECURITY
    replay = client.get(callback)
    assert replay.status_code == 400  # an ordinary callback now, with a state already used
    assert len(events("sessions_ended", olly)) == 1


def test_oidc_reconfirm_cancelling_at_the_provider_changes_nothing(oidc_on, olly):
    client = signed_in(olly)
    state = parse_qs(urlsplit(provider_link(client.post(EVERYWHERE))).query)["state"][0]
    response = client.get("/accounts/oidc/callback/", {"error": "access_denied", "state": state})
    assert response["Location"] == SECURITY
    assert "You did not sign in again" in messages_of(client)
    assert events("reconfirm_failed", olly)[0].detail == {"action": "sign_out_everywhere", "reason": "denied"}
    assert client.get("/exposure/").status_code == 200


def test_oidc_reconfirm_a_provider_that_cannot_be_reached_is_said_on_the_page(oidc_on, settings, olly):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/openid"
    idp.forget()
    client = signed_in(olly)
    response = client.post(EVERYWHERE)
    assert response["Location"] == SECURITY
    assert "could not be reached" in messages_of(client)
    assert reconfirm.PENDING_KEY not in client.session


def test_oidc_reconfirm_the_page_asks_for_no_password(oidc_on, sam):
    page = signed_in(sam).get(SECURITY).content.decode()
    assert 'type="password"' not in page
    assert 'name="codes-current_code"' in page
    assert "you will be asked to sign in again with your organisation" in page
    assert 'href="/accounts/password_change/"' not in page  # on the page and in the menu
    response = signed_in(sam).get("/accounts/password_change/")
    assert response["Location"] == SECURITY


def test_oidc_reconfirm_people_with_a_password_still_confirm_with_it(oidc_on, supervisor, officer):
    assert not reconfirm.by_provider(officer)
    page = signed_in(supervisor).get(SECURITY).content.decode()
    assert 'name="everywhere-password"' in page and 'name="codes-password"' in page
    assert 'href="/accounts/password_change/"' in page
    assert signed_in(supervisor).get("/accounts/password_change/").status_code == 200
    client = signed_in(officer)
    response = client.post(EVERYWHERE, {"everywhere-password": "guess"})
    assert response.status_code == 400 and "not your current password" in response.content.decode()
    assert reconfirm.PENDING_KEY not in client.session
    assert client.post(EVERYWHERE, {"everywhere-password": PASSWORD})["Location"] == SECURITY
    assert [event.detail for event in events("sessions_ended", officer)] == [{}]


def test_oidc_reconfirm_is_off_while_single_sign_on_is_not_configured(olly):
    assert not reconfirm.by_provider(olly)


def _signed(user, auth_time):
    return SimpleNamespace(user=user, auth_time=auth_time)


@pytest.mark.parametrize(("started_ago", "auth_ago", "expected"), [
    (30, 10, ""),
    (30, 200, "stale"),  # signed in before the button was pressed (beyond the clock leeway)
    (400, 350, "stale"),  # after the button, but longer ago than MAX_AUTH_AGE
    (30, -300, "stale"),  # in the future
    (20 * 60, 10, "expired"),
])
def test_oidc_reconfirm_refusal_by_time(olly, rf, started_ago, auth_ago, expected):
    now = time.time()
    request = rf.get("/")
    request.user = olly
    pending = {"action": "sign_out_everywhere", "user_id": olly.pk, "started": now - started_ago}
    assert reconfirm.refusal(request, pending, _signed(olly, int(now - auth_ago)), now=now) == expected


def test_oidc_reconfirm_refusal_for_another_person_or_nobody(olly, officer, rf):
    from django.contrib.auth.models import AnonymousUser

    now = time.time()
    pending = {"action": "two_factor_off", "user_id": olly.pk, "started": now - 5}
    request = rf.get("/")
    request.user = olly
    assert reconfirm.refusal(request, pending, _signed(officer, int(now)), now=now) == "other_person"
    request.user = officer
    assert reconfirm.refusal(request, pending, _signed(officer, int(now)), now=now) == "other_person"
    request.user = AnonymousUser()
    assert reconfirm.refusal(request, pending, _signed(olly, int(now)), now=now) == "other_person"
    assert get_user_model().objects.filter(pk=olly.pk).exists()


SETUP = "/accounts/two-factor/setup/"


def _replacement(client, sam):
    page = client.get(SETUP).content.decode()  # makes the new, unconfirmed authenticator
    assert 'type="password"' not in page and 'name="current-current_code"' in page
    old = TOTPDevice.objects.get(user=sam, confirmed=True)
    new = TOTPDevice.objects.get(user=sam, confirmed=False)
    return old, new, {"current-current_code": twofactor.current_code(old), "otp_token": twofactor.current_code(new)}


def test_oidc_reconfirm_moving_to_a_new_app_takes_both_codes_then_the_provider(oidc_on, sam):
    client = signed_in(sam)
    old, new, data = _replacement(client, sam)
    response = confirm(client, oidc_on, SETUP, "sup", data)
    assert response["Location"] == "/accounts/two-factor/recovery-codes/"
    assert list(TOTPDevice.objects.filter(user=sam).values_list("pk", "confirmed")) == [(new.pk, True)]
    assert [event.detail for event in events("two_factor_enabled", sam)] == [
        {"replaced": True, "confirmed_by": "provider"}]
    assert Notification.objects.filter(user=sam, title="Your sign-in settings were changed").count() == 1
    assert client.get("/team/").status_code == 200


def test_oidc_reconfirm_moving_to_a_new_app_keeps_the_old_one_when_someone_else_comes_back(oidc_on, sam, olly):
    client = signed_in(sam)
    old, new, data = _replacement(client, sam)
    assert confirm(client, oidc_on, SETUP, "officer", data)["Location"] == SECURITY
    assert TOTPDevice.objects.get(pk=old.pk).confirmed and not TOTPDevice.objects.get(pk=new.pk).confirmed
    assert events("two_factor_enabled", sam) == []


def test_oidc_reconfirm_moving_to_a_new_app_with_a_wrong_current_code_never_leaves(oidc_on, sam):
    client = signed_in(sam)
    _old, _new, data = _replacement(client, sam)
    response = client.post(SETUP, {**data, "current-current_code": "000000"})
    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert reconfirm.PENDING_KEY not in client.session
    assert [event.detail["strike"] for event in events("two_factor_failed", sam)] == [1]
