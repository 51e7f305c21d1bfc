"""portal 0018 (issue 19, HR import speed): the username "_like" index is dropped on PostgreSQL,
the migration changes no model state, and reversing it gives back Django's own index."""

import importlib

import pytest
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from portal.models import User

MIGRATION = importlib.import_module("portal.migrations.0020_import_speed")

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: no such index elsewhere")


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [User._meta.db_table])
        return dict(cursor.fetchall())


def test_the_migration_changes_no_model_state():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    before = loader.project_state(("portal", "0019_roles"))
    after = loader.project_state(("portal", "0020_import_speed"))
    assert before.models == after.models


def test_nothing_is_done_off_postgresql():
    class Editor:
        connection = type("Connection", (), {"vendor": "sqlite"})()

        def execute(self, sql):
            raise AssertionError(f"ran {sql}")

    MIGRATION.drop_like_index(None, Editor())
    MIGRATION.recreate_like_index(None, Editor())


@on_postgresql
@pytest.mark.django_db
def test_usernames_keep_their_unique_index_and_lose_the_like_index():
    names = _indexes()
    assert "portal_user_username_key" in names  # sign-in and SCIM look usernames up exactly
    assert not [name for name, definition in names.items() if "varchar_pattern_ops" in definition]


@on_postgresql
@pytest.mark.django_db
def test_reversing_gives_back_the_index_django_made():
    from django.apps import apps

    with transaction.atomic():
        with connection.schema_editor(atomic=False) as editor:
            MIGRATION.recreate_like_index(apps, editor)
        made = {name: d for name, d in _indexes().items() if "varchar_pattern_ops" in d}
        assert made == {"portal_user_username_4e02dff4_like": "CREATE INDEX portal_user_username_4e02dff4_like ON "
                        "public.portal_user USING btree (username varchar_pattern_ops)"}
        with connection.schema_editor(atomic=False) as editor:
            MIGRATION.drop_like_index(apps, editor)
        assert not [name for name, d in _indexes().items() if "varchar_pattern_ops" in d]
