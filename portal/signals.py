"""Sign-in events go to the audit trail and the security log (ASVS 7.1.3, 7.2.1): successes,
failures, lockouts. Never a password, a code or a session key; failed usernames only in the audit
table (a username box sometimes receives a password typed in the wrong place, so never the log)."""

import logging
import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django_otp import DEVICE_ID_SESSION_KEY

from portal import audit, signin_slowdown
from portal.middleware import IdleTimeoutMiddleware

logger = logging.getLogger("portal.security")


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # Signing in is activity: the idle clock starts now, written with the session the sign-in
        # saves anyway (not by the next page: IdleTimeoutMiddleware writes it at most once a minute).
        now = int(time.time())
        request.session[IdleTimeoutMiddleware.SIGNED_IN_KEY] = request.session[IdleTimeoutMiddleware.KEY] = now
        # Whatever verified an earlier sign-in in this session does not carry over to this one.
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
    signin_slowdown.clear(user.get_username())
    if getattr(request, "sign_in_method", "") == "oidc":  # portal/oidc/views.py
        mfa = bool(getattr(request, "provider_mfa", False))
        audit.record("login_oidc", actor=user, subject=user, detail={"provider_mfa": mfa})
        logger.info("login succeeded user_id=%s method=oidc provider_mfa=%s", user.pk, mfa)
        return
    audit.record("login", actor=user, subject=user)
    logger.info("login succeeded user_id=%s", user.pk)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("logout", actor=user, subject=user)
        logger.info("logout user_id=%s", user.pk)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Only the username attempted (Django has already replaced the password in `credentials`).
    username = str(credentials.get("username", ""))[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    slowed = bool(getattr(request, "signin_slowed_for", 0))
    detail = {"username": username, "locked_out": locked}
    if slowed:
        detail["slowed"] = True
    elif not locked and username:
        # Refused attempts (locked or made while waiting) never lengthen the wait: only real guesses.
        signin_slowdown.record_failure(username, audit.client_address(request))
    audit.record("login_failed", detail=detail)
    logger.warning("login failed locked_out=%s slow=%s", locked, slowed)


@receiver(user_locked_out)
def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit.record("lockout", detail={"username": str(username or "")[:150]})
    logger.warning("sign-in locked for a username and address after repeated failures")
