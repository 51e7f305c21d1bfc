"""Issue 22's settings: PgBouncer in transaction mode turns off server-side cursors on every
database, a replica URL adds the "replica" alias that reporting reads may use, and a pooler name
the portal does not know stops start-up."""

from tests.test_settings import run_manage

SHOW = ("from django.conf import settings as s; "
        "print(sorted(s.DATABASES), [d.get('DISABLE_SERVER_SIDE_CURSORS', False) for d in s.DATABASES.values()], "
        "s.REPLICA_READS)")


def test_pgbouncer_turns_off_server_side_cursors_on_the_primary_and_the_replica():
    result = run_manage("shell", "-c", SHOW, DEBUG="true", DATABASE_POOLER="pgbouncer",
                        DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/portal")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['default', 'replica'] [True, True] True"


def test_without_a_pooler_or_a_replica_there_is_one_database_with_its_cursors():
    result = run_manage("shell", "-c", SHOW, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['default'] [False] False"


def test_an_unknown_pooler_stops_start_up():
    result = run_manage("check", DEBUG="true", DATABASE_POOLER="pgpool")
    assert result.returncode != 0 and "DATABASE_POOLER" in result.stderr
