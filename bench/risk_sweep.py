"""Risk engine benchmark (goals P1, P2, P3). Prints ratios against baselines measured in this run.

  python bench/risk_sweep.py --scale small    # CI: seconds
  python bench/risk_sweep.py --scale full     # 20,000 officers, 5 million exposure and check-in rows

P1  full-force sweep time / bare SQL `GROUP BY officer` over the same rows        goal <= 3
P2  sweep peak memory at the large size / at the small size (each in a fresh process)   goal <= 1.10
P3  single-officer recompute median (ms), and / a primary-key lookup                 goal <= 20 ms
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/portal_bench).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DB, ROOT, ensure_database, median, p95, peak_rss_mb, setup_django, timed  # noqa: E402

# total rows (exposures + check-ins, 4:1) per scale; P2 compares the two sizes
SCALES = {
    "small": {"officers": 2_000, "sizes": [40_000, 200_000], "reps": 3, "singles": 100},
    "medium": {"officers": 20_000, "sizes": [200_000, 1_000_000], "reps": 3, "singles": 300},
    "full": {"officers": 20_000, "sizes": [1_000_000, 5_000_000], "reps": 3, "singles": 1_000},
}
BASELINE_SQL = ("SELECT officer_id, count(*), sum(dose), max(shift_date) "
                "FROM exposure_exposure GROUP BY officer_id")


def exposures_for(total_rows: int) -> int:
    return total_rows * 4 // 5


def child_memory(url: str, officers: int, rows: int) -> dict:
    """Build the data set, then run one sweep in a fresh process and report its peak RSS."""
    out = subprocess.run([sys.executable, __file__, "--child-sweep", str(officers), str(rows), "--db", url],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_child(officers: int, rows: int, url: str) -> None:
    setup_django(url)
    import synth
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    synth.build(officers=officers, rows=exposures_for(rows))
    idle = peak_rss_mb()
    from wellbeing.risk_service import risk_sweep

    seconds = timed(risk_sweep)
    print(json.dumps({"rows": rows, "idle_mb": idle, "peak_mb": peak_rss_mb(), "seconds": seconds}))


def truncate_results() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE wellbeing_flag, wellbeing_riskassessment, portal_notification RESTART IDENTITY CASCADE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--child-sweep", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_sweep:
        run_child(*args.child_sweep, args.db)
        return 0

    scale = SCALES[args.scale]
    ensure_database(args.db)
    small, large = scale["sizes"]
    print(f"scale {args.scale}: {scale['officers']} officers; memory at {small:,} and {large:,} rows")
    mem_small = child_memory(args.db, scale["officers"], small)
    mem_large = child_memory(args.db, scale["officers"], large)  # leaves the large data set in place

    setup_django(args.db)
    from django.db import connection

    from portal.models import User
    from wellbeing.risk_service import risk_recompute, risk_sweep

    def baseline():
        with connection.cursor() as cur:
            cur.execute(BASELINE_SQL)
            cur.fetchall()

    def sweep():
        truncate_results()
        risk_sweep()

    base_times, sweep_times = [], []
    for _ in range(scale["reps"]):  # interleaved A/B
        base_times.append(timed(baseline))
        sweep_times.append(timed(sweep))
    p1 = median(sweep_times) / median(base_times)

    ids = list(User.objects.filter(is_officer=True).values_list("pk", flat=True))
    picks = random.Random(7).sample(ids, min(scale["singles"], len(ids)))  # noqa: S311 - benchmark sampling
    single, lookup = [], []
    for pk in picks:
        lookup.append(timed(lambda pk=pk: User.objects.get(pk=pk)))
        single.append(timed(lambda pk=pk: risk_recompute(officer_ids=[pk])))
    p2 = (mem_large["peak_mb"] - mem_large["idle_mb"]) / max(mem_small["peak_mb"] - mem_small["idle_mb"], 1.0)
    rss_ratio = mem_large["peak_mb"] / mem_small["peak_mb"]

    print(f"P1 sweep {median(sweep_times):.2f} s vs GROUP BY {median(base_times):.2f} s over {large:,} rows: "
          f"ratio {p1:.2f} (goal <= 3)")
    print(f"P2 sweep peak RSS {mem_small['peak_mb']:.0f} MB at {small:,} rows, {mem_large['peak_mb']:.0f} MB at "
          f"{large:,}: ratio {rss_ratio:.2f} (goal <= 1.10); growth above idle ratio {p2:.2f}")
    print(f"P3 single-officer recompute median {median(single) * 1000:.1f} ms, p95 {p95(single) * 1000:.1f} ms; "
          f"PK lookup median {median(lookup) * 1000:.2f} ms: ratio {median(single) / median(lookup):.1f} "
          f"(goal: median <= 20 ms)")
    ok = p1 <= 3 and rss_ratio <= 1.10 and median(single) <= 0.020
    print("all goals met" if ok else "SOME GOALS MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
