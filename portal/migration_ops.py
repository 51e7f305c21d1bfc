"""Operations shared by migrations."""

from __future__ import annotations

from django.db import migrations


def brin_index(table: str, column: str, name: str) -> migrations.RunPython:
    """A BRIN index on PostgreSQL, nothing elsewhere (SQLite has no BRIN; development data is small).

    Exposures and check-ins arrive in date order, so a few kilobytes of block ranges let the nightly
    risk sweep read only the pages of its recent window instead of the whole table."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            quote = schema_editor.quote_name
            # autosummarize: each block range is summarised as soon as it fills, not at the next vacuum
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
                                  f"USING brin ({quote(column)}) WITH (autosummarize = on)")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    return migrations.RunPython(create, drop, elidable=False)
