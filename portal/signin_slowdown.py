"""A per-username slowdown that holds across addresses, on top of django-axes' lock.

Axes locks a username *and* address pair after 10 failures. An attacker who rotates addresses
(a botnet, a cloud provider's pool) gets 10 guesses from each, so alone it does not bound the
guesses against one account. This module does: once a username has failed from at least
SIGNIN_SLOWDOWN_ADDRESSES different addresses and SIGNIN_SLOWDOWN_AFTER times in all within
SIGNIN_SLOWDOWN_WINDOW seconds, each further attempt for it (from any address) must wait
SIGNIN_SLOWDOWN_BASE seconds, doubling per further failure, never more than SIGNIN_SLOWDOWN_MAX.
An attempt made while waiting is refused without checking the password, with the usual failure
message and "try again in a minute"; it does not lengthen the wait.

The trade-off: a slowdown, not a lock. The real person is never kept out for more than a few
minutes, however long an attack runs, and one person mistyping at one station is left to axes
(one address never triggers this). But an attacker who keeps guessing keeps the username slow,
so its owner may be asked to wait a few minutes at a time while the attack lasts; a password
reset by email or a successful sign-in clears it. One address alone never triggers it, because
axes already caps a single address.

State lives in the cache (Redis in production, shared by every web worker), keyed by a hash of
the username; the addresses are kept as hashes too. Two workers updating the same username at
the same instant may lose one count: the slowdown is approximate by a count or two, never looser
by more.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from portal.ratelimit import cache_key

MAX_ADDRESSES_KEPT = 50


def _key(username: str) -> str:
    return cache_key("signin-slowdown", username.strip().lower())


def wait_seconds(username: str, *, now: float | None = None) -> int:
    """How long an attempt for `username` must still wait (0: it may go ahead)."""
    state = cache.get(_key(username))
    if not state:
        return 0
    now = time.time() if now is None else now
    return max(0, int(state.get("until", 0) - now + 0.999))


def record_failure(username: str, address: str | None, *, now: float | None = None) -> int:
    """Count one failed sign-in for `username` from `address`; returns the wait now required."""
    now = time.time() if now is None else now
    key = _key(username)
    state = cache.get(key) or {"failures": 0, "addresses": [], "until": 0}
    state["failures"] += 1
    tag = hashlib.sha256((address or "-").encode()).hexdigest()[:16]
    if tag not in state["addresses"] and len(state["addresses"]) < MAX_ADDRESSES_KEPT:
        state["addresses"].append(tag)
    over = state["failures"] - settings.SIGNIN_SLOWDOWN_AFTER
    wait = 0
    if over >= 0 and len(state["addresses"]) >= settings.SIGNIN_SLOWDOWN_ADDRESSES:
        wait = min(settings.SIGNIN_SLOWDOWN_BASE * 2 ** min(over, 20), settings.SIGNIN_SLOWDOWN_MAX)
        state["until"] = now + wait
    cache.set(key, state, timeout=settings.SIGNIN_SLOWDOWN_WINDOW)
    return wait


def clear(username: str) -> None:
    cache.delete(_key(username))


class SlowdownBackend:
    """Placed after axes' backend and before the one that checks passwords: while a username must
    wait, its attempts are refused without a password check (PermissionDenied stops Django trying
    the later backends and sends user_login_failed, which axes and the audit trail record).

    Deliberately not a BaseBackend: without `get_user` it never owns a session, and Django's test
    client and `login()` keep choosing the portal backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            return None
        wait = wait_seconds(str(username))
        if wait:
            if request is not None:
                request.signin_slowed_for = wait
            raise PermissionDenied
        return None
