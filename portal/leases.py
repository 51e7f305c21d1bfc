"""Named leases for work that spans many transactions (the nightly risk sweep), safe behind
PgBouncer in transaction mode.

A session-level advisory lock belongs to a server connection, and behind PgBouncer the next
transaction may run on another one: the lock would be held, or released, for somebody else. So the
lease is a row (`portal.Lease`): taking it is one short transaction that locks the row (SELECT ...
FOR UPDATE SKIP LOCKED: a second taker at the same moment skips instead of waiting) and writes a
holder token and an expiry. The holder renews it as it goes (`Held.renew()`, in its own
transactions) and clears it at the end; a holder that died leaves a lease that lapses on its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from portal.models import Lease


@dataclass(frozen=True)
class Held:
    name: str
    token: str
    seconds: float

    def renew(self) -> bool:
        """Push the expiry on; False when the lease lapsed and somebody else took it (stop then)."""
        until = timezone.now() + timedelta(seconds=self.seconds)
        return Lease.objects.filter(name=self.name, holder=self.token).update(expires_at=until) == 1


def _advisory_free(key: int | None) -> bool:
    """A transaction-scoped advisory lock on `key` (PostgreSQL), released when the taking
    transaction ends: it only keeps out a session that holds the same key for maintenance."""
    if key is None or connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        return bool(cursor.fetchone()[0])


def lease_take(name: str, *, seconds: float, advisory_key: int | None = None) -> Held | None:
    """Take the lease `name` for `seconds` if nobody holds it (or their hold lapsed)."""
    now = timezone.now()
    with transaction.atomic():
        if not _advisory_free(advisory_key):
            return None
        Lease.objects.bulk_create([Lease(name=name)], ignore_conflicts=True)
        row = Lease.objects.select_for_update(skip_locked=True).filter(name=name).first()
        if row is None or (row.holder and row.expires_at is not None and row.expires_at > now):
            return None
        row.holder, row.expires_at = uuid.uuid4().hex, now + timedelta(seconds=seconds)
        row.save(update_fields=["holder", "expires_at"])
    return Held(name, row.holder, seconds)


def lease_release(held: Held) -> None:
    Lease.objects.filter(name=held.name, holder=held.token).update(holder="", expires_at=None)


@contextmanager
def lease_held(name: str, *, seconds: float, advisory_key: int | None = None) -> Iterator[Held | None]:
    """The lease for the block (None when somebody else holds it), released at its end."""
    held = lease_take(name, seconds=seconds, advisory_key=advisory_key)
    try:
        yield held
    finally:
        if held is not None:
            lease_release(held)
