"""The catalogue of what can be logged (the roles, their exposure categories and intensity rubrics),
kept in each process between requests and read again as soon as anybody changes it, anywhere.

The tables are small and change rarely (an administrator adds a role or renames a category), yet the
shift form reads them on every request, and each read through the ORM costs more than half a
millisecond of the web host's CPU. Database triggers on each table (`portal.migration_ops.
catalogue_trigger`) give the one `CatalogueVersion` row a new version with every change, whatever
makes it: the admin, a bulk update, a migration, SQL typed by an operator. A process reads that one
number (a primary-key lookup) and reuses what it read of the catalogue while the number is the same,
so a change made on one host is seen by the next request on every host, never a request later.

What is kept is shared by every request of the process: treat it as read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from django.db import connection

from portal.migration_ops import CATALOGUE_VERSION_TABLE

T = TypeVar("T")

_kept: dict[Hashable, tuple[int, object]] = {}


def version() -> int | None:
    """The catalogue's version now, or None when there is no version row (tables just emptied by a
    test's flush: nothing is kept until the next change writes the row again)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {CATALOGUE_VERSION_TABLE} WHERE id = 1")  # noqa: S608 - a constant
        row = cursor.fetchone()
    return row[0] if row else None


def kept(key: Hashable, load: Callable[[], T]) -> T:
    """What `load()` returns for `key`, read again only when the catalogue has changed since this
    process last read it. `load` must read only the catalogue's tables."""
    current = version()
    found = _kept.get(key)
    if current is not None and found is not None and found[0] == current:
        return found[1]  # type: ignore[return-value]
    value = load()
    if current is not None:
        _kept[key] = (current, value)
    return value


def forget() -> None:
    """Drop everything kept (tests)."""
    _kept.clear()
