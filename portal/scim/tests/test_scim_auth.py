"""Who may call the SCIM endpoint: a live bearer token of an organisation, scoped to that
organisation; never a session, never another force's token."""

import time

import pytest
from django.conf import settings
from django.utils import timezone

from portal.models import AuditEvent, ScimToken
from portal.scim.tests.conftest import ScimClient
from portal.scim.tokens import scim_token_create, scim_token_revoke, token_authenticate

pytestmark = pytest.mark.django_db

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def test_scim_token_is_stored_only_as_a_hash(force):
    row, token = scim_token_create(organisation=force)
    stored = ScimToken.objects.get(pk=row.pk)
    assert token not in {stored.token_hash, stored.prefix}
    assert len(stored.token_hash) == 64 and token.startswith(f"scim_{stored.prefix}_")
    assert AuditEvent.objects.filter(action="scim_token_created", object_id=str(row.pk)).exists()


def test_scim_unknown_token_is_401_with_a_scim_error_body(force):
    response = ScimClient("scim_abcdef123456_not-the-secret").get("Users")
    assert response.status_code == 401
    assert response.json()["schemas"] == [ERROR]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["", "Basic dXNlcjpwYXNz", "Bearer", "Bearer scim_", "bearer x" * 50])
def test_scim_malformed_authorization_headers_are_401(force, header):
    client = ScimClient(None)
    response = client.client.get("/scim/v2/Users", headers={"Authorization": header} if header else {})
    assert response.status_code == 401


def test_scim_right_prefix_wrong_secret_is_401(force):
    row, token = scim_token_create(organisation=force)
    assert ScimClient(token[:-4] + "AAAA").get("Users").status_code == 401
    assert ScimClient(token).get("Users").status_code == 200


def test_scim_revoked_token_is_401(force):
    row, token = scim_token_create(organisation=force)
    assert ScimClient(token).get("Users").status_code == 200
    scim_token_revoke(token=row)
    assert ScimClient(token).get("Users").status_code == 401
    assert AuditEvent.objects.filter(action="scim_token_revoked").exists()


def test_scim_token_records_when_it_was_last_used(force):
    row, token = scim_token_create(organisation=force)
    assert row.last_used_at is None
    assert token_authenticate(f"Bearer {token}").pk == row.pk
    assert ScimToken.objects.get(pk=row.pk).last_used_at is not None


def test_scim_a_signed_in_session_is_not_enough(force, admin_user, client):
    client.force_login(admin_user)
    response = client.get("/scim/v2/Users")
    assert response.status_code == 401


def test_scim_every_scim_route_wants_a_token(force):
    for path in ["", "Users", "Users/1", "Groups", "Groups/1", "ServiceProviderConfig", "Schemas", "ResourceTypes",
                 "Users/.search"]:
        assert ScimClient(None).get(path).status_code == 401, path


def test_scim_token_of_one_force_never_sees_another_forces_people(scim, foreign_scim, provisioned,
                                                                  foreign_provisioned):
    # the same staff number in both forces: each token finds only its own person
    mine = scim.get('Users?filter=userName eq "TS1001"').json()
    assert [r["id"] for r in mine["Resources"]] == [str(provisioned.pk)]
    assert [r["id"] for r in scim.get("Users").json()["Resources"]] == [str(provisioned.pk)]
    assert scim.get(f"Users/{foreign_provisioned.pk}").status_code == 404
    assert foreign_scim.get(f"Users/{provisioned.pk}").status_code == 404


def test_scim_an_or_filter_cannot_reach_another_force(scim, provisioned, foreign_provisioned):
    found = scim.get('Users?filter=userName eq "nobody" or userName eq "TS1001"').json()
    assert [r["id"] for r in found["Resources"]] == [str(provisioned.pk)]


def test_scim_wrong_organisation_cannot_change_or_delete(scim, foreign_provisioned):
    patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "Replace", "path": "active", "value": False}]}
    assert scim.patch(f"Users/{foreign_provisioned.pk}", patch).status_code == 404
    assert scim.delete(f"Users/{foreign_provisioned.pk}").status_code == 404
    foreign_provisioned.refresh_from_db()
    assert foreign_provisioned.is_active and foreign_provisioned.employment_ended_on is None


def test_scim_people_added_by_hand_are_not_visible(scim, officer, provisioned):
    ids = [r["id"] for r in scim.get("Users").json()["Resources"]]
    assert str(officer.pk) not in ids and str(provisioned.pk) in ids
    assert scim.get(f"Users/{officer.pk}").status_code == 404


def test_scim_needs_no_csrf_token_and_survives_many_bad_tokens(force, scim, provisioned):
    # axes and the sign-in slowdown watch sign-in forms, not bearer tokens: 30 bad tokens from the
    # same address lock nothing out
    for _ in range(30):
        assert ScimClient("scim_000000000000_wrong").get("Users").status_code == 401
    assert scim.get("Users").status_code == 200
    response = scim.post("Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                    "displayName": "Everyone"})
    assert response.status_code == 201


def test_scim_responses_carry_the_security_headers(scim):
    response = scim.get("ServiceProviderConfig")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/scim+json"
    assert "Content-Security-Policy" in response


def test_scim_old_token_last_used_timestamp_is_refreshed(force):
    row, token = scim_token_create(organisation=force)
    ScimToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now() - timezone.timedelta(hours=1))
    before = ScimToken.objects.get(pk=row.pk).last_used_at
    token_authenticate(f"Bearer {token}")
    assert ScimToken.objects.get(pk=row.pk).last_used_at > before


def test_scim_bearer_calls_pass_the_session_middleware_and_sessions_never_help(force, provisioned,
                                                                               unverified_client, admin_user):
    # Entra sends no cookies: the two-factor, idle-timeout and lockout middleware leave a bearer call
    # alone (test_scim_needs_no_csrf_token_and_survives_many_bad_tokens). A browser session, even an
    # admin's, never stands in for a token: waiting for its second factor or verified, it gets the
    # SCIM 401 (test_scim_a_session_waiting_for_its_second_factor_does_not_stand_in_the_way).
    row, token = scim_token_create(organisation=force)
    response = ScimClient(token).get("Users")
    assert response.json()["totalResults"] == 1
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies  # stateless
    unverified_client.force_login(admin_user)
    assert unverified_client.get("/scim/v2/Users").status_code == 401


def test_scim_a_session_waiting_for_its_second_factor_does_not_stand_in_the_way(force, provisioned, supervisor):
    # A client that keeps cookies may send a browser session half-way through two-factor along with
    # its bearer token: the SCIM answer is still JSON, never the two-factor page, and the token is
    # still what authenticates it.
    _row, token = scim_token_create(organisation=force)
    with_token, without = ScimClient(token), ScimClient(None)
    for caller in (with_token, without):
        caller.client.force_login(supervisor)  # a plain Client: the second factor still to do
        assert caller.client.get("/team/").url.startswith("/accounts/two-factor/")
    listed = with_token.get("Users")
    assert listed.status_code == 200 and listed["Content-Type"] == "application/scim+json"
    assert [r["id"] for r in listed.json()["Resources"]] == [str(provisioned.pk)]
    created = with_token.post("Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                         "displayName": "Everyone"})
    assert created.status_code == 201 and created.json()["displayName"] == "Everyone"
    for path in ("Users", f"Users/{provisioned.pk}", "ServiceProviderConfig"):
        refused = without.get(path)
        assert refused.status_code == 401, path
        assert refused.json()["schemas"] == [ERROR] and refused["WWW-Authenticate"].startswith("Bearer")
    assert without.post("Groups", {"displayName": "Nobody"}).status_code == 401


def test_scim_an_idle_session_sent_along_neither_blocks_the_call_nor_is_kept_alive(force, provisioned, officer):
    _row, token = scim_token_create(organisation=force)
    caller = ScimClient(token)
    caller.client.force_login(officer)
    session = caller.client.session
    idle_since = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session["_last_seen"] = idle_since
    session.save()
    listed = caller.get("Users")
    assert listed.status_code == 200 and listed.json()["totalResults"] == 1
    assert caller.client.session["_last_seen"] == idle_since  # the SCIM call did not refresh it
    assert caller.client.get("/exposure/").url.startswith("/accounts/login/")  # still idle for pages


def test_scim_put_replaces_the_attributes_it_names(scim, provisioned):
    from portal.scim.tests import entra

    body = entra.user_create("TS1001", given="Patricia", family="Quill", email="pat.quill@testshire.police.uk")
    response = scim.put(f"Users/{provisioned.pk}", body)
    assert response.status_code == 200, response.content
    provisioned.refresh_from_db()
    assert provisioned.first_name == "Patricia" and provisioned.team is not None
