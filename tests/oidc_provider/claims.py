"""What the test provider says about each person, read from IDP_DIR/people.json on every sign-in so
a test can change it (tests/oidc_support.py: `IdentityProvider.set_person`).

Per person: password, email, staff_number (sent as the `employee_id` claim), given_name,
family_name, and switches: mfa (the `amr` claim says "mfa"), acr (an `acr` value), expired (the ID
token's exp is in the past), issuer (the ID token names another issuer), auth_ago (the ID token
says the person signed in that many seconds ago), no_auth_time (the ID token has no auth_time)."""

import json
import time

from django.conf import settings


def people() -> dict:
    return json.loads((settings.IDP_DIR / "people.json").read_text(encoding="utf-8"))


def _person(user) -> dict:
    return people().get(user.username, {})


def id_token_hook(id_token, user=None, token=None, request=None):
    person = _person(user)
    id_token["amr"] = ["pwd", "mfa"] if person.get("mfa") else ["pwd"]
    if person.get("acr"):
        id_token["acr"] = person["acr"]
    if person.get("staff_number"):
        id_token["employee_id"] = person["staff_number"]
    if person.get("expired"):
        id_token["iat"] = int(time.time()) - 3600
        id_token["exp"] = int(time.time()) - 1800
    if person.get("issuer"):
        id_token["iss"] = person["issuer"]
    if person.get("auth_ago"):
        id_token["auth_time"] = int(time.time()) - int(person["auth_ago"])
    if person.get("no_auth_time"):
        id_token.pop("auth_time", None)
    return id_token


def userinfo(claims, user):
    person = _person(user)
    claims["email"] = person.get("email", "")
    claims["email_verified"] = True
    claims["given_name"] = person.get("given_name", "")
    claims["family_name"] = person.get("family_name", "")
    claims["preferred_username"] = user.username
    return claims
