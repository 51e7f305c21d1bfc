"""How long the HR import page's "Apply" request takes for the largest file the page accepts
(issue 19): the POST reads the stored file again, plans it, digests the plan and applies it, all in
one web request. Run against SQLite and PostgreSQL:

  python bench/hr_admin_apply.py --db sqlite:////tmp/hr_admin_apply.sqlite3
  python bench/hr_admin_apply.py --db postgres://postgres@127.0.0.1:5432/portal_bench_hradmin

The file is the bench's invented force (bench/import_people.py), as many rows as fit in
HR_IMPORT_MAX_BYTES (and HR_IMPORT_MAX_ROWS), imported into an empty organisation (the slowest
case: every row a new person). Not part of the test suite."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ensure_database, setup_django  # noqa: E402


def largest_file(slug: str, limit_rows: int, limit_bytes: int) -> tuple[bytes, int]:
    from import_people import csv_file, people_rows

    rows = people_rows(limit_rows, slug)
    data = csv_file(rows)
    while len(data) > limit_bytes:  # drop rows until the file fits the byte limit
        keep = int(len(rows) * limit_bytes / len(data) * 0.995)
        rows = rows[:keep]
        data = csv_file(rows)
    return data, len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--rows", type=int, default=0, help="fewer rows than the page's largest file")
    args = parser.parse_args()
    if args.db.startswith("postgres"):
        ensure_database(args.db)
    setup_django(args.db)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from portal.hr import apply_plan, build_plan, read_file
    from portal.hr.reading import max_bytes, max_rows
    from portal.hr_admin.preview import plan_digest
    from portal.models import Organisation

    settings.DEBUG = False
    connection.force_debug_cursor = False
    call_command("migrate", verbosity=0)
    slug = f"hr-admin-bench-{time.monotonic_ns()}"
    organisation = Organisation.objects.create(name=slug, slug=slug)
    data, rows = largest_file(slug, args.rows or max_rows(), max_bytes())
    print(f"{connection.vendor}: {rows:,} rows, {len(data) / 1e6:.1f} MB (limits {max_rows():,} rows, "
          f"{max_bytes() / 1e6:.0f} MB)")
    start = time.perf_counter()
    result = read_file(data, "people.csv")
    read = time.perf_counter()
    plan = build_plan(result.records, full=True, organisation=organisation, file_sha256=result.sha256)
    planned = time.perf_counter()
    plan_digest(plan)
    digested = time.perf_counter()
    with transaction.atomic():
        counts = apply_plan(plan, by=None)
    end = time.perf_counter()
    print(f"read {read - start:.1f} s, plan {planned - read:.1f} s, digest {digested - planned:.1f} s, "
          f"apply {end - digested:.1f} s: the Apply request {end - start:.1f} s "
          f"({counts['creates']:,} created, {len(plan.errors)} errors)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
