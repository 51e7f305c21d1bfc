"""HR import benchmark (issue 19, goals H1-H3): `portal.hr` reading, planning and applying an HR
file, against PostgreSQL's COPY of the same rows into a plain table, measured in the same run.

  python bench/import_people.py                 # 50,000 people
  python bench/import_people.py --rows 5000     # quicker
  python bench/import_people.py --profile       # and cProfile's top functions of each import

H1  import of N people into an empty force (read_file + build_plan + apply_plan, full) /
    COPY of the same people's rows into a plain table                                   goal <= 20
H2  re-import of the same people with 2% movers and 1% leavers / COPY of their rows      goal <= 20
H3  peak RSS of an import of N people - of 5,000 people, each in a fresh process        goal < 50 MB
The baseline is the rows the import wrote (every column of portal_user, read back after it) COPYed
into a table made LIKE portal_user (its columns and types; no indexes, constraints but NOT NULL,
defaults or foreign keys), each COPY in a transaction as the import is: the median of 5 in the same
process. The HR file's own 12 columns COPYed as text are printed alongside for comparison.
A missed goal is printed, not fatal. Needs PostgreSQL (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/portal_bench_import). Not part of the test suite.

Last measured 1 December 2026, three runs on a shared 2-CPU machine busy with a CI run (load average
6.5 to 7.8, so times swing from run to run; compare the ratios, each within one run):
H1 13.5-20.1x (import 1.9-5.3 s, baseline median 0.12-0.26 s; 26-39x against the file as text),
H2 5.4-10.4x (1.6-3.3 s), H3 46.1-47.3 MB. At 50,000 people about half of H1 is the database's own
work on the user table (COPY into it with its five indexes, about 3-4 times the plain table's time,
then the deferred foreign-key checks of 100,000 references at commit); the rest is Python: reading
0.45 s, planning 0.2 s, building the rows and their CSV 0.4 s of CPU.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ensure_database, setup_django  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_bench_import"
BASELINE_RUNS = 5
SLUG_PREFIX = "hr-bench"
UNITS, TEAMS_PER_UNIT = 50, 20
SMALL_ROWS = 5_000
HEADER = ["staff_number", "given_name", "family_name", "email", "organisation", "unit", "team", "roles",
          "supervises", "high_risk_role", "high_risk_role_since", "employment_ended_on"]


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM; see bench/export.py for why not getrusage)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def people_rows(count: int, slug: str, *, movers: float = 0.0, leavers: float = 0.0) -> list[list[str]]:
    """`count` invented people, 50 a team; every 50th supervises their team. With `movers` and
    `leavers`, that share of people (spread evenly) moves to the next team or has left."""
    rows = []
    teams = UNITS * TEAMS_PER_UNIT
    move_every = int(1 / movers) if movers else 0
    leave_every = int(1 / leavers) if leavers else 0
    for n in range(count):
        team = (n // 50) % teams
        supervisor = n % 50 == 0
        if move_every and n % move_every == 1:
            team = (team + 1) % teams
        unit_name, team_name = f"Unit {team // TEAMS_PER_UNIT:02d}", f"Team {team % TEAMS_PER_UNIT:02d}"
        ended = "2026-01-31" if leave_every and n % leave_every == 2 else ""
        rows.append([f"S{n:07d}", f"Given{n}", f"Family{n}", f"person{n}@bench.invalid", slug, unit_name, team_name,
                     "officer;supervisor" if supervisor else "officer",
                     f"{unit_name} / {team_name}" if supervisor else "",
                     "call_handling" if n % 7 == 0 else "", "2024-05-01" if n % 7 == 0 else "", ended])
    return rows


def csv_file(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def fresh_organisation(slug: str):
    from portal.models import Organisation

    return Organisation.objects.create(name=f"HR bench {slug}", slug=slug)


def clear_previous() -> None:
    """Remove the people, teams and units of earlier runs (raw SQL: nothing else refers to them)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id FROM portal_organisation WHERE slug LIKE %s", [f"{SLUG_PREFIX}%"])
        ids = [row[0] for row in cur.fetchall()]
        if not ids:
            return
        cur.execute("DELETE FROM portal_team_supervisors WHERE user_id IN "
                    "(SELECT id FROM portal_user WHERE organisation_id = ANY(%s))", [ids])
        cur.execute("DELETE FROM portal_user WHERE organisation_id = ANY(%s)", [ids])
        cur.execute("DELETE FROM portal_team WHERE unit_id IN (SELECT id FROM portal_unit WHERE organisation_id = "
                    "ANY(%s))", [ids])
        cur.execute("DELETE FROM portal_unit WHERE organisation_id = ANY(%s)", [ids])
        cur.execute("DELETE FROM portal_organisation WHERE id = ANY(%s)", [ids])
        # An empty force's tables have no dead rows: without this, every later run's inserts would
        # check the unique indexes against the deleted people of the runs before.
        for table in ("portal_user", "portal_team_supervisors", "portal_team", "portal_unit"):
            cur.execute(f"VACUUM ANALYZE {table}")


def import_file(data, name: str = "people.csv") -> tuple[float, dict]:
    from portal.hr import apply_plan, build_plan, read_file

    start = time.perf_counter()
    result = read_file(data, name)
    if result.errors:
        raise SystemExit(f"read errors: {[str(e) for e in result.errors[:5]]}")
    read = time.perf_counter()
    plan = build_plan(result.records, full=True, file_sha256=result.sha256)
    if plan.errors:
        raise SystemExit(f"plan errors: {[str(e) for e in plan.errors[:5]]}")
    planned = time.perf_counter()
    counts = apply_plan(plan, by=None)
    end = time.perf_counter()
    counts["phases"] = f"read {read - start:.2f} s, plan {planned - read:.2f} s, apply {end - planned:.2f} s"
    return end - start, counts


def written_rows(slug: str) -> bytes:
    """The rows of the people the import wrote for organisation `slug`, every column, as CSV."""
    from django.db import connection

    buffer = io.BytesIO()
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM portal_organisation WHERE slug = %s", [slug])
        org_id = cur.fetchone()[0]
        raw = cur.cursor if hasattr(cur, "cursor") else cur
        raw.copy_expert(f"COPY (SELECT * FROM portal_user WHERE organisation_id = {int(org_id)} ORDER BY id) "
                        "TO STDOUT WITH (FORMAT csv)", buffer)
    return buffer.getvalue()


def copy_baseline(data: bytes, *, like_people: bool = True, runs: int = BASELINE_RUNS) -> tuple[float, list[float]]:
    """The median time (and every time) of `runs` COPYs of `data` into a plain table, each in a
    transaction as the import is. `like_people`: the table has portal_user's columns and types
    (CREATE TABLE ... LIKE: no indexes, constraints but NOT NULL, or defaults) and `data` is the
    rows the import wrote; otherwise the HR file's columns as text."""
    from django.db import connection, transaction

    columns = "LIKE portal_user" if like_people else ", ".join(f"{name} text" for name in HEADER)
    header = "" if like_people else ", HEADER"
    times = []
    for _run in range(runs):
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_hr_copy")
            cur.execute(f"CREATE TABLE bench_hr_copy ({columns})")
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            raw = cur.cursor if hasattr(cur, "cursor") else cur
            raw.copy_expert(f"COPY bench_hr_copy FROM STDIN WITH (FORMAT csv{header})", io.BytesIO(data))
        times.append(time.perf_counter() - start)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_hr_copy")
    return statistics.median(times), times


def quiet_queries() -> None:
    """DEBUG keeps every query's SQL (megabytes for bulk inserts): off, so memory and time are the import's."""
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    connection.force_debug_cursor = False


def child_import(path: str, url: str) -> None:
    """In a fresh process: import the file at `path` into a new organisation; print the peak RSS."""
    setup_django(url)
    quiet_queries()
    slug = Path(path).stem
    fresh_organisation(slug)
    idle = peak_rss_mb()
    with open(path, "rb") as handle:
        seconds, counts = import_file(handle)
    print(json.dumps({"idle_mb": idle, "peak_mb": peak_rss_mb(), "seconds": seconds, "creates": counts["creates"]}))


def measure_memory(rows: int, url: str, folder: str) -> dict:
    slug = f"{SLUG_PREFIX}-mem-{rows}-{os.getpid()}-{time.monotonic_ns()}"
    path = Path(folder) / f"{slug}.csv"
    path.write_bytes(csv_file(people_rows(rows, slug)))
    out = subprocess.run([sys.executable, __file__, "--child-import", str(path), "--db", url],
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"the import of {rows:,} people failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _seconds(times) -> str:
    return ", ".join(f"{t:.3f}" for t in times)


def measure_import(label: str, data: bytes, slug: str, *, profile: bool = False) -> float:
    """Import `data`, then COPY the rows it wrote into a plain table (median of BASELINE_RUNS);
    print both and return the ratio. The HR file's own columns as text are printed for comparison."""
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    seconds, counts = import_file(data)
    if profiler is not None:
        profiler.disable()
    rows = written_rows(slug)
    copy, times = copy_baseline(rows)
    text_copy, text_times = copy_baseline(data, like_people=False)
    ratio = seconds / copy
    print(f"{label} {seconds:.2f} s ({counts['phases']}; {counts['creates']:,} created, {counts['moves']:,} moved, "
          f"{counts['leavers']:,} leaving)\n"
          f"    vs COPY of the same people's rows, every column of portal_user ({len(rows) / 1e6:.1f} MB), into a "
          f"plain table: median {copy:.3f} s of {_seconds(times)}: ratio {ratio:.1f} (goal <= 20)\n"
          f"    (the HR file's {len(HEADER)} columns as text instead: median {text_copy:.3f} s of "
          f"{_seconds(text_times)}: ratio {seconds / text_copy:.1f})")
    if profiler is not None:
        import pstats

        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions of each import")
    parser.add_argument("--child-import", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        child_import(args.child_import, args.db)
        return 0
    ensure_database(args.db)
    setup_django(args.db)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    quiet_queries()
    clear_previous()
    slug = f"{SLUG_PREFIX}-{os.getpid()}"
    fresh_organisation(slug)
    first = csv_file(people_rows(args.rows, slug))
    second = csv_file(people_rows(args.rows, slug, movers=0.02, leavers=0.01))
    print(f"HR file: {args.rows:,} people, {len(first) / 1e6:.1f} MB")
    h1 = measure_import("H1 import into an empty force", first, slug, profile=args.profile)
    h2 = measure_import("H2 re-import, 2% movers and 1% leavers", second, slug, profile=args.profile)
    with tempfile.TemporaryDirectory() as folder:
        small, large = measure_memory(min(SMALL_ROWS, args.rows), args.db, folder), measure_memory(args.rows,
                                                                                                  args.db, folder)
    growth = large["peak_mb"] - small["peak_mb"]
    print(f"H3 peak RSS {small['peak_mb']:.0f} MB at {min(SMALL_ROWS, args.rows):,} people, {large['peak_mb']:.0f} MB "
          f"at {args.rows:,}: growth {growth:.1f} MB (goal < 50)")
    clear_previous()
    missed = [name for name, ok in (("H1", h1 <= 20), ("H2", h2 <= 20), ("H3", growth < 50)) if not ok]
    print("all goals met" if not missed else "goals missed: " + ", ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
