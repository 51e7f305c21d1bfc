"""Bearer tokens for the SCIM endpoint, one or more per organisation. A token is
"scim_<prefix>_<secret>": the prefix finds the row, the sha256 of the whole token is compared in
constant time, and only that hash is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.utils import timezone

from portal import audit
from portal.models import Organisation, ScimToken

LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def scim_token_create(*, organisation: Organisation, by=None) -> tuple[ScimToken, str]:
    """A new token for `organisation`: the row, and the token in clear (shown once, never stored)."""
    prefix = secrets.token_hex(6)
    token = f"scim_{prefix}_{secrets.token_urlsafe(32)}"
    row = ScimToken.objects.create(organisation=organisation, prefix=prefix, token_hash=_digest(token))
    audit.record("scim_token_created", obj=row, detail={"organisation": organisation.pk, "token": row.pk},
                 actor=by if by is not None else audit.FROM_CONTEXT)
    return row, token


def scim_token_revoke(*, token: ScimToken, by=None) -> None:
    if token.revoked_at is None:
        ScimToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record("scim_token_revoked", obj=token, detail={"organisation": token.organisation_id,
                                                              "token": token.pk},
                     actor=by if by is not None else audit.FROM_CONTEXT)


def token_authenticate(header: str, *, now=None) -> ScimToken | None:
    """The live token an Authorization header carries, or None (missing, malformed, unknown,
    revoked, or of a deleted organisation)."""
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith("scim_") or len(token) > 200:
        return None
    prefix = token[5:].partition("_")[0]
    row = ScimToken.objects.select_related("organisation").filter(prefix=prefix).first()
    # Compared even when no row matched, so an unknown prefix takes as long as a wrong secret.
    stored = row.token_hash if row is not None else _digest("no such token")
    if not hmac.compare_digest(stored, _digest(token)) or row is None or row.revoked_at is not None:
        return None
    now = now or timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        ScimToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row
