"""Counting attempts in the cache: password-reset requests per address and per account, and sign-in
failures per username (portal/signin_slowdown.py). Keys hold hashes, never an address or a name
in clear, so a cache dump says nothing about who asked.

The cache is Redis when REDIS_URL is set (every web worker shares the counts); otherwise each
process counts alone, which is looser but never stricter than configured.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def cache_key(scope: str, value: str) -> str:
    digest = hashlib.sha256(f"{scope}:{value}".encode()).hexdigest()[:32]
    return f"portal:rl:{scope}:{digest}"


def count_hit(scope: str, value: str, *, window: int) -> int:
    """Add one to the count of `value` in `scope` for a fixed window of `window` seconds (from the
    first hit) and return the new count."""
    key = cache_key(scope, value)
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this hit starts a new window
        cache.set(key, 1, timeout=window)
        return 1
