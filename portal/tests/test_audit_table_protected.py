"""Issue 15, item 7: the audit table refuses TRUNCATE, and the application's database role, which
does not own it, can only read it and append to it (docs/database-roles.md). PostgreSQL only: CI's
PostgreSQL pass runs these; SQLite has neither TRUNCATE, triggers on it, nor roles."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.db import DatabaseError, connection, transaction
from psycopg2 import errors, sql

from portal import audit
from portal.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only (TRUNCATE triggers and database roles); set DATABASE_URL to a PostgreSQL database")


def test_audit_table_protected_truncate_is_refused(officer):
    audit.record("login", actor=officer)
    with connection.cursor() as cursor:
        # The test run's flush switches the trigger off only inside its own transaction (conftest.py).
        cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'portal_audit_no_truncate'")
        assert cursor.fetchone() == ("O",)  # enabled
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE portal_auditevent")  # as the superuser the tests run as
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE portal_taskfailure, portal_auditevent")  # nor as part of a wider one
    assert AuditEvent.objects.filter(action="login").exists()


def _dsn(**overrides):
    s = connection.settings_dict
    params = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "user": s["USER"],
              "password": s["PASSWORD"] or None, "dbname": "postgres", **overrides}
    return {k: v for k, v in params.items() if v is not None}


def _url(user, dbname):
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] and user == s["USER"] else ""
    return f"postgres://{user}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{dbname}"


def _manage(*args, database_url):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update(DATABASE_URL=database_url, DEBUG="true", DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,  # noqa: S603 - own manage.py
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


# What the application does with its own role: ordinary rows written, changed and deleted (an
# organisation, a person, a check-in whose risk recompute runs at once in eager mode), audit events
# appended by services and by the save signals, and the audit trail read back.
APP_WORKS = """
from django.db import transaction
from portal import audit
from portal.models import AuditEvent, Organisation, Team, Unit, User
from wellbeing.tests.helpers import make_checkin
with transaction.atomic():
    org = Organisation.objects.create(name="Role test force", slug="role-test-force")
    team = Team.objects.create(unit=Unit.objects.create(organisation=org, name="U"), name="T")
    officer = User.objects.create_user("role.officer", organisation=org, team=team, is_officer=True,
                                       high_risk_role="call_handling")
    audit.record("login", actor=officer, subject=officer)
make_checkin(officer, "phq9", [1] * 9)
User.objects.filter(pk=officer.pk).update(first_name="Changed")
User.objects.create_user("role.leaver", organisation=org).delete()
print("audit events:", AuditEvent.objects.filter(subject=officer).count())
"""


def test_audit_table_protected_the_app_role_cannot_change_the_audit_table(db):
    suffix = secrets.token_hex(4)
    owner, app, dbname = f"portal_owner_{suffix}", f"portal_app_{suffix}", f"portal_roles_{suffix}"
    admin = psycopg2.connect(**_dsn())
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(owner)))
            cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(app)))
            cur.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(dbname), sql.Identifier(owner)))
        _manage("migrate", "--noinput", database_url=_url(owner, dbname))
        grants = ["-X", "-q", "-v", f"app_role={app}", "-f", str(ROOT / "deploy/postgres-app-role.sql"),
                  _url(owner, dbname)]
        psql = subprocess.run(["psql", *grants],  # noqa: S603, S607 - PostgreSQL's client from PATH, no shell
                              capture_output=True, text=True, timeout=60)
        assert psql.returncode == 0, psql.stderr

        # The application works as its own role, audit events included.
        out = _manage("shell", "-c", APP_WORKS, database_url=_url(app, dbname))
        assert "audit events:" in out and int(out.rsplit(":", 1)[1]) >= 2, out

        as_app = psycopg2.connect(**_dsn(user=app, password=None, dbname=dbname))
        as_app.autocommit = True
        refused = {
            "UPDATE portal_auditevent SET action = 'tampered'": errors.InsufficientPrivilege,
            "DELETE FROM portal_auditevent": errors.InsufficientPrivilege,
            "TRUNCATE portal_auditevent": errors.InsufficientPrivilege,
            "ALTER TABLE portal_auditevent DISABLE TRIGGER portal_audit_no_truncate": errors.InsufficientPrivilege,
            "ALTER TABLE portal_auditevent ADD COLUMN note text": errors.InsufficientPrivilege,
            "DROP TRIGGER portal_audit_append_only ON portal_auditevent": errors.InsufficientPrivilege,
            "DROP TABLE portal_auditevent": errors.InsufficientPrivilege,
            "CREATE TABLE portal_sneaky (id int)": errors.InsufficientPrivilege,
        }
        with as_app.cursor() as cur:
            for statement, error in refused.items():
                with pytest.raises(error):
                    cur.execute(statement)
            cur.execute("SELECT count(*) FROM portal_auditevent")
            kept = cur.fetchone()[0]
            cur.execute("INSERT INTO portal_auditevent (at, action, object_type, object_id, reason, detail) "
                        "VALUES (now(), 'role_test', '', '', '', '{}')")
            cur.execute("SELECT count(*) FROM portal_auditevent")
            assert cur.fetchone()[0] == kept + 1
        as_app.close()

        # The owner owns the table but the triggers still refuse it a TRUNCATE, UPDATE or DELETE.
        as_owner = psycopg2.connect(**_dsn(user=owner, password=None, dbname=dbname))
        as_owner.autocommit = True
        with as_owner.cursor() as cur:
            for statement in ("TRUNCATE portal_auditevent", "DELETE FROM portal_auditevent",
                              "UPDATE portal_auditevent SET action = 'x'"):
                with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
                    cur.execute(statement)
        as_owner.close()
    finally:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
            cur.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(app)))
            cur.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(owner)))
        admin.close()
