"""Reading a large query in chunks with memory that stays flat, with or without PgBouncer.

Django's `QuerySet.iterator(chunk_size=...)` reads from a server-side cursor, except where
DISABLE_SERVER_SIDE_CURSORS is set (`DATABASE_POOLER=pgbouncer`, docs/operations.md): then
psycopg2's ordinary cursor takes the whole result into the client at once, and "chunks" are only
handed out from memory (the million-row OH export grew by about 740 MB so, issue 22). Outside a
transaction Django declares its cursor WITH HOLD, which PgBouncer in transaction mode cannot keep;
inside one the cursor belongs to the transaction, and the transaction keeps its server connection
until it ends. So behind a pooler the rows are read in a transaction, from a cursor without hold."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connections, transaction
from django.db.models import QuerySet


def rows(qs: QuerySet, chunk_size: int) -> Iterator:
    """The results of `qs`, `chunk_size` rows fetched at a time, memory-bounded on PostgreSQL
    whether or not server-side cursors are disabled. Behind a pooler a transaction stays open on
    the query's database while the rows are read (a streamed download: until it is sent)."""
    alias = qs.db
    connection = connections[alias]
    if connection.vendor != "postgresql" or not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        yield from qs.iterator(chunk_size=chunk_size)
        return
    with transaction.atomic(using=alias):
        # the same database throughout (a reporting read could otherwise be routed elsewhere);
        # QuerySet._iterator is what iterator() calls once it has decided on chunked fetching
        yield from qs.using(alias)._iterator(use_chunked_fetch=True, chunk_size=chunk_size)
