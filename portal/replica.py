"""Reading reports from a PostgreSQL replica (docs/operations.md).

Only code that opts in reads from the replica: a reporting view wrapped in `@reporting_view`, or a
block inside `with reporting_reads():`. Everything else (an officer's own pages after a save above
all) reads from "default", the primary, so nobody ever misses a write they just made. Inside a
reporting block the router still picks the primary when:

- no replica is configured (DATABASE_REPLICA_URL unset: development, most tests);
- the replica does not answer (a connection error, logged without any personal data);
- the replica's replay lags more than REPLICA_MAX_LAG_SECONDS behind the primary;
- the primary is inside a transaction (what it holds uncommitted is not on the replica).

The lag check costs a query on the replica, so its verdict is kept for REPLICA_CHECK_SECONDS in
each process. Writes always go to the primary; migrations run on the primary only."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA_ALIAS = "replica"

# Lag as the replica sees it. A replica that has replayed everything it received is up to date
# however old its last replayed transaction is (an idle primary sends nothing to replay, and
# now() - pg_last_xact_replay_timestamp() would keep growing), so equal LSNs read as no lag.
# A server that is not in recovery (the replica alias pointed at a primary) has no lag either.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0.0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0.0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float
END
"""

_reporting: ContextVar[bool] = ContextVar("portal_reporting_reads", default=False)
_verdict: dict[str, tuple[float, str]] = {}  # alias -> (monotonic time checked, alias to read from)


def alias_for(*, lag: float | None, limit: float, error: bool) -> str:
    """Where reporting reads go, from the latest lag check: the replica when it answered and lags
    no more than `limit` seconds, otherwise the primary. An unknown lag (a replica that has
    never replayed a transaction) counts as too much."""
    if error or lag is None or lag > limit:
        return DEFAULT_DB_ALIAS
    return REPLICA_ALIAS


def replica_configured() -> bool:
    return settings.REPLICA_READS and REPLICA_ALIAS in settings.DATABASES


def _measure_lag() -> float | None:
    connection = connections[REPLICA_ALIAS]
    if connection.vendor != "postgresql":
        return 0.0  # a test mirror of the SQLite test database is the same database
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        row = cursor.fetchone()
    return None if row is None or row[0] is None else float(row[0])


def _check() -> str:
    """Measure the replica's lag now and decide; a connection error means the primary."""
    limit = settings.REPLICA_MAX_LAG_SECONDS
    try:
        lag = _measure_lag()
    except DatabaseError as exc:
        # The exception's class only: its message can carry the host and user of the connection.
        logger.warning("replica unreachable (%s): reporting reads use the primary", type(exc).__name__)
        connections[REPLICA_ALIAS].close()
        return alias_for(lag=None, limit=limit, error=True)
    chosen = alias_for(lag=lag, limit=limit, error=False)
    if chosen == DEFAULT_DB_ALIAS:
        logger.warning("replica lag %s s over the limit of %s s: reporting reads use the primary",
                       "unknown" if lag is None else round(lag, 1), limit)
    return chosen


def reporting_alias() -> str:
    """The alias reporting reads use now (the cached verdict, refreshed every REPLICA_CHECK_SECONDS)."""
    if not replica_configured():
        return DEFAULT_DB_ALIAS
    now = time.monotonic()
    cached = _verdict.get(REPLICA_ALIAS)
    if cached is not None and now - cached[0] < settings.REPLICA_CHECK_SECONDS:
        return cached[1]
    chosen = _check()
    _verdict[REPLICA_ALIAS] = (now, chosen)
    return chosen


def forget_verdict() -> None:
    """Drop the cached lag verdict (tests, or after changing the replica's settings)."""
    _verdict.clear()


@contextmanager
def reporting_reads() -> Iterator[None]:
    """Reads inside this block may come from the replica (the router decides, query by query)."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def _in_reporting(chunks):
    """A streamed body's chunks produced inside `reporting_reads()`: a CSV export reads its rows
    while the response is sent, after the view has returned."""
    iterator = iter(chunks)
    while True:
        with reporting_reads():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def reporting_view(view):
    """Decorator for a view that only reports (OH cohort reports, trainer reports, their exports):
    its reads, the streamed body's included, may come from the replica."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with reporting_reads():
            response = view(request, *args, **kwargs)
        if getattr(response, "streaming", False) and not hasattr(response, "file_to_stream"):
            response.streaming_content = _in_reporting(response.streaming_content)
        return response

    return wrapped


class ReplicaRouter:
    """Reporting reads to the replica when it is fit; everything else to the primary."""

    def db_for_read(self, model, **hints) -> str:
        # Never None: Django would then follow an instance hint, and an object read from the
        # replica would pull its relations from there outside any reporting block.
        if not _reporting.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return reporting_alias()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, two ways in

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
