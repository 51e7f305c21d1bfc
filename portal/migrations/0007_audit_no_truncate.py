"""On PostgreSQL the audit table also refuses TRUNCATE, which skips row triggers (0002 covers UPDATE
and DELETE): a statement trigger raises before any row goes. The application's own role has no
TRUNCATE, UPDATE or DELETE right on the table in the first place (docs/database-roles.md); this
trigger also stops the owner's role, short of deliberately disabling it (which is itself DDL the
application role cannot run). SQLite is for development only and has no TRUNCATE."""

from django.db import migrations

CREATE = """
DROP TRIGGER IF EXISTS portal_audit_no_truncate ON portal_auditevent;
CREATE TRIGGER portal_audit_no_truncate BEFORE TRUNCATE ON portal_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION portal_audit_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS portal_audit_no_truncate ON portal_auditevent;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_notification_outbox")]
    operations = [migrations.RunPython(forwards, backwards)]
