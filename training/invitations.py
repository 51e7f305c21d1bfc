"""Invitations for partner staff enrolled by a trainer: a link to set their first password.

An enrolled person has an unusable password, and Django's password reset sends nothing to such an
account (PasswordResetForm.get_users skips it), so 'Forgotten your password?' could never work for
them. The invitation uses Django's token machinery instead: the token is an HMAC of the user's id,
password hash, last sign-in and email with a timestamp, so it expires after INVITATION_DAYS and is
spent the moment a password is set (the hash changes). The link is built from settings.SITE_URL by
the outbox (portal/notify.py), never from the request's Host header, and the token is never logged
or audited."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

INVITATION_DAYS = 7


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "training.invitations.InvitationTokenGenerator"  # a reset token is never an invitation
    timeout_seconds = INVITATION_DAYS * 24 * 3600

    def check_token(self, user, token) -> bool:
        """As Django's check, with the invitation's own lifetime instead of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
                   for secret in [self.secret, *self.secret_fallbacks]):
            return False
        return 0 <= self._num_seconds(self._now()) - ts <= self.timeout_seconds


invitation_tokens = InvitationTokenGenerator()


def invitation_path(user) -> str:
    """The path of a fresh invitation link for `user` (the outbox prefixes settings.SITE_URL)."""
    from django.urls import reverse

    return reverse("training:invitation", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": invitation_tokens.make_token(user),
    })
