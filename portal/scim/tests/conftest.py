import json

import pytest
from django.test import Client

from portal.scim.tokens import scim_token_create
from portal.tests.factories import OfficerFactory

SCIM = "application/scim+json"


class ScimClient:
    """Calls the SCIM endpoint as Entra's provisioning service does: a bearer token, JSON bodies
    with the SCIM content type, no cookies, CSRF checks on."""

    def __init__(self, token: str | None):
        self.client = Client(enforce_csrf_checks=True)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method, path, body=None, raw=None):
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return getattr(self.client, method)(f"/scim/v2/{path}", data=data, content_type=SCIM, headers=self.headers)

    def get(self, path):
        return self.client.get(f"/scim/v2/{path}", headers=self.headers)

    def post(self, path, body=None, raw=None):
        return self._call("post", path, body, raw)

    def patch(self, path, body=None, raw=None):
        return self._call("patch", path, body, raw)

    def put(self, path, body=None, raw=None):
        return self._call("put", path, body, raw)

    def delete(self, path):
        return self.client.delete(f"/scim/v2/{path}", headers=self.headers)


@pytest.fixture
def scim(force):
    _row, token = scim_token_create(organisation=force)
    return ScimClient(token)


@pytest.fixture
def foreign_scim(other_force):
    _row, token = scim_token_create(organisation=other_force)
    return ScimClient(token)


@pytest.fixture
def provisioned(force, team_a):
    """An officer of the force who came from HR: a staff number, a team."""
    return OfficerFactory(username="p.quill", first_name="Pat", last_name="Quill",
                          email="pat.quill@testshire.police.uk", organisation=force, team=team_a, staff_number="TS1001")


@pytest.fixture
def foreign_provisioned(other_force):
    return OfficerFactory(username="f.ives", first_name="Fran", last_name="Ives", email="fran.ives@otherland.police.uk",
                          organisation=other_force, staff_number="TS1001")
