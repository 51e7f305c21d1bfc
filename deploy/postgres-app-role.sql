-- The application role's rights in the portal database (docs/database-roles.md).
-- Run as the owner (migrator) role after every `manage.py migrate`; it is idempotent:
--   psql -v app_role=portal_app -f deploy/postgres-app-role.sql "$MIGRATE_DATABASE_URL"
-- Ordinary rights (read and write rows) on every table, none on the schema's structure; on the audit
-- table only SELECT and INSERT: the application can add to the audit trail and read it, never
-- change, delete or empty it, nor drop or disable its triggers (only the owner may alter a table).
\set ON_ERROR_STOP on

REVOKE CREATE ON SCHEMA public FROM :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
-- Tables a later migration creates get the same ordinary rights (re-run this file all the same).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";

-- The audit trail: append and read only.
REVOKE ALL ON portal_auditevent FROM :"app_role";
GRANT SELECT, INSERT ON portal_auditevent TO :"app_role";
