"""The security page's actions once they are confirmed, and what every confirmation shares: the
strike counter for wrong passwords and codes, the email that a second factor changed, and the way
through the identity provider for people who have no password to confirm with
(portal/oidc/reconfirm.py). The forms and pages are in security_views."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import audit, twofactor
from portal.models import AuditEvent
from portal.notify import notification_send
from portal.oidc import provider as idp
from portal.oidc import reconfirm

logger = logging.getLogger("portal.security")

NEW_CODES_KEY = "_new_recovery_codes"
CONFIRM_FAILURES_KEY = "_password_confirm_failures"
CONFIRM_FAILURE_LIMIT = 5  # wrong passwords on the security page before the session is ended
# Why signing in again at the provider did not confirm an action (reconfirm_refused); the codes not
# named here (a token, nonce, state or code the sign-in could not use) share the last one.
RECONFIRM_REFUSALS = {
    "other_person": gettext_lazy("You signed in again as someone else, so nothing was changed. To confirm, "
                                 "sign in again as yourself."),
    "stale": gettext_lazy("Your organisation's sign-in service did not ask you to sign in again just now, so "
                          "nothing was changed. Try again."),
    "expired": gettext_lazy("Confirming took too long, so nothing was changed. Try again."),
    "denied": gettext_lazy("You did not sign in again, so nothing was changed."),
    "unreachable": gettext_lazy("Your organisation's sign-in service could not be reached, so nothing was "
                                "changed. Wait a few minutes and try again."),
    "token": gettext_lazy("Your sign-in could not be confirmed, so nothing was changed. Try again."),
}


def strike(request: HttpRequest, action: str, detail: dict | None = None) -> bool:
    """Count one wrong secret (password or code) typed into a confirmation in this session: audited,
    and the fifth ends the session (so a session left open cannot be used to guess the password or
    a code). Returns True if the session was ended. One counter for every confirmation (the
    security page, changing the password, replacing the authenticator, new recovery codes)."""
    user = request.user
    failures = request.session.get(CONFIRM_FAILURES_KEY, 0) + 1
    request.session[CONFIRM_FAILURES_KEY] = failures
    audit.record(action, subject=user, detail={"strike": failures, **(detail or {})})
    # Fixed wording, no values but ids and counts: the log never echoes what was typed.
    logger.warning("confirmation refused user_id=%s failures=%s", user.pk, failures)
    if failures >= CONFIRM_FAILURE_LIMIT:
        logout(request)
        messages.error(request, _("You were signed out because confirming failed too many times. Sign in again."))
        return True
    return False


SECURITY_CHANGE_TITLE = gettext_lazy("Your sign-in settings were changed")
AUTHENTICATOR_REPLACED = gettext_lazy("your authenticator app was replaced")
RECOVERY_CODES_REPLACED = gettext_lazy("new recovery codes were made and the old ones stopped working")


def security_change_notice(user, event: AuditEvent, what) -> None:
    """Email the person (through the outbox) that their second factor changed, so that someone who
    did this from a session they left open is found out. Nothing about health in it."""
    from portal.language import user_language

    with user_language(user):
        title = str(SECURITY_CHANGE_TITLE)
        body = _("Your two-factor sign-in was changed: %(what)s. If this was you, there is nothing to do. "
                 "If it was not, change your password now and tell your IT service desk.") % {
            "what": str(what)}
    notification_send(user=user, title=title, body=body, link=reverse("security"),
                      dedupe_key=f"security-change:{event.pk}", email=True)


def confirm_at_provider(request: HttpRequest, action: str, *, device_id: int | None = None) -> HttpResponse:
    """A page with the way to the identity provider to sign in again; the action waits in the
    session. A page, not a redirect: the form that was posted here may only be sent to the portal
    (the policy's form-action 'self', which browsers apply to a redirect too), while following a
    link to the provider is an ordinary navigation."""
    try:
        leaving = reconfirm.start(request, action, device_id=device_id)
    except idp.SignInFailed:
        messages.error(request, RECONFIRM_REFUSALS["unreachable"])
        return redirect("security")
    logger.info("confirmation at the provider started user_id=%s action=%s", request.user.pk, action)
    response = render(request, "portal/security_reconfirm.html", {
        "provider_url": leaving["Location"], "label": idp.button_label()})
    add_never_cache_headers(response)
    return response


def end_other_sessions(request: HttpRequest, *, password: str | None, detail: dict | None = None) -> HttpResponse:
    # Every session carries a hash of the stored password; storing the same password again under
    # a new salt changes that hash, so every other session fails its check on its next request.
    # Someone who confirmed at the provider has no password here that they could use (none at all,
    # or their organisation switched local passwords off), so a new unusable one does the same.
    user = request.user
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    audit.record("sessions_ended", subject=user, detail=detail)
    logger.info("all other sessions ended user_id=%s", user.pk)
    messages.success(request, _("You are now signed out everywhere except here."))
    return redirect("security")


def new_recovery_codes(request: HttpRequest, *, detail: dict | None = None) -> HttpResponse:
    user = request.user
    request.session[NEW_CODES_KEY] = twofactor.recovery_codes_regenerate(user=user)
    event = audit.record("recovery_codes_created", subject=user, detail=detail)
    security_change_notice(user, event, RECOVERY_CODES_REPLACED)
    logger.info("recovery codes replaced user_id=%s", user.pk)
    return redirect("two_factor_recovery_codes")


def two_factor_off(request: HttpRequest, *, detail: dict | None = None) -> HttpResponse:
    user = request.user
    twofactor.two_factor_remove(user=user)
    audit.record("two_factor_removed", subject=user, detail=detail)
    logger.info("two-factor removed user_id=%s", user.pk)
    messages.success(request, _("Two-factor sign-in is off. You can turn it on again at any time."))
    return redirect("security")


def authenticator_enabled(request: HttpRequest, device, *, replacing: bool, next_url: str = "",
                          detail: dict | None = None) -> HttpResponse:
    """`device` (its code just checked) becomes the person's authenticator, with new recovery codes;
    replacing one is emailed."""
    user = request.user
    twofactor.totp_device_confirm(device=device)
    request.session[NEW_CODES_KEY] = twofactor.recovery_codes_regenerate(user=user)
    twofactor.mark_verified(request, device)
    event = audit.record("two_factor_enabled", subject=user, detail={"replaced": replacing, **(detail or {})})
    audit.record("recovery_codes_created", subject=user, detail=detail)
    if replacing:
        security_change_notice(user, event, AUTHENTICATOR_REPLACED)
    logger.info("two-factor enabled user_id=%s", user.pk)
    target = reverse("two_factor_recovery_codes")
    return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)


def reconfirmed(request: HttpRequest, pending: dict) -> HttpResponse:
    """The person signed in again at the provider for the `pending` action (portal/oidc/views.py
    checked it): carry it out, after the same checks as the password path (the role, or the
    authenticator, may have changed since)."""
    action, detail = pending.get("action", ""), {"confirmed_by": "provider"}
    request.session.pop(CONFIRM_FAILURES_KEY, None)
    if action == "replace_authenticator" and twofactor.has_totp(request.user):
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False, pk=pending.get("device_id")).first()
        if device is not None:
            return authenticator_enabled(request, device, replacing=True, detail=detail)
    if action == "sign_out_everywhere":
        return end_other_sessions(request, password=None, detail=detail)
    if action == "two_factor_off" and not twofactor.requires_two_factor(request.user):
        return two_factor_off(request, detail=detail)
    if action == "recovery_codes" and twofactor.has_totp(request.user):
        return new_recovery_codes(request, detail=detail)
    return reconfirm_refused(request, action, "expired")


def reconfirm_refused(request: HttpRequest, action: str, reason: str) -> HttpResponse:
    """Signing in again at the provider did not confirm `action`: audited with the reason code, said
    on the security page. Coming back as someone else counts as a wrong password would (five end
    the session)."""
    reason = reason if reason in RECONFIRM_REFUSALS else "token"
    detail = {"action": action if action in reconfirm.ACTIONS else "", "reason": reason}
    logger.warning("confirmation at the provider refused reason=%s", reason)
    if not request.user.is_authenticated:
        audit.record("reconfirm_failed", detail=detail)
        return redirect(settings.LOGIN_URL)
    if reason == "other_person":
        if strike(request, "reconfirm_failed", detail):
            return redirect(settings.LOGIN_URL)
    else:
        audit.record("reconfirm_failed", subject=request.user, detail=detail)
    messages.error(request, RECONFIRM_REFUSALS[reason])
    return redirect("security")

