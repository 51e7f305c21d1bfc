"""manage.py scim_token: makes a token and shows it once, lists and revokes tokens."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.models import ScimToken
from portal.scim.tests.conftest import ScimClient
from portal.scim.tokens import token_authenticate

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("scim_token", *args, stdout=out)
    return out.getvalue()


def test_scim_token_command_shows_the_token_once_and_it_works(force, provisioned):
    output = _run("testshire")
    token = output.strip().splitlines()[-1]
    row = ScimToken.objects.get(organisation=force)
    assert token.startswith(f"scim_{row.prefix}_") and token_authenticate(f"Bearer {token}").pk == row.pk
    listing = _run("testshire", "--list")
    assert row.prefix in listing and token not in listing and "live" in listing
    assert ScimClient(token).get("Users").status_code == 200


def test_scim_token_command_revokes_by_prefix(force):
    token = _run("testshire").strip().splitlines()[-1]
    prefix = ScimToken.objects.get(organisation=force).prefix
    _run("testshire", "--revoke", prefix)
    assert token_authenticate(f"Bearer {token}") is None
    assert "revoked" in _run("testshire", "--list")


def test_scim_token_command_refuses_an_unknown_organisation_or_prefix(force, other_force):
    with pytest.raises(CommandError):
        _run("nowhere")
    _run("otherland")
    other_prefix = ScimToken.objects.get(organisation=other_force).prefix
    with pytest.raises(CommandError):  # another force's token cannot be revoked through this one
        _run("testshire", "--revoke", other_prefix)
