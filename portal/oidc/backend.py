"""Checking what the identity provider sends and finding the person it names.

The backend is called by the callback view only: it is not in AUTHENTICATION_BACKENDS, so Django's
authenticate() (the password form) can never reach it. It never creates an account: a person is
found by the staff-number claim (OIDC_STAFF_NUMBER_CLAIM) or, when that is not configured, by the
email claim (OIDC_EMAIL_CLAIM); nobody found, or more than one, is refused, and so is an account
that is deactivated or whose employment has ended."""

from __future__ import annotations

from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from portal.oidc.provider import Provider, SignInFailed

LEEWAY = 60  # seconds of clock difference allowed between the provider and the portal


class AccountNotFound(Exception):
    """The provider vouched for someone the portal cannot sign in: `reason` is "unknown",
    "ambiguous" or "inactive"; `claim` names the claim used, `user` the account when one was found."""

    def __init__(self, reason: str, claim: str, value: str = "", user=None):
        super().__init__(reason)
        self.reason, self.claim, self.value, self.user = reason, claim, value, user


@dataclass(frozen=True)
class SignIn:
    user: object
    id_token: str
    provider_mfa: bool
    auth_time: int | None = None  # when the person last typed their credentials at the provider


def auth_time_of(claims: dict) -> int | None:
    value = claims.get("auth_time")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def provider_did_mfa(claims: dict, claim: str, accepted) -> bool:
    """Whether the ID token's `claim` ("amr": a list of methods; "acr": one value) holds one of the
    `accepted` values. Nothing configured, the claim missing or of another type: False."""
    accepted = {str(value) for value in accepted if str(value)}
    if not claim or not accepted:
        return False
    value = claims.get(claim)
    if isinstance(value, str):
        given = {value}
    elif isinstance(value, list):
        given = {item for item in value if isinstance(item, str)}
    else:
        return False
    return bool(given & accepted)


def claim_text(claims: dict, name: str) -> str:
    value = claims.get(name) if name else None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) else ""


def find_person(claims: dict):
    """The one portal account the claims name, or AccountNotFound."""
    model = get_user_model()
    people = model._default_manager.select_related("organisation")
    if settings.OIDC_ORGANISATION:
        people = people.filter(organisation__slug=settings.OIDC_ORGANISATION)
    staff_claim = settings.OIDC_STAFF_NUMBER_CLAIM
    if staff_claim:
        claim, value = staff_claim, claim_text(claims, staff_claim)
        found = list(people.filter(staff_number=value)[:2]) if value else []
    else:
        claim, value = settings.OIDC_EMAIL_CLAIM, claim_text(claims, settings.OIDC_EMAIL_CLAIM)
        verified = claims.get("email_verified", True) is not False  # absent (Entra): the provider's own
        found = list(people.filter(email__iexact=value)[:2]) if value and verified else []
    if not found:
        raise AccountNotFound("unknown", claim, value)
    if len(found) > 1:
        raise AccountNotFound("ambiguous", claim, value)
    user = found[0]
    ended = user.employment_ended_on is not None and user.employment_ended_on <= timezone.localdate()
    if not user.is_active or ended:
        raise AccountNotFound("inactive", claim, value, user=user)
    return user


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with the endpoints of the discovered provider, a full check of
    the ID token, and no account ever created."""

    def __init__(self, found: Provider):  # the library's reads fixed endpoints from settings
        self.provider = found
        self.OIDC_OP_TOKEN_ENDPOINT = found.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = found.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = found.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    def verify_token(self, token, **kwargs):
        """Signature (a key from the provider's JWKS, the configured algorithm only), issuer,
        audience, expiry and nonce; SignInFailed with the reason otherwise."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise SignInFailed("token") from exc
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SignInFailed("token")
        key = self._signing_key(token)
        try:
            claims = jwt.decode(token, key, algorithms=[self.OIDC_RP_SIGN_ALGO], audience=self.OIDC_RP_CLIENT_ID,
                                issuer=self.provider.issuer, leeway=LEEWAY,
                                options={"require": ["exp", "iat", "iss", "aud", "sub"]})
        except jwt.ExpiredSignatureError as exc:
            raise SignInFailed("expired") from exc
        except jwt.InvalidIssuerError as exc:
            raise SignInFailed("issuer") from exc
        except jwt.InvalidTokenError as exc:
            raise SignInFailed("token") from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SignInFailed("token")
        if not kwargs.get("nonce") or claims.get("nonce") != kwargs["nonce"]:
            raise SignInFailed("nonce")
        return claims

    def _signing_key(self, token):
        try:
            return self.retrieve_matching_jwk(token)
        except requests.RequestException as exc:
            raise SignInFailed("unreachable") from exc
        except Exception as exc:  # no matching key (SuspiciousOperation), or a key that cannot be read
            raise SignInFailed("token") from exc

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo endpoint's claims (JSON), when the provider has one; they must be about the
        same subject as the ID token."""
        if not self.OIDC_OP_USER_ENDPOINT or not access_token:
            return {}
        response = requests.get(self.OIDC_OP_USER_ENDPOINT, headers={"Authorization": f"Bearer {access_token}"},
                                verify=settings.OIDC_VERIFY_SSL, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        info = response.json()
        if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
            raise SignInFailed("token")
        return info

    def create_user(self, claims):
        raise AccountNotFound("unknown", "")  # never: only imported people sign in

    def sign_in(self, request, *, code: str, nonce: str, code_verifier: str | None, redirect_uri: str) -> SignIn:
        """Exchange the code, check the ID token, find the person. Raises SignInFailed or
        AccountNotFound."""
        self.request = request
        payload = {"client_id": self.OIDC_RP_CLIENT_ID, "client_secret": self.OIDC_RP_CLIENT_SECRET,
                   "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if code_verifier:
            payload["code_verifier"] = code_verifier
        try:
            tokens = self.get_token(payload)
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            raise SignInFailed("code" if 400 <= status < 500 else "unreachable") from exc
        except (requests.RequestException, ValueError) as exc:
            raise SignInFailed("unreachable") from exc
        id_token = tokens.get("id_token") if isinstance(tokens, dict) else None
        if not isinstance(id_token, str):
            raise SignInFailed("token")
        claims = self.verify_token(id_token, nonce=nonce)
        try:
            info = self.get_userinfo(tokens.get("access_token"), id_token, claims)
        except (requests.RequestException, ValueError) as exc:
            raise SignInFailed("unreachable") from exc
        user = find_person({**info, **claims})  # the signed ID token wins over userinfo
        mfa = provider_did_mfa(claims, settings.OIDC_MFA_CLAIM, settings.OIDC_MFA_VALUES)
        return SignIn(user=user, id_token=id_token, provider_mfa=mfa, auth_time=auth_time_of(claims))
