"""Bad requests get SCIM error bodies (RFC 7644 section 3.12), never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.scim.tests import entra

pytestmark = pytest.mark.django_db

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def _is_scim_error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["schemas"] == [ERROR] and str(body["status"]) == str(status) and body["detail"]


def test_scim_malformed_json_is_400_with_a_scim_error_body(scim, provisioned):
    _is_scim_error(scim.post("Users", raw="{not json"), 400)
    _is_scim_error(scim.patch(f"Users/{provisioned.pk}", raw='{"Operations": [}'), 400)
    _is_scim_error(scim.post("Groups", raw=b"\xff\xfe\x00"), 400)


BAD_BODIES = [
    [], "a string", 12, None, {}, {"userName": ""}, {"userName": ["TS1"]}, {"userName": {"x": 1}},
    {"userName": "TS5", "name": "not an object"}, {"userName": "TS5", "emails": "x@y"},
    {"userName": "TS5", "emails": [1, 2]}, {"userName": "TS5", "active": "maybe"},
    {"userName": "TS5", "name": {"givenName": 5}}, {"userName": "=cmd|' /C calc'!A0"},
    {"userName": "TS5" * 100}, {"userName": "TS5", "name": {"givenName": "", "familyName": "X"}},
]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_scim_bad_user_bodies_are_4xx_never_500(scim, body):
    response = scim.post("Users", raw=json.dumps(body))
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["schemas"] == [ERROR]


BAD_PATCHES = [
    {}, {"Operations": []}, {"Operations": "replace"}, {"Operations": [1]}, {"Operations": [{"op": "explode"}]},
    {"Operations": [{"op": "Replace", "path": 5, "value": 1}]},
    {"Operations": [{"op": "Replace", "value": "not an object"}]},
    {"Operations": [{"op": "Replace", "path": "active", "value": "perhaps"}]},
    {"Operations": [{"op": "Remove", "path": "active"}]},
    {"Operations": [{"op": "Replace", "path": "name.givenName", "value": ""}]},
    {"Operations": [{"op": "Replace", "path": "emails", "value": [{"value": "nope"}]}]},
    {"Operations": [{"op": "Replace", "path": "emails", "value": "nope"}]},
]


@pytest.mark.parametrize("body", BAD_PATCHES)
def test_scim_bad_user_patches_are_4xx_never_500(scim, provisioned, body):
    response = scim.patch(f"Users/{provisioned.pk}", raw=json.dumps(body))
    assert 400 <= response.status_code < 500, response.content
    provisioned.refresh_from_db()
    assert provisioned.is_active and provisioned.first_name == "Pat"


BAD_GROUP_PATCHES = [
    {"Operations": [{"op": "Add", "path": "members", "value": "12"}]},
    {"Operations": [{"op": "Add", "path": "members", "value": [{"value": "abc"}]}]},
    {"Operations": [{"op": "Add", "path": "members", "value": [{"value": "1" * 40}]}]},
    {"Operations": [{"op": "Replace", "path": "displayName", "value": ""}]},
    {"Operations": [{"op": "Replace", "path": "displayName", "value": {"a": 1}}]},
    {"Operations": [{"op": "Add", "value": 3}]},
]


@pytest.mark.parametrize("body", BAD_GROUP_PATCHES)
def test_scim_bad_group_patches_are_4xx_never_500(scim, body):
    group_id = scim.post("Groups", entra.group_create("Role: trainer")).json()["id"]
    response = scim.patch(f"Groups/{group_id}", raw=json.dumps(body))
    assert 400 <= response.status_code < 500, response.content


@pytest.mark.parametrize("path", ["Users/abc", "Users/-1", "Users/99999999999999999999", "Groups/x", "Users/0"])
def test_scim_unknown_ids_are_404(scim, path):
    _is_scim_error(scim.get(path), 404)


@pytest.mark.parametrize("query", ['filter=userName eq', 'filter=((("', "startIndex=0", "count=abc",
                                   "startIndex=x", "count=-5", 'filter=userName eq "x"&count=100000'])
def test_scim_bad_queries_are_answered_never_500(scim, query):
    response = scim.get(f"Users?{query}")
    assert response.status_code in (200, 400), response.content


def test_scim_paging_is_bounded(scim, provisioned):
    body = scim.get("Users?startIndex=1&count=100000").json()
    assert body["totalResults"] == 1 and body["itemsPerPage"] == 1


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                         max_size=4), max_leaves=12)
scim_keys = st.sampled_from(["userName", "externalId", "active", "name", "emails", "displayName", "members",
                             "Operations", "op", "path", "value", entra.ENTERPRISE])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(scim_keys, json_values, max_size=5))
def test_scim_fuzzed_bodies_never_500(scim, provisioned, body):
    raw = json.dumps(body)
    for response in (scim.post("Users", raw=raw), scim.patch(f"Users/{provisioned.pk}", raw=raw),
                     scim.post("Groups", raw=raw)):
        assert response.status_code < 500, (raw, response.content)
