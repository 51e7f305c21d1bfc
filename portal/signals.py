"""Sign-in events go to the audit trail (ASVS 7.1.3, 7.2.1). Never the password itself."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from portal.audit import audit_record

logger = logging.getLogger("portal.security")


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_record(action="login", actor=user, request=request, subject=user)
    logger.info("login succeeded user_id=%s", user.pk)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="logout", actor=user, request=request, subject=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Only the username attempted (already cleansed of the password by Django).
    username = str(credentials.get("username", ""))[:150]
    audit_record(action="login_failed", request=request, detail={"username": username})
    logger.warning("login failed for a username")
