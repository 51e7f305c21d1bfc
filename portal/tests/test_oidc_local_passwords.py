"""A force can switch local passwords off for its own staff once single sign-on is on, while
partner-agency accounts keep theirs; and the pure parts of single sign-on (the MFA claim, the
discovery document, who is matched)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client

from conftest import PASSWORD
from portal.models import AuditEvent
from portal.oidc.backend import AccountNotFound, claim_text, find_person, provider_did_mfa
from portal.oidc.provider import SignInFailed, local_password_refused, provider_from_document
from portal.tests.factories import OrganisationFactory, UserFactory

ISSUER = "https://login.testshire.example/tenant/v2.0"


@pytest.fixture
def sso(settings):
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_BUTTON_LABEL = "Sign in with Testshire Police"


@pytest.fixture
def sso_only_force(force):
    force.local_passwords_allowed = False
    force.save()
    return force


def sign_in(username):
    return Client().post("/accounts/login/", {"username": username, "password": PASSWORD})


@pytest.mark.django_db
def test_oidc_local_passwords_off_refuses_the_forces_staff_and_points_to_the_button(sso, sso_only_force, officer):
    response = sign_in(officer.username)
    assert response.status_code == 200
    assert "Sign in with Testshire Police" in response.content.decode()
    assert "switched passwords off" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_password_refused", subject=officer).exists()
    assert not AuditEvent.objects.filter(action="login").exists()


@pytest.mark.django_db
def test_oidc_local_passwords_off_a_wrong_password_says_only_that_it_is_wrong(sso, sso_only_force, officer):
    response = Client().post("/accounts/login/", {"username": officer.username, "password": "not-it-at-all"})
    assert "switched passwords off" not in response.content.decode()


@pytest.mark.django_db
def test_oidc_local_passwords_off_partner_agencies_keep_their_passwords(sso, sso_only_force, foreign_officer):
    assert sign_in(foreign_officer.username).status_code == 302


@pytest.mark.django_db
def test_oidc_local_passwords_off_has_no_effect_while_single_sign_on_is_not_configured(sso_only_force, officer):
    assert sign_in(officer.username).status_code == 302  # nobody is locked out by a half set-up


@pytest.mark.django_db
def test_oidc_local_passwords_off_no_reset_link_is_sent(sso, sso_only_force, officer, foreign_officer):
    page = Client().get("/accounts/password_reset/").content.decode()
    assert "no link is sent" in page and "Sign in with Testshire Police" in page
    Client().post("/accounts/password_reset/", {"email": officer.email})
    assert mail.outbox == []
    Client().post("/accounts/password_reset/", {"email": foreign_officer.email})
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_oidc_local_passwords_off_a_reset_link_sent_before_stops_working(settings, force, officer):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid, token = urlsafe_base64_encode(force_bytes(officer.pk)), default_token_generator.make_token(officer)
    settings.OIDC_ISSUER = ISSUER
    force.local_passwords_allowed = False
    force.save()
    response = Client().get(f"/accounts/reset/{uid}/{token}/", follow=True)
    assert response.context["validlink"] is False


def test_oidc_local_password_refused_only_for_an_organisation_that_switched_them_off(settings):
    settings.OIDC_ISSUER = ISSUER
    off, on = OrganisationFactory.build(local_passwords_allowed=False), OrganisationFactory.build()
    assert local_password_refused(UserFactory.build(organisation=off))
    assert not local_password_refused(UserFactory.build(organisation=on))
    assert not local_password_refused(UserFactory.build(organisation=None))
    settings.OIDC_ISSUER = ""
    assert not local_password_refused(UserFactory.build(organisation=off))


@pytest.mark.parametrize(("claims", "claim", "values", "expected"), [
    ({"amr": ["pwd", "mfa"]}, "amr", ["mfa"], True),
    ({"amr": ["pwd"]}, "amr", ["mfa"], False),
    ({"amr": "mfa"}, "amr", ["mfa"], True),
    ({"amr": ["pwd", "otp"]}, "amr", ["mfa", "otp"], True),
    ({"amr": [{"x": 1}, 3]}, "amr", ["mfa"], False),
    ({}, "amr", ["mfa"], False),
    ({"amr": ["mfa"]}, "", ["mfa"], False),  # not configured: never trusted
    ({"amr": ["mfa"]}, "amr", [], False),
    ({"amr": ["mfa"]}, "amr", [""], False),
    ({"acr": "urn:loa:2"}, "acr", ["urn:loa:2", "urn:loa:3"], True),
    ({"acr": "urn:loa:1"}, "acr", ["urn:loa:2"], False),
    ({"acr": None}, "acr", ["urn:loa:2"], False),
    ({"acr": 2}, "acr", ["2"], False),
    ({"amr": ["mfa"]}, "acr", ["mfa"], False),  # the other claim says nothing
])
def test_oidc_provider_did_mfa(claims, claim, values, expected):
    assert provider_did_mfa(claims, claim, values) is expected


def test_oidc_claim_text():
    assert claim_text({"n": " S1 "}, "n") == "S1"
    assert claim_text({"n": 42}, "n") == "42"
    assert claim_text({"n": True}, "n") == ""
    assert claim_text({"n": ["S1"]}, "n") == ""
    assert claim_text({}, "n") == "" and claim_text({"n": "x"}, "") == ""


DOCUMENT = {"issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/authorize", "token_endpoint": f"{ISSUER}/token",
            "jwks_uri": f"{ISSUER}/keys", "end_session_endpoint": f"{ISSUER}/logout"}


def test_oidc_discovery_document_gives_the_endpoints():
    found = provider_from_document(ISSUER + "/", DOCUMENT)
    assert (found.token_endpoint, found.userinfo_endpoint, found.end_session_endpoint) == (
        f"{ISSUER}/token", "", f"{ISSUER}/logout")


@pytest.mark.parametrize("document", [
    {**DOCUMENT, "issuer": "https://evil.example/tenant/v2.0"},
    {**DOCUMENT, "issuer": None},
    {key: value for key, value in DOCUMENT.items() if key != "jwks_uri"},
    {**DOCUMENT, "token_endpoint": ""},
    ["not", "a", "document"],
])
def test_oidc_discovery_document_of_another_issuer_or_incomplete_is_refused(document):
    with pytest.raises(SignInFailed) as refused:
        provider_from_document(ISSUER, document)
    assert refused.value.reason == "issuer"


@pytest.mark.django_db
def test_oidc_find_person_only_within_the_configured_organisation(settings, force, other_force):
    settings.OIDC_STAFF_NUMBER_CLAIM = "employee_id"
    mine = UserFactory(organisation=force, staff_number="S1")
    theirs = UserFactory(organisation=other_force, staff_number="S1")
    with pytest.raises(AccountNotFound) as refused:
        find_person({"employee_id": "S1"})
    assert refused.value.reason == "ambiguous"
    settings.OIDC_ORGANISATION = other_force.slug
    assert find_person({"employee_id": "S1"}) == theirs
    settings.OIDC_ORGANISATION = force.slug
    assert find_person({"employee_id": "S1"}) == mine
    with pytest.raises(AccountNotFound):
        find_person({"employee_id": ""})


@pytest.mark.django_db
def test_oidc_find_person_by_email_refuses_an_unverified_email(settings, force):
    settings.OIDC_STAFF_NUMBER_CLAIM, settings.OIDC_EMAIL_CLAIM = "", "email"
    person = UserFactory(organisation=force, email="a.b@testshire.example")
    assert find_person({"email": "A.B@testshire.example"}) == person
    with pytest.raises(AccountNotFound):
        find_person({"email": "a.b@testshire.example", "email_verified": False})


@pytest.mark.django_db
def test_oidc_find_person_refuses_a_leaver_from_the_day_employment_ended(settings, force):
    settings.OIDC_STAFF_NUMBER_CLAIM = "employee_id"
    person = UserFactory(organisation=force, staff_number="S7", employment_ended_on=datetime.date(2099, 1, 1))
    assert find_person({"employee_id": "S7"}) == person
    person.employment_ended_on = datetime.date(2020, 1, 1)
    person.save()
    with pytest.raises(AccountNotFound) as refused:
        find_person({"employee_id": "S7"})
    assert (refused.value.reason, refused.value.user) == ("inactive", person)


def test_oidc_settings_refuse_a_half_configuration():
    from tests.test_settings import run_manage

    result = run_manage("check", DEBUG="true", OIDC_ISSUER="https://login.testshire.example/v2.0")
    assert result.returncode != 0 and "set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too" in result.stderr
    result = run_manage("check", DEBUG="true", OIDC_ISSUER="https://login.testshire.example/v2.0",
                        OIDC_CLIENT_ID="portal", OIDC_CLIENT_SECRET="s", OIDC_MFA_CLAIM="groups")
    assert result.returncode != 0 and "OIDC_MFA_CLAIM" in result.stderr
    assert run_manage("check", DEBUG="true", OIDC_ISSUER="https://login.testshire.example/v2.0",
                      OIDC_CLIENT_ID="portal", OIDC_CLIENT_SECRET="s", OIDC_MFA_CLAIM="amr",
                      OIDC_MFA_VALUES="mfa").returncode == 0


@pytest.mark.django_db
def test_oidc_a_provider_mfa_marker_never_carries_over_to_a_password_sign_in(unverified_client, supervisor):
    from django_otp import DEVICE_ID_SESSION_KEY

    from portal.twofactor import PROVIDER_MFA_LABEL

    session = unverified_client.session
    session[DEVICE_ID_SESSION_KEY] = f"{PROVIDER_MFA_LABEL}/{supervisor.pk}"
    session.save()
    assert unverified_client.login(username=supervisor.username, password=PASSWORD)
    response = unverified_client.get("/team/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")


@pytest.mark.django_db
def test_oidc_a_provider_mfa_marker_counts_for_its_own_person_only(unverified_client, supervisor, other_supervisor):
    from django_otp import DEVICE_ID_SESSION_KEY

    from portal.twofactor import PROVIDER_MFA_LABEL

    unverified_client.force_login(supervisor)
    session = unverified_client.session
    session[DEVICE_ID_SESSION_KEY] = f"{PROVIDER_MFA_LABEL}/{other_supervisor.pk}"
    session.save()
    assert unverified_client.get("/team/").status_code == 302
    session[DEVICE_ID_SESSION_KEY] = f"{PROVIDER_MFA_LABEL}/{supervisor.pk}"
    session.save()
    assert unverified_client.get("/team/").status_code == 200
