"""Backup and restore drill (issue 22): a base backup plus a WAL archive, restored into a new cluster
to a point in time, then every table compared with the source by row count and checksum.

It builds everything it uses from scratch in a scratch folder, so it never touches the machine's own
PostgreSQL cluster or its settings:

1. a *source* cluster (initdb) with WAL archiving on, exactly as docs/operations.md asks of
   production (`archive_mode = on`, `archive_command` copying each finished segment to the archive,
   `archive_timeout` bounding how old the newest archived change can be);
2. the portal's schema (`manage.py migrate`) and the invented demo organisation (`seed_demo`);
3. a base backup (`pg_basebackup`), then more writes (the day goes on);
4. the recovery target: the checksums of every table are read, and a named restore point is made
   (`pg_create_restore_point`); then writes that the restore must *not* bring back;
5. a new cluster from the base backup that replays the archive up to the restore point and is
   promoted; its tables are compared with the checksums read at step 4.

It prints the recovery time (restore plus replay: the RTO measured at this scale) and the recovery
point bound (the archive timeout: the RPO), and exits 1 if any table differs.

Run: `make backup-drill` (or `.venv/bin/python deploy/backup_drill.py`). As root it runs PostgreSQL
as the `postgres` user; otherwise as the current user. Needs PostgreSQL's server binaries
(`/usr/lib/postgresql/<version>/bin`), as installed by Debian's postgresql package.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE_TIMEOUT_SECONDS = 60
RESTORE_POINT = "portal_drill"


def server_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        sys.exit("backup drill: PostgreSQL's server binaries are not installed (/usr/lib/postgresql/*/bin)")
    return Path(found[-1]).parent


def as_db_owner(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a PostgreSQL server command as `postgres` when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


class Cluster:
    def __init__(self, bindir: Path, datadir: Path, port: int):
        self.bindir, self.datadir, self.port = bindir, datadir, port

    def ctl(self, *args: str) -> None:
        as_db_owner([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-w", "-t", "120", *args])

    def start(self) -> None:
        self.ctl("-l", str(self.datadir.parent / f"{self.datadir.name}.log"), "-o",
                 f"-p {self.port} -k {self.datadir.parent} -c listen_addresses=127.0.0.1", "start")

    def stop(self) -> None:
        if (self.datadir / "postmaster.pid").exists():
            self.ctl("-m", "fast", "stop")

    def url(self, db: str = "portal_drill") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    @contextlib.contextmanager
    def cursor(self, db: str = "portal_drill"):
        """An autocommit cursor (psycopg2's `with connection` would open a transaction block)."""
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=db)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                yield cursor
        finally:
            connection.close()


def table_checksums(cluster: Cluster) -> dict[str, tuple[int, str]]:
    """Row count and an md5 over every row's text, ordered, for each table of the public schema."""
    with cluster.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [name for (name,) in cursor.fetchall()]
        result = {}
        for table in tables:
            cursor.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) '
                           f'FROM "{table}" AS t')
            count, digest = cursor.fetchone()
            result[table] = (count, digest)
    return result


def manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true", "CELERY_TASK_ALWAYS_EAGER": "true"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env,
                   capture_output=True, text=True, cwd=ROOT)


def build_source(source: Cluster, archive: Path) -> None:
    bindir = source.bindir
    as_db_owner([str(bindir / "initdb"), "-D", str(source.datadir), "-U", "postgres", "--auth=trust",
                 "--data-checksums", "-E", "UTF8", "--locale=C"])
    with open(source.datadir / "postgresql.auto.conf", "a") as conf:
        conf.write("wal_level = replica\narchive_mode = on\n"
                   f"archive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'\n"
                   f"archive_timeout = {ARCHIVE_TIMEOUT_SECONDS}\n")
    source.start()
    with source.cursor("postgres") as cursor:
        cursor.execute("CREATE DATABASE portal_drill")


def more_writes(source: Cluster, marker: str) -> None:
    """Writes after the backup: an audit event per call, as the portal makes all day."""
    with source.cursor() as cursor:
        cursor.execute("SELECT id FROM portal_user ORDER BY id LIMIT 1")
        (user_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO portal_auditevent (at, actor_id, action, object_type, object_id, detail, reason) "
            "SELECT now(), %s, %s, '', '', '{}'::jsonb, '' FROM generate_series(1, 200)", [user_id, marker])


def restore(bindir: Path, work: Path, archive: Path, backup: Path, port: int) -> Cluster:
    target = Cluster(bindir, work / "restored", port)
    shutil.copytree(backup, target.datadir, symlinks=True)
    with open(target.datadir / "postgresql.auto.conf", "a") as conf:
        conf.write(f"archive_mode = off\nrestore_command = 'cp {archive}/%f %p'\n"
                   f"recovery_target_name = '{RESTORE_POINT}'\nrecovery_target_action = 'promote'\n")
    (target.datadir / "recovery.signal").touch()
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", str(target.datadir)], check=True)
    target.start()
    deadline = time.monotonic() + 300
    while True:
        with target.cursor("postgres") as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            if not cursor.fetchone()[0]:
                return target
        if time.monotonic() > deadline:
            raise RuntimeError("the restored cluster was not promoted within 5 minutes")
        time.sleep(0.5)


def drill(work: Path, port: int) -> int:
    bindir = server_bin()
    archive = work / "wal-archive"
    archive.mkdir()
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", str(work)], check=True)
    source = Cluster(bindir, work / "source", port)
    restored = None
    try:
        build_source(source, archive)
        manage(source.url(), "migrate", "--no-input")
        manage(source.url(), "seed_demo")
        backup = work / "base-backup"
        as_db_owner([str(bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                     "-D", str(backup), "-X", "none", "--checkpoint=fast"])
        more_writes(source, "drill_before_target")
        expected = table_checksums(source)
        with source.cursor() as cursor:
            cursor.execute("SELECT pg_create_restore_point(%s)", [RESTORE_POINT])
        more_writes(source, "drill_after_target")  # must not come back
        with source.cursor() as cursor:
            cursor.execute("SELECT pg_switch_wal()")  # archive the segment holding the restore point
        _wait_for_archive(source)
        started = time.monotonic()
        restored = restore(bindir, work, archive, backup, port + 1)
        recovery_seconds = time.monotonic() - started
        actual = table_checksums(restored)
        with restored.cursor() as cursor:
            cursor.execute("SELECT action, count(*) FROM portal_auditevent "
                           "WHERE action LIKE 'drill_%%' GROUP BY action")
            markers = dict(cursor.fetchall())
        return report(expected, actual, recovery_seconds, markers)
    finally:
        for cluster in (restored, source):
            if cluster is not None:
                cluster.stop()


def _wait_for_archive(source: Cluster) -> None:
    deadline = time.monotonic() + 60
    with source.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT last_archived_wal IS NOT NULL AND last_archived_time > now() - interval '1 minute', "
                           "failed_count FROM pg_stat_archiver")
            archived, failed = cursor.fetchone()
            if archived:
                time.sleep(1)  # the switch's segment follows the one just reported
                return
            time.sleep(0.5)
    raise RuntimeError("the source cluster archived no WAL within a minute")


def report(expected: dict, actual: dict, recovery_seconds: float, markers: dict[str, int]) -> int:
    """Print the figures; 0 if every table matches and the restore stopped at the target (the writes
    before it are there, those after it are not), otherwise 1."""
    differing = sorted(name for name in expected.keys() | actual.keys() if expected.get(name) != actual.get(name))
    rows = sum(count for count, _digest in expected.values())
    print(f"backup drill: {len(expected)} tables, {rows} rows at the restore point")
    print(f"backup drill: restore and replay to the restore point took {recovery_seconds:.1f} s (RTO at this scale)")
    print(f"backup drill: archive_timeout {ARCHIVE_TIMEOUT_SECONDS} s bounds the changes a lost primary can take "
          f"with it (RPO)")
    stopped_at_target = markers == {"drill_before_target": 200}
    if not stopped_at_target:
        print(f"backup drill: the restore did not stop at the restore point: marker rows {markers}")
    for name in differing:
        print(f"backup drill: DIFFERS {name}: source {expected.get(name)} restored {actual.get(name)}")
    if differing or not stopped_at_target:
        return 1
    print("backup drill: every table's row count and checksum match the source at the restore point")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=55431, help="source cluster port (restored: port + 1)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder for inspection")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="portal-backup-drill-"))
    os.chmod(work, 0o755)
    try:
        return drill(work, args.port)
    except subprocess.CalledProcessError as exc:
        print(f"backup drill: {' '.join(exc.cmd)} failed:\n{exc.stdout}\n{exc.stderr}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"backup drill: scratch folder kept at {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
