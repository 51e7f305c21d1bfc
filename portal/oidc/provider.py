"""The identity provider as configured from the environment: whether single sign-on is on, its
endpoints (discovered from OIDC_ISSUER and cached), the sign-in button's words, and whether a
person may still use a local password."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger("portal.security")

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_TTL = 60 * 60  # seconds a discovered configuration is kept before it is fetched again


class SignInFailed(Exception):
    """A single sign-on attempt that cannot go on; `reason` is a code from views.FAILURES."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


_discovered: dict[str, tuple[float, Provider]] = {}


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ISSUER", ""))


def forget() -> None:
    """Drop the discovered configuration (tests; a provider that changed its keys' address)."""
    _discovered.clear()


def _same_issuer(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def provider_from_document(issuer: str, document: dict) -> Provider:
    """The endpoints of a discovery document, refused (SignInFailed "issuer") when it names another
    issuer than the one configured, or lacks an endpoint the sign-in needs."""
    if not isinstance(document, dict) or not _same_issuer(str(document.get("issuer", "")), issuer):
        raise SignInFailed("issuer")
    needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    if not all(isinstance(document.get(name), str) and document[name] for name in needed):
        raise SignInFailed("issuer")
    return Provider(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        userinfo_endpoint=str(document.get("userinfo_endpoint") or ""),
        end_session_endpoint=str(document.get("end_session_endpoint") or ""),
    )


def provider() -> Provider:
    """The configured provider's endpoints, fetched from its discovery document when first needed
    and kept for an hour. Raises SignInFailed("unreachable") when it cannot be fetched (nothing is
    kept, so the next attempt asks again) and SignInFailed("issuer") when it names another issuer."""
    issuer = settings.OIDC_ISSUER
    kept = _discovered.get(issuer)
    if kept is not None and time.monotonic() - kept[0] < DISCOVERY_TTL:
        return kept[1]
    url = issuer.rstrip("/") + DISCOVERY_PATH
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("single sign-on: discovery failed error=%s", type(exc).__name__)
        raise SignInFailed("unreachable") from exc
    found = provider_from_document(issuer, document)
    _discovered[issuer] = (time.monotonic(), found)
    return found


def button_label() -> str:
    return settings.OIDC_BUTTON_LABEL or _("Sign in with your organisation's account")


def support_contact() -> str:
    return settings.OIDC_SUPPORT_CONTACT or _("your IT service desk")


def local_password_refused(user) -> bool:
    """True when `user` must sign in through the identity provider: single sign-on is on and their
    organisation has switched local passwords off. People of other organisations (partner
    agencies) and people with no organisation keep their passwords."""
    organisation = getattr(user, "organisation", None)
    return enabled() and organisation is not None and not organisation.local_passwords_allowed
