"""The catalogue of what can be logged (the roles, their exposure categories and intensity rubrics),
kept in each process between requests and read again as soon as anybody changes it, anywhere.

The tables are small and change rarely (an administrator adds a role or renames a category), yet the
shift form reads them on every request, and each read through the ORM costs more than half a
millisecond of the web host's CPU. Database triggers on each table (`portal.migration_ops.
catalogue_trigger`) give the one `CatalogueVersion` row a new version with every change, whatever
makes it: the admin, a bulk update, a migration, SQL typed by an operator. A process reads that one
number (a primary-key lookup) and reuses what it read of the catalogue while the number is the same,
so a change made on one host is seen by the next request on every host, never a request later.
A request reads the number once, at its first use, and keeps it to its end (`request_began`,
`request_ended`, connected in PortalConfig.ready): the save reads the roles and then the categories,
the form page the rubrics too, and all of them come from one version of the catalogue. Outside a
request (a task, a command, a test calling a function) every use reads the number again.

What is kept is shared by every request of the process: treat it as read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

from django.db import connection

from portal.migration_ops import CATALOGUE_VERSION_TABLE

T = TypeVar("T")

_kept: dict[Hashable, tuple[int, object]] = {}

_OUTSIDE, _UNREAD = "outside a request", "not read yet"
# The version this request read (an int, or None for no row), or one of the two marks above.
_this_request: ContextVar[int | str | None] = ContextVar("catalogue_version_of_this_request", default=_OUTSIDE)


def _read() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {CATALOGUE_VERSION_TABLE} WHERE id = 1")  # noqa: S608 - a constant
        row = cursor.fetchone()
    return row[0] if row else None


def version() -> int | None:
    """The catalogue's version, or None when there is no version row (tables just emptied by a
    test's flush: nothing is kept until the next change writes the row again). In a request, the
    version it first read; elsewhere, the version now."""
    seen = _this_request.get()
    if seen == _OUTSIDE:
        return _read()
    if seen == _UNREAD:
        seen = _read()
        _this_request.set(seen)
    return seen  # type: ignore[return-value]


def request_began(sender=None, **kwargs) -> None:
    """Receives Django's request_started: this request reads the version at its first use."""
    _this_request.set(_UNREAD)


def request_ended(sender=None, **kwargs) -> None:
    """Receives Django's request_finished: what follows in this thread is outside a request."""
    _this_request.set(_OUTSIDE)


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
