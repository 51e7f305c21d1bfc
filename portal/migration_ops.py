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


CATALOGUE_VERSION_TABLE = "portal_catalogueversion"


def catalogue_trigger(table: str) -> migrations.RunPython:
    """Triggers on `table` that give the catalogue a new version (`portal/catalogue.py`) with every
    insert, update, delete or truncate, whatever makes it (the admin, a bulk update, a migration,
    SQL typed by an operator). The version is a random 63-bit number and not a counter: a counter
    would be given the same value again after a rolled-back change, and a process could take an
    old reading for current. The row is upserted, so it comes back after a test flushes the tables."""
    name = f"catalogue_changed_{table}"

    def create(apps, schema_editor):
        quote = schema_editor.quote_name
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                "CREATE OR REPLACE FUNCTION portal_catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608 - constants only
                f"BEGIN INSERT INTO {CATALOGUE_VERSION_TABLE} (id, version) "
                "VALUES (1, (random() * 9e18)::bigint) "
                "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version; RETURN NULL; END $$")
            schema_editor.execute(f"CREATE TRIGGER {quote(name)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                                  f"ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION portal_catalogue_changed()")
        elif schema_editor.connection.vendor == "sqlite":  # row triggers only; the tables are small
            for event in ("INSERT", "UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {quote(f'{name}_{event.lower()}')} AFTER {event} ON {quote(table)} "  # noqa: S608 - constants only
                    f"BEGIN INSERT OR REPLACE INTO {CATALOGUE_VERSION_TABLE} (id, version) VALUES (1, random()); END")

    def drop(apps, schema_editor):
        quote = schema_editor.quote_name
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(name)} ON {quote(table)}")
        elif schema_editor.connection.vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(f'{name}_{event}')}")

    return migrations.RunPython(create, drop, elidable=False)
