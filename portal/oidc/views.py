"""The single sign-on pages: start (to the provider), callback (back from it), and sign-out with the
offer to sign out of the provider too. Every refusal is a page in plain words with a way forward
and an audit event; the log has reason codes only, never a code, a token or a claim."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from portal import access, audit, security_actions, twofactor
from portal.oidc import provider as idp
from portal.oidc import reconfirm
from portal.oidc.backend import AccountNotFound, PortalOIDCBackend

logger = logging.getLogger("portal.security")

STATES_KEY = "oidc_states"  # mozilla-django-oidc's: state -> nonce, PKCE verifier, when added
NEXT_KEY = "oidc_login_next"
LOGOUT_HINT_KEY = "_oidc_id_token"  # kept for the provider's sign-out (id_token_hint)
PROVIDER_LOGOUT_KEY = "_oidc_provider_logout"
STATE_MAX_AGE = 15 * 60  # seconds a started sign-in may take at the provider
SESSION_BACKEND = "portal.twofactor.PortalBackend"  # loads the signed-in person on later requests

FAILURES = {
    "unreachable": _("The sign-in service could not be reached. Wait a few minutes and try again."),
    "issuer": _("The sign-in service did not answer as the one this portal is set up to trust, so you were "
                "not signed in."),
    "expired": _("The proof of your sign-in had already expired. Try again."),
    "token": _("The proof of your sign-in could not be checked, so you were not signed in. Try again."),
    "nonce": _("The proof of your sign-in did not belong to this sign-in. Try again."),
    "state": _("This sign-in was already used, or was started in another browser or window. Start again."),
    "code": _("The sign-in service refused to complete this sign-in (it may have been used already or "
              "taken too long). Try again."),
    "denied": _("The sign-in service did not sign you in."),
}


def _require_enabled() -> None:
    if not idp.enabled():
        raise Http404


def failure(request: HttpRequest, reason: str, *, status: int = 400) -> HttpResponse:
    reason = reason if reason in FAILURES else "token"
    audit.record("oidc_sign_in_failed", detail={"reason": reason})
    logger.warning("single sign-on refused reason=%s", reason)
    return render(request, "registration/oidc_failed.html", {
        "message": FAILURES[reason], "contact": idp.support_contact(),
    }, status=503 if reason == "unreachable" else status)


def not_set_up(request: HttpRequest, refusal: AccountNotFound) -> HttpResponse:
    detail = {"reason": refusal.reason, "claim": refusal.claim[:60]}
    if refusal.user is None:
        detail["value"] = refusal.value[:150]  # what an admin needs to set the account up, as login_failed
    audit.record("oidc_account_refused", subject=refusal.user, detail=detail)
    logger.warning("single sign-on: no account to sign in reason=%s", refusal.reason)
    return render(request, "registration/oidc_not_set_up.html", {
        "inactive": refusal.reason == "inactive", "contact": idp.support_contact(),
    }, status=403)


class StartView(OIDCAuthenticationRequestView):
    """To the provider's sign-in page, with state, nonce and PKCE kept in the session."""

    def __init__(self, *args, **kwargs):  # the library's reads a fixed endpoint from settings
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        _require_enabled()
        if request.user.is_authenticated:
            return redirect(access.start_url(request.user))
        try:
            found = idp.provider()
        except idp.SignInFailed as refusal:
            return failure(request, refusal.reason)
        self.OIDC_OP_AUTH_ENDPOINT = found.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


def _take_state(request: HttpRequest, state: str) -> dict | None:
    """The started sign-in that `state` names, removed from the session so it is used once only."""
    states = request.session.get(STATES_KEY)
    if not isinstance(states, dict) or not state or state not in states:
        return None
    entry = states.pop(state)
    request.session[STATES_KEY] = states
    request.session.save()  # a replay of this callback in parallel finds nothing
    if not isinstance(entry, dict) or time.time() - float(entry.get("added_on", 0)) > STATE_MAX_AGE:
        return None
    return entry


def _reconfirm_callback(request: HttpRequest, pending: dict, state: str, code: str) -> HttpResponse:
    """Back from the provider with a confirmation of a security action (reconfirm.py): the same
    checks of the ID token as a sign-in, then the same person, signed in again just now. Nobody is
    signed in or out here; security_views carries the action out or says why it did not."""
    action = pending.get("action", "")
    entry = _take_state(request, state)
    if request.GET.get("error"):
        return security_actions.reconfirm_refused(request, action, "denied")
    if entry is None or not code:
        return security_actions.reconfirm_refused(request, action, "state")
    try:
        backend = PortalOIDCBackend(idp.provider())
        signed = backend.sign_in(request, code=code, nonce=entry.get("nonce") or "",
                                 code_verifier=entry.get("code_verifier"),
                                 redirect_uri=request.build_absolute_uri(reverse("oidc_callback")))
    except idp.SignInFailed as failed:
        return security_actions.reconfirm_refused(request, action, failed.reason)
    except AccountNotFound:
        return security_actions.reconfirm_refused(request, action, "other_person")
    reason = reconfirm.refusal(request, pending, signed)
    if reason:
        return security_actions.reconfirm_refused(request, action, reason)
    return security_actions.reconfirmed(request, pending)


def callback(request: HttpRequest) -> HttpResponse:
    _require_enabled()
    state, code = request.GET.get("state", ""), request.GET.get("code", "")
    pending = reconfirm.take_pending(request, state)
    if pending is not None:
        return _reconfirm_callback(request, pending, state, code)
    if request.GET.get("error"):
        _take_state(request, state)
        return failure(request, "denied")
    entry = _take_state(request, state)
    if entry is None or not code:
        return failure(request, "state")
    try:
        backend = PortalOIDCBackend(idp.provider())
        signed = backend.sign_in(request, code=code, nonce=entry.get("nonce") or "",
                                 code_verifier=entry.get("code_verifier"),
                                 redirect_uri=request.build_absolute_uri(reverse("oidc_callback")))
    except idp.SignInFailed as refusal:
        return failure(request, refusal.reason)
    except AccountNotFound as refusal:
        return not_set_up(request, refusal)
    next_url = request.session.get(NEXT_KEY) or access.start_url(signed.user)
    request.sign_in_method = "oidc"  # read by portal.signals.on_login
    request.provider_mfa = signed.provider_mfa
    auth.login(request, signed.user, backend=SESSION_BACKEND)  # a new session key (rotation)
    request.session[LOGOUT_HINT_KEY] = signed.id_token
    request.session.pop(NEXT_KEY, None)
    if signed.provider_mfa:
        twofactor.mark_verified_by_provider(request)
    return redirect(next_url)


def provider_logout_url(request: HttpRequest, id_token: str) -> str:
    """RP-initiated logout at the provider, back to the sign-in page; "" when it offers none."""
    try:
        end_session = idp.provider().end_session_endpoint
    except idp.SignInFailed:
        return ""
    if not end_session:
        return ""
    query = urlencode({"id_token_hint": id_token, "client_id": settings.OIDC_RP_CLIENT_ID,
                       "post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))})
    return f"{end_session}{'&' if '?' in end_session else '?'}{query}"


class LogoutView(auth_views.LogoutView):
    """Django's sign-out; someone who signed in through the provider is then offered its sign-out."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(LOGOUT_HINT_KEY)
        response = super().post(request, *args, **kwargs)
        if id_token and idp.enabled():
            url = provider_logout_url(request, id_token)
            if url:
                request.session[PROVIDER_LOGOUT_KEY] = url  # the new, anonymous session
                return redirect("oidc_signed_out")
        return response


def signed_out(request: HttpRequest) -> HttpResponse:
    url = request.session.pop(PROVIDER_LOGOUT_KEY, None)
    if not url or request.user.is_authenticated:
        return redirect("login")
    return render(request, "registration/oidc_signed_out.html", {"provider_logout_url": url,
                                                                  "label": idp.button_label()})
