"""Keyed pseudonyms for OH's row-level exports. Writing the files (neutralised cells, streamed CSV,
write-only XLSX) and the small-number rule are `portal.exports`'. No ORM here."""

from __future__ import annotations

import hashlib
import hmac
import secrets

PSEUDONYM_LENGTH = 16  # hex characters: 64 bits, no collision to expect in any force's headcount


def pseudonym(person_id: int, key: str | bytes) -> str:
    """A stable pseudonym for one person: HMAC-SHA256 of their id under the secret key. The same
    person gets the same pseudonym in every export made with the key; without the key it cannot be
    reversed (nor rebuilt by hashing every possible id)."""
    if isinstance(key, str):
        key = key.encode()
    if not key:
        raise ValueError("a pseudonym key is required")
    return hmac.new(key, str(person_id).encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


class Pseudonymiser:
    """pseudonym() with a cache: an export repeats the same few thousand people many times."""

    def __init__(self, key: str | bytes):
        self.key = key.encode() if isinstance(key, str) else key
        self._cache: dict[int, str] = {}

    def __call__(self, person_id: int) -> str:
        value = self._cache.get(person_id)
        if value is None:
            value = self._cache[person_id] = pseudonym(person_id, self.key)
        return value


def export_key(key: str | bytes, *, longitudinal: bool) -> bytes:
    """The pseudonym key of one export. By default a fresh random salt is mixed in, kept nowhere,
    so the pseudonyms of two exports cannot be linked (nor by the portal itself). Only a
    longitudinal cohort, asked for explicitly (and audited), uses the stable key."""
    key = key.encode() if isinstance(key, str) else key
    if not key:
        raise ValueError("a pseudonym key is required")
    if longitudinal:
        return key
    return hmac.new(key, secrets.token_bytes(32), hashlib.sha256).digest()
