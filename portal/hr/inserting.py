"""Inserting many new people at once. On PostgreSQL with COPY (the ORM's bulk_create spends most of
an import's time building model instances and SQL text: 50,000 people took about 9 s, against a
goal of 20 times COPY, bench/import_people.py); elsewhere, and for any column whose default is not
a plain value, with bulk_create. The ids come from the table's identity column (numbering all
50,000 in Python first, with one nextval each, took a tenth of the import)."""

from __future__ import annotations

import csv
import datetime
import io

from django.db import connection, models

from portal.models import User

_PLAIN = (str, bool, int, float, datetime.date, type(None))


def _defaults() -> dict:
    """Every concrete column of a new person but the id, with its default (callables called once:
    date_joined is the time of the import for everyone in it)."""
    return {field.attname: field.get_default() for field in User._meta.concrete_fields if not field.primary_key}


def _copyable(row: dict) -> bool:
    """COPY's CSV below writes None as a quoted empty field and turns it back into NULL with
    FORCE_NULL on the nullable columns: right only where an empty text cannot be a value."""
    for name, value in row.items():
        field = User._meta.get_field(name)
        if not isinstance(value, _PLAIN) or (field.null and isinstance(field, models.CharField | models.TextField)):
            return False
    return True


def _copy(columns: list[str], rows: list[tuple], defaults: dict) -> None:
    """COPY `rows` in; the table's identity column numbers them. The csv module writes the rows (in
    C): texts and dates quoted, numbers and booleans bare, None as a quoted empty field that
    FORCE_NULL reads as NULL."""
    fixed = [name for name in defaults if name not in columns]
    # The same for everyone: a date_joined (a datetime, which the csv module would turn into text
    # on every row) is made text once, as the module would write it.
    constant = tuple(str(value) if isinstance(value, datetime.date) else value
                     for value in (defaults[name] for name in fixed))
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerows(row + constant for row in rows)
    buffer.seek(0)
    quote = connection.ops.quote_name
    fields = [User._meta.get_field(name) for name in [*columns, *fixed]]
    names = ", ".join(quote(field.column) for field in fields)
    nullable = ", ".join(quote(field.column) for field in fields if field.null)
    force_null = f", FORCE_NULL ({nullable})" if nullable else ""
    with connection.cursor() as cursor:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        raw.copy_expert(f"COPY {quote(User._meta.db_table)} ({names}) FROM STDIN WITH (FORMAT csv{force_null})", buffer)


def insert_people(columns: list[str], rows: list[tuple]) -> None:
    """Insert people: `rows` hold the values of `columns` (attnames), in that order; every other
    column takes its default. Their ids are the database's: look up those needed afterwards (by
    organisation and staff number), rather than number everyone in Python first."""
    if not rows:
        return
    defaults = _defaults()
    if connection.vendor == "postgresql" and _copyable({**defaults, **dict(zip(columns, rows[0], strict=True))}):
        _copy(columns, rows, defaults)
        return
    User.objects.bulk_create([User(**{**defaults, **dict(zip(columns, row, strict=True))}) for row in rows])


def update_people(fields: list[str], rows: list[tuple], *, batch: int = 2000) -> None:
    """Set `fields` (attnames) of many people: `rows` are (id, value of each field). On PostgreSQL
    one UPDATE ... FROM (VALUES ...) a batch (bulk_update's CASE WHEN grows with the square of the
    batch there: 1,500 changed people took 20 s); elsewhere bulk_update."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        User.objects.bulk_update([User(pk=row[0], **dict(zip(fields, row[1:], strict=True))) for row in rows],
                                 fields, batch_size=batch)
        return
    from psycopg2.extras import execute_values

    quote = connection.ops.quote_name
    columns = [User._meta.get_field(name) for name in fields]
    template = "(" + ", ".join([f"%s::{User._meta.pk.db_type(connection)}"] + [
        f"%s::{column.db_type(connection)}" for column in columns]) + ")"
    names = ", ".join(quote(column.column) for column in columns)
    assignments = ", ".join(f"{quote(column.column)} = v.{quote(column.column)}" for column in columns)
    # Identifiers from the model, quoted; every value is a parameter.
    sql = (f"UPDATE {quote(User._meta.db_table)} AS t SET {assignments} FROM (VALUES %s) AS v(id, {names}) "  # noqa: S608 - identifiers from the model, quoted; values are parameters
           f"WHERE t.{quote(User._meta.pk.column)} = v.id")
    with connection.cursor() as cursor:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        execute_values(raw, sql, rows, template=template, page_size=batch)
