"""Single sign-on through a real OpenID Connect provider (tests/oidc_support.py: its own process on
the loopback): the authorization-code flow end to end with the Django test client on the portal's
side, and every way it must refuse, each with a plain page, an audit event and no 500."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import pytest
from django.test import Client

from portal.models import AuditEvent
from portal.oidc import provider as idp
from portal.oidc.backend import PortalOIDCBackend
from portal.tests.factories import UserFactory
from tests.oidc_support import free_port, provider_login, provider_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(force, team_a):
    """A supervisor the HR import brought in: staff number S100 (the provider's "sup")."""
    user = UserFactory(username="sam", organisation=force, staff_number="S100", is_supervisor=True,
                       email="sam.supervisor@testshire.example")
    team_a.supervisors.add(user)
    return user


@pytest.fixture
def mo(force, team_a):
    user = UserFactory(username="mo", organisation=force, staff_number="S101", is_supervisor=True)
    team_a.supervisors.add(user)
    return user


@pytest.fixture
def olly(force, team_a):
    return UserFactory(username="olly", organisation=force, staff_number="S102", is_officer=True, team=team_a,
                       email="olly.officer@testshire.example")


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def failure_event():
    return AuditEvent.objects.filter(action="oidc_sign_in_failed").latest("pk")


def test_oidc_sign_in_by_staff_number_lands_an_officer_on_their_start_page(oidc_on, olly):
    client = Client()
    client.get("/accounts/login/")
    before = client.session.session_key
    response, _callback = provider_sign_in(client, oidc_on, "officer")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(olly.pk)
    assert client.session.session_key != before  # a new session key at sign-in
    assert client.get(response["Location"], follow=True).status_code == 200
    event = AuditEvent.objects.filter(action="login_oidc").get()
    assert (event.subject, event.detail) == (olly, {"provider_mfa": False})


def test_oidc_sign_in_by_email_when_no_staff_number_claim_is_configured(oidc_on, settings, olly):
    settings.OIDC_STAFF_NUMBER_CLAIM = ""
    olly.staff_number = ""
    olly.save()
    client = Client()
    response, _callback = provider_sign_in(client, oidc_on, "officer")
    assert response.status_code == 302 and signed_in_user_id(client) == str(olly.pk)


def test_oidc_the_login_page_offers_the_button_only_when_configured(settings, identity_provider):
    assert b"/accounts/oidc/start/" not in Client().get("/accounts/login/").content
    assert Client().get("/accounts/oidc/start/").status_code == 404
    settings.OIDC_ISSUER, settings.OIDC_BUTTON_LABEL = identity_provider.issuer, "Sign in with Testshire Police"
    page = Client().get("/accounts/login/?next=/team/").content.decode()
    assert 'href="/accounts/oidc/start/?next=/team/"' in page and "Sign in with Testshire Police" in page


def test_oidc_returns_to_the_page_asked_for(oidc_on, olly):
    client = Client()
    response, _callback = provider_sign_in(client, oidc_on, "officer", next_url="/wellbeing/")
    assert response["Location"] == "/wellbeing/"


def test_oidc_unknown_identity_gets_a_page_and_no_account(oidc_on, force):
    from portal.models import User

    people = User.objects.count()
    client = Client()
    response, _callback = provider_sign_in(client, oidc_on, "stranger")
    assert response.status_code == 403
    assert "has not been set up in the portal" in response.content.decode()
    assert "the Testshire IT service desk" in response.content.decode()
    assert signed_in_user_id(client) is None and User.objects.count() == people
    event = AuditEvent.objects.get(action="oidc_account_refused")
    assert event.detail == {"reason": "unknown", "claim": "employee_id", "value": "S999"}


def test_oidc_a_deactivated_leaver_with_a_valid_provider_account_cannot_get_in(oidc_on, force):
    leaver = UserFactory(organisation=force, staff_number="S200", is_active=False)
    client = Client()
    response, _callback = provider_sign_in(client, oidc_on, "leaver")
    assert response.status_code == 403 and "no longer active" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert AuditEvent.objects.get(action="oidc_account_refused").subject == leaver


def test_oidc_a_leaver_whose_employment_has_ended_cannot_get_in(oidc_on, force):
    import datetime

    UserFactory(organisation=force, staff_number="S200", employment_ended_on=datetime.date(2020, 1, 31))
    client = Client()
    response, _callback = provider_sign_in(client, oidc_on, "leaver")
    assert response.status_code == 403 and signed_in_user_id(client) is None


def test_oidc_two_people_with_the_same_email_are_refused_not_guessed(oidc_on, settings, force, other_force):
    settings.OIDC_STAFF_NUMBER_CLAIM = ""
    UserFactory(organisation=force, email="olly.officer@testshire.example")
    UserFactory(organisation=other_force, email="OLLY.officer@testshire.example")
    client = Client()
    response, _callback = provider_sign_in(client, oidc_on, "officer")
    assert response.status_code == 403 and signed_in_user_id(client) is None
    assert AuditEvent.objects.get(action="oidc_account_refused").detail["reason"] == "ambiguous"


def test_oidc_provider_mfa_claim_skips_the_portals_code(oidc_on, mo):
    client = Client()
    response, _callback = provider_sign_in(client, oidc_on, "sup.mfa")
    assert response.status_code == 302 and signed_in_user_id(client) == str(mo.pk)
    team = client.get("/team/")
    assert team.status_code == 200  # no two-factor step: the provider did it
    assert AuditEvent.objects.get(action="login_oidc").detail == {"provider_mfa": True}


def test_oidc_without_the_mfa_claim_a_supervisor_still_needs_the_portals_code(oidc_on, sam):
    client = Client()
    response, _callback = provider_sign_in(client, oidc_on, "sup", next_url="/team/")
    assert signed_in_user_id(client) == str(sam.pk)
    team = client.get("/team/")
    assert team.status_code == 302 and team["Location"].startswith("/accounts/two-factor/")


def test_oidc_an_acr_value_can_be_what_proves_mfa(oidc_on, settings, mo):
    settings.OIDC_MFA_CLAIM, settings.OIDC_MFA_VALUES = "acr", ["urn:testshire:loa:2"]
    oidc_on.set_person("sup.mfa", acr="urn:testshire:loa:1")
    client = Client()
    provider_sign_in(client, oidc_on, "sup.mfa")
    assert client.get("/team/").status_code == 302  # a weaker acr: the portal's code is still needed
    oidc_on.set_person("sup.mfa", acr="urn:testshire:loa:2")
    client = Client()
    provider_sign_in(client, oidc_on, "sup.mfa")
    assert client.get("/team/").status_code == 200


def test_oidc_a_token_from_another_issuer_is_refused(oidc_on, sam):
    client = Client()
    response, _callback = provider_sign_in(client, oidc_on, "forger")
    assert response.status_code == 400 and signed_in_user_id(client) is None
    assert "did not answer as the one this portal is set up to trust" in response.content.decode()
    assert failure_event().detail == {"reason": "issuer"}


def test_oidc_a_discovery_document_naming_another_issuer_is_refused(oidc_on, settings):
    # the same provider under another name: its document says it is http://127.0.0.1:.../openid
    settings.OIDC_ISSUER = oidc_on.issuer.replace("127.0.0.1", "localhost")
    response = Client().get("/accounts/oidc/start/")
    assert response.status_code == 400
    assert failure_event().detail == {"reason": "issuer"}


def test_oidc_an_expired_id_token_is_refused(oidc_on, sam):
    client = Client()
    response, _callback = provider_sign_in(client, oidc_on, "late")
    assert response.status_code == 400 and signed_in_user_id(client) is None
    assert "already expired" in response.content.decode()
    assert failure_event().detail == {"reason": "expired"}


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["employee_id"] = "S101"  # someone else's staff number
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_oidc_a_tampered_id_token_is_refused(oidc_on, sam, mo, monkeypatch):
    real = PortalOIDCBackend.get_token

    def get_token(self, payload):
        tokens = real(self, payload)
        return {**tokens, "id_token": _tamper(tokens["id_token"])}

    monkeypatch.setattr(PortalOIDCBackend, "get_token", get_token)
    client = Client()
    response, _callback = provider_sign_in(client, oidc_on, "sup")
    assert response.status_code == 400 and signed_in_user_id(client) is None
    assert failure_event().detail == {"reason": "token"}


def test_oidc_a_state_that_this_browser_never_started_is_refused(oidc_on, sam):
    starter, victim = Client(), Client()
    start = starter.get("/accounts/oidc/start/")
    callback = provider_login(oidc_on, start["Location"], "sup")
    response = victim.get(callback)  # a callback carried to another browser (login CSRF)
    assert response.status_code == 400 and signed_in_user_id(victim) is None
    assert "started in another browser" in response.content.decode()
    assert failure_event().detail == {"reason": "state"}


def test_oidc_a_nonce_that_does_not_match_is_refused(oidc_on, sam):
    client = Client()
    start = client.get("/accounts/oidc/start/")
    session = client.session
    for entry in session["oidc_states"].values():
        entry["nonce"] = "not-the-nonce-sent"
    session.save()
    response = client.get(provider_login(oidc_on, start["Location"], "sup"))
    assert response.status_code == 400 and signed_in_user_id(client) is None
    assert failure_event().detail == {"reason": "nonce"}


def test_oidc_a_replayed_callback_is_refused(oidc_on, olly):
    client = Client()
    response, callback = provider_sign_in(client, oidc_on, "officer")
    assert signed_in_user_id(client) == str(olly.pk)
    client.logout()
    again = client.get(callback)
    assert again.status_code == 400 and signed_in_user_id(client) is None
    assert failure_event().detail == {"reason": "state"}


def test_oidc_a_code_used_twice_is_refused_by_the_provider(oidc_on, olly):
    first, second = Client(), Client()
    start = first.get("/accounts/oidc/start/")
    callback = provider_login(oidc_on, start["Location"], "officer")
    # an attacker who copied the first browser's state and nonce, and then the callback's code
    session = second.session
    session["oidc_states"] = dict(first.session["oidc_states"])
    session.save()
    assert first.get(callback).status_code == 302
    again = second.get(callback)
    assert again.status_code == 400
    assert failure_event().detail == {"reason": "code"}


def test_oidc_the_provider_refusing_the_sign_in_is_a_page(oidc_on):
    client = Client()
    client.get("/accounts/oidc/start/")
    state = next(iter(client.session["oidc_states"]))
    response = client.get(f"/accounts/oidc/callback/?error=access_denied&state={state}")
    assert response.status_code == 400 and "did not sign you in" in response.content.decode()
    assert state not in client.session["oidc_states"]


def test_oidc_provider_unreachable_at_the_start_is_a_page(oidc_on, settings):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/openid"  # nothing listens there
    response = Client().get("/accounts/oidc/start/")
    assert response.status_code == 503
    assert "could not be reached" in response.content.decode()
    assert failure_event().detail == {"reason": "unreachable"}
    assert "form-action 'self'" in response["Content-Security-Policy"]  # the portal's headers as on every page


def test_oidc_provider_unreachable_at_the_callback_is_a_page(oidc_on, sam, monkeypatch):
    client = Client()
    start = client.get("/accounts/oidc/start/")
    callback = provider_login(oidc_on, start["Location"], "sup")
    found = idp.provider()
    closed = f"http://127.0.0.1:{free_port()}/token"
    monkeypatch.setattr(idp, "provider", lambda: replace(found, token_endpoint=closed))
    response = client.get(callback)
    assert response.status_code == 503 and signed_in_user_id(client) is None
    assert failure_event().detail == {"reason": "unreachable"}


def test_oidc_codes_and_tokens_never_reach_the_logs(oidc_on, olly, logscan, monkeypatch):
    seen = {}
    real = PortalOIDCBackend.get_token

    def get_token(self, payload):
        tokens = real(self, payload)
        seen.update(code=payload["code"], **tokens)
        return tokens

    monkeypatch.setattr(PortalOIDCBackend, "get_token", get_token)
    client = Client()
    provider_sign_in(client, oidc_on, "officer")
    for kind in ("code", "id_token", "access_token"):
        logscan.secret(seen[kind], f"OpenID Connect {kind}")
    client.post("/accounts/logout/")
    assert logscan.leaks() == []


def test_oidc_sign_out_offers_the_providers_sign_out(oidc_on, olly):
    client = Client()
    provider_sign_in(client, oidc_on, "officer")
    id_token = client.session["_oidc_id_token"]
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/oidc/signed-out/"
    assert signed_in_user_id(client) is None
    page = client.get("/accounts/oidc/signed-out/").content.decode()
    assert f"{oidc_on.issuer}/end-session?id_token_hint={id_token}" in page
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F" in page
    assert client.get("/accounts/oidc/signed-out/").status_code == 302  # offered once


def test_oidc_sign_out_after_a_password_sign_in_is_as_before(oidc_on, olly):
    client = Client()
    client.force_login(olly)
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"


def test_oidc_check_command_prints_the_endpoints_or_why_not(oidc_on, settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("oidc_check", stdout=out)
    assert f"token_endpoint: {oidc_on.issuer}/token" in out.getvalue()
    assert "Matching people by: employee_id" in out.getvalue()
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/openid"
    with pytest.raises(CommandError, match="could not be fetched"):
        call_command("oidc_check")
    settings.OIDC_ISSUER = ""
    with pytest.raises(CommandError, match="Single sign-on is off"):
        call_command("oidc_check")


def test_oidc_a_person_added_at_the_provider_during_the_run_can_sign_in(oidc_on, force):
    imported = UserFactory(organisation=force, staff_number="S555", is_officer=True)
    oidc_on.add_person("newly.imported", staff_number="S555", email="new@testshire.example")
    client = Client()
    response, _callback = provider_sign_in(client, oidc_on, "newly.imported")
    assert response.status_code == 302 and signed_in_user_id(client) == str(imported.pk)
