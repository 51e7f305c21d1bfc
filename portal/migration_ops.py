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


def drop_field_index(model: str, field: str, *, keep_as: str | None = None) -> migrations.RunPython:
    """Stop indexing a field on its own where a composite index that starts with it serves the same
    lookups (an officer's rows: `(officer_id, shift_date)` finds them as well as `(officer_id)`),
    so that every insert into a big table updates one index fewer. `model` is "app_label.ModelName";
    the field's definition in the model must already say `db_index=False`.

    The database drops the index Django made for the field (and on PostgreSQL its second,
    `varchar_pattern_ops` one for a text field, used only by LIKE) with DROP INDEX CONCURRENTLY, so
    writes go on meanwhile: the migration must have `atomic = False`. `keep_as`: keep the plain
    index under this name, declared from now on in the model's Meta as `Index(fields=[field],
    name=keep_as)` (a text field whose LIKE index alone goes). The operation changes the database
    only: pair it with the field's AlterField (and the AddIndex of `keep_as`) as the state operations
    of a SeparateDatabaseAndState."""
    app_label, model_name = model.split(".")

    def names(apps, schema_editor) -> tuple[str, str, str]:
        meta = apps.get_model(app_label, model_name)._meta
        table, column = meta.db_table, meta.get_field(field).column
        return table, column, schema_editor._create_index_name(table, [column])

    def forward(apps, schema_editor):
        table, column, plain = names(apps, schema_editor)
        quote = schema_editor.quote_name
        postgres = schema_editor.connection.vendor == "postgresql"
        how = "DROP INDEX CONCURRENTLY IF EXISTS" if postgres else "DROP INDEX IF EXISTS"
        if postgres:
            schema_editor.execute(f"{how} {quote(schema_editor._create_index_name(table, [column], suffix='_like'))}")
        if keep_as is None:
            schema_editor.execute(f"{how} {quote(plain)}")
        elif postgres:  # a rename takes no lock that stops writes, and builds nothing
            schema_editor.execute(f"ALTER INDEX IF EXISTS {quote(plain)} RENAME TO {quote(keep_as)}")
        else:
            schema_editor.execute(f"{how} {quote(plain)}")
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(keep_as)} ON {quote(table)} ({quote(column)})")

    def backward(apps, schema_editor):
        table, column, plain = names(apps, schema_editor)
        quote = schema_editor.quote_name
        postgres = schema_editor.connection.vendor == "postgresql"
        how = "CREATE INDEX CONCURRENTLY IF NOT EXISTS" if postgres else "CREATE INDEX IF NOT EXISTS"
        if keep_as is not None:
            schema_editor.execute(f"DROP INDEX{' CONCURRENTLY' if postgres else ''} IF EXISTS {quote(keep_as)}")
        schema_editor.execute(f"{how} {quote(plain)} ON {quote(table)} ({quote(column)})")
        if postgres and keep_as is not None:
            like = schema_editor._create_index_name(table, [column], suffix="_like")
            schema_editor.execute(f"{how} {quote(like)} ON {quote(table)} ({quote(column)} varchar_pattern_ops)")

    return migrations.RunPython(forward, backward, elidable=False)
