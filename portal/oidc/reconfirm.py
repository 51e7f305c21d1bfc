"""Confirming a security action by signing in again at the identity provider, for people who have no
password the portal could ask for (issue 19).

The security page's actions (sign out everywhere, turn two-factor off, new recovery codes) are
confirmed with the current password. Someone imported from HR with no usable password, or whose
organisation has switched local passwords off, cannot type one; for them the button sends the
browser through the provider with `prompt=login` (sign in again, whatever session the provider
already has) and `max_age` (which obliges the provider to say in the ID token when the person
signed in: `auth_time`). max_age is MAX_AUTH_AGE rather than 0: prompt=login already asks for a new
sign-in, and some providers (django-oidc-provider, the tests' one) compare whole seconds and send
someone who signed in the second before straight back to their sign-in page, again and again.

Before leaving, the session keeps which action is waiting, for whom, and the state of that one
request; the address carries nothing but the provider's usual parameters. On the way back (the one
callback address the provider knows) the ID token is checked in full as for a sign-in, then it must
name the same person, and its `auth_time` must be after the button was pressed and within
MAX_AUTH_AGE of now. Only then is the action carried out (portal/security_actions.py)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from portal.oidc import provider as idp
from portal.oidc.backend import LEEWAY

PENDING_KEY = "_oidc_reconfirm"  # the waiting action: {"action", "user_id", "state", "started", "device_id"}
LIBRARY_NEXT_KEY = "oidc_login_next"  # set by the library's request view; a confirmation has no next
ACTIONS = ("sign_out_everywhere", "two_factor_off", "recovery_codes", "replace_authenticator")
MAX_AUTH_AGE = 5 * 60  # seconds: how long ago the provider may say the person typed their credentials
PENDING_MAX_AGE = 15 * 60  # seconds a confirmation may take at the provider (as a sign-in's state)


def by_provider(user) -> bool:
    """Whether `user` confirms security actions at the identity provider instead of with a password:
    single sign-on is on and they have no usable password, or their organisation switched local
    passwords off."""
    if not idp.enabled():
        return False
    return not user.has_usable_password() or idp.local_password_refused(user)


class ReconfirmRequest(OIDCAuthenticationRequestView):
    """The library's authorization request (state, nonce, PKCE kept in the session), asking the
    provider to make the person sign in again however recently they did."""

    def __init__(self, found: idp.Provider):  # the library's reads a fixed endpoint from settings
        super(OIDCAuthenticationRequestView, self).__init__()
        self.OIDC_OP_AUTH_ENDPOINT = found.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get_extra_params(self, request):
        return {"prompt": "login", "max_age": str(MAX_AUTH_AGE)}


def start(request: HttpRequest, action: str, *, device_id: int | None = None) -> HttpResponse:
    """The redirect to the provider for `action`, with the action kept in the session (and, to
    replace the authenticator, the new one, its first code already checked). Raises SignInFailed
    when the provider cannot be reached (the caller says so on the page)."""
    if action not in ACTIONS:
        raise ValueError(action)
    response = ReconfirmRequest(idp.provider()).get(request)
    state = parse_qs(urlsplit(response["Location"]).query).get("state", [""])[0]
    request.session.pop(LIBRARY_NEXT_KEY, None)
    request.session[PENDING_KEY] = {"action": action, "user_id": request.user.pk, "state": state,
                                    "started": time.time(), "device_id": device_id}
    return response


def take_pending(request: HttpRequest, state: str) -> dict | None:
    """The waiting confirmation when `state` is the one it was started with, removed from the
    session so it is used once; None when the callback is an ordinary sign-in."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not state or pending.get("state") != state:
        return None
    del request.session[PENDING_KEY]
    return pending


def refusal(request: HttpRequest, pending: dict, signed, *, now: float | None = None) -> str:
    """Why the provider's answer does not confirm `pending` ("" when it does): "other_person" when it
    names someone else than the person signed in here (or nobody is signed in here), "stale" when
    the provider does not say the person signed in again just now, "expired" when the confirmation
    was started too long ago."""
    now = time.time() if now is None else now
    user = request.user
    if not user.is_authenticated or user.pk != pending.get("user_id") or signed.user.pk != user.pk:
        return "other_person"
    started = float(pending.get("started", 0))
    if now - started > PENDING_MAX_AGE or pending.get("action") not in ACTIONS:
        return "expired"
    auth_time = signed.auth_time
    if auth_time is None or auth_time < started - LEEWAY or auth_time > now + LEEWAY:
        return "stale"
    if now - auth_time > MAX_AUTH_AGE:
        return "stale"
    return ""
