"""The admin: a SCIM token created from the Organisation list is shown once, on the page the action
returns; tokens are listed (never their secret) and revoked."""

import pytest

from portal.models import ScimToken
from portal.scim.tests.conftest import ScimClient

pytestmark = pytest.mark.django_db


def test_scim_admin_action_creates_a_token_and_shows_it_once(admin_client, force, provisioned):
    response = admin_client.post("/admin/portal/organisation/", {
        "action": "scim_token_create_action", "_selected_action": [force.pk]})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    row = ScimToken.objects.get(organisation=force)
    html = response.content.decode()
    token = html.split('id="scim-token-value">')[1].split("<")[0]
    assert token.startswith(f"scim_{row.prefix}_") and "/scim/v2" in html
    assert ScimClient(token).get("Users").status_code == 200
    listing = admin_client.get("/admin/portal/scimtoken/").content.decode()
    assert row.prefix in listing and token not in listing
    assert "sessionid" not in response.cookies or token not in str(response.cookies)


def test_scim_admin_action_wants_exactly_one_organisation(admin_client, force, other_force):
    admin_client.post("/admin/portal/organisation/", {
        "action": "scim_token_create_action", "_selected_action": [force.pk, other_force.pk]})
    assert not ScimToken.objects.exists()


def test_scim_admin_revokes_tokens(admin_client, force):
    admin_client.post("/admin/portal/organisation/", {"action": "scim_token_create_action",
                                                      "_selected_action": [force.pk]})
    row = ScimToken.objects.get()
    response = admin_client.post("/admin/portal/scimtoken/", {"action": "revoke", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
