"""Risk engine benchmark (goals P1, P2, P3). Prints ratios against baselines measured in this run.

  python bench/risk_sweep.py --scale small    # CI: about a minute
  python bench/risk_sweep.py --scale medium   # 20,000 officers, 1 million rows: a few minutes
  python bench/risk_sweep.py --scale full     # 20,000 officers, 5 million exposure and check-in rows
  python bench/risk_sweep.py --scale national # 230,000 officers; 2.3 and 11.5 million rows (10 and 50
                                              # an officer, the large one as at medium). Long: it writes
                                              # 13.8 million rows and sweeps 230,000 officers 5 times
                                              # (about 15 minutes on the 2-core machine)

P1  nightly sweep time / bare SQL `GROUP BY officer` over the same rows              goal <= 3
    (the same rows: the exposures and the check-ins the sweep reads, each grouped by officer; the
    ratio against the exposures alone is printed too. The nightly sweep is the day after a first
    sweep, so flags already raised stay raised; the first sweep, which raises every flag and
    notifies people, is printed for information)
P2  peak memory of a sweep at the large size / at the small size, each in a fresh process with
    production settings (DEBUG off, as a worker runs it)                              goal <= 1.10
P3  single-officer recompute median (ms), and its ratio to a primary-key lookup        goal <= 20 ms

With --parts, where a night's time goes: as many nights again after P3, each part of the sweep timed
(gathering the inputs, evaluating the rules, the digests that tell what changed, refreshing unchanged
findings, raising flags, the other writes of each chunk, and the rest: role medians, reading the
current assessments, locks, the lease and commits). Timed in nights of their own, so the timers (about
a microsecond a call, three calls an officer) never touch P1's nights.
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/portal_bench).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DB, ROOT, ensure_database, median, p95, peak_rss_mb, setup_django, timed  # noqa: E402

# total rows (exposures + check-ins, 4:1) per scale; P2 compares the two sizes
SCALES = {
    "small": {"officers": 2_000, "sizes": [40_000, 200_000], "reps": 3, "singles": 100},
    "medium": {"officers": 20_000, "sizes": [200_000, 1_000_000], "reps": 3, "singles": 300},
    "full": {"officers": 20_000, "sizes": [1_000_000, 5_000_000], "reps": 3, "singles": 1_000},
    "national": {"officers": 230_000, "sizes": [2_300_000, 11_500_000], "reps": 3, "singles": 1_000},
}
BASELINE_EXPOSURES = ("SELECT officer_id, count(*), sum(dose), max(shift_date) "
                      "FROM exposure_exposure GROUP BY officer_id")
BASELINE_CHECKINS = ("SELECT officer_id, count(*), sum(total), max(completed_at) "
                     "FROM wellbeing_checkin GROUP BY officer_id")


def child(*args: str, url: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args, "--db", url],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(out.stdout + out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def child_build(officers: int, rows: int, url: str) -> None:
    setup_django(url)
    import synth
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(synth.build(officers=officers, rows=rows * 4 // 5)))


def child_sweep(url: str) -> None:
    """One first sweep (untimed) then the next night's sweep, measuring this process's peak RSS, with
    production settings as a worker runs it (DEBUG off: no SQL kept in memory)."""
    setup_django(url, production=True)
    from datetime import timedelta

    from django.utils import timezone

    from wellbeing.risk.service import risk_sweep

    truncate_results()
    idle = peak_rss_mb()
    now = timezone.now()
    first = timed(risk_sweep, now=now)
    nightly = timed(risk_sweep, now=now + timedelta(days=1))
    print(json.dumps({"idle_mb": idle, "peak_mb": peak_rss_mb(), "first": first, "nightly": nightly}))


# The parts --parts times: (module, attribute, part). `_save` holds the evaluation, the digests, the
# refresh and the flags; what is left of it is "other writes".
PARTS = [("wellbeing.risk.inputs", "gather", "gather"), ("wellbeing.risk.engine", "evaluate", "evaluate"),
         ("wellbeing.risk.engine:Assessment", "digest", "digests"),
         ("wellbeing.risk.engine:Assessment", "finding", "digests"),
         ("wellbeing.risk.service", "_refresh", "refresh"), ("wellbeing.risk.service", "flags_raise_many", "flags"),
         ("wellbeing.risk.service", "flags_raise_severity", "flags"), ("wellbeing.risk.service", "_save", "save")]


@contextmanager
def parts_timed(spent: dict[str, float]):
    """Add each part's seconds to `spent` while the block runs (the functions wrapped, then put back)."""
    import importlib

    wrapped = []
    for target, name, part in PARTS:
        module, _, cls = target.partition(":")
        owner = getattr(importlib.import_module(module), cls) if cls else importlib.import_module(module)
        original = getattr(owner, name)

        def timer(*args, _original=original, _part=part, **kwargs):
            began = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_part] = spent.get(_part, 0.0) + time.perf_counter() - began

        wrapped.append((owner, name, original))
        setattr(owner, name, timer)
    try:
        yield
    finally:
        for owner, name, original in wrapped:
            setattr(owner, name, original)


def night_parts(sweep, *, first_night, nights: int) -> str:
    """`nights` more nights from `first_night` on, with their parts timed: each part's mean seconds a
    night and its share of the night."""
    from datetime import timedelta

    spent: dict[str, float] = {}
    total = 0.0
    with parts_timed(spent):
        for night in range(nights):
            began = time.perf_counter()
            sweep(now=first_night + timedelta(days=night))
            total += time.perf_counter() - began
    writes = spent["save"] - sum(spent.get(part, 0.0) for part in ("evaluate", "digests", "refresh", "flags"))
    shown = {**{part: spent.get(part, 0.0) for part in ("gather", "evaluate", "digests", "refresh", "flags")},
             "other writes": writes, "rest": total - spent["gather"] - spent["save"]}
    return (f"a night's parts (mean of {nights} nights of their own, {total / nights:.2f} s each): "
            + ", ".join(f"{part} {seconds / nights:.3f} s ({seconds / total:.0%})" for part, seconds in shown.items()))


def truncate_results() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE wellbeing_flag, wellbeing_riskassessment, portal_notification RESTART IDENTITY CASCADE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--child-build", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--parts", action="store_true", help="also time the parts of a night (after P3)")
    parser.add_argument("--child-sweep", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        child_build(*args.child_build, args.db)
        return 0
    if args.child_sweep:
        child_sweep(args.db)
        return 0

    scale = SCALES[args.scale]
    ensure_database(args.db)
    small, large = scale["sizes"]
    print(f"scale {args.scale}: {scale['officers']:,} officers; memory at {small:,} and {large:,} rows")
    child("--child-build", str(scale["officers"]), str(small), url=args.db)
    mem_small = child("--child-sweep", url=args.db)
    built = child("--child-build", str(scale["officers"]), str(large), url=args.db)
    mem_large = child("--child-sweep", url=args.db)
    print(f"data: {built['officers']:,} officers, {built['exposures']:,} exposures, {built['checkins']:,} check-ins")

    setup_django(args.db, production=True)  # the sweeps run as a worker runs them
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from portal.models import User
    from wellbeing.risk.service import risk_recompute, risk_sweep

    def baseline(sql):
        with connection.cursor() as cur:
            cur.execute(sql)
            cur.fetchall()

    truncate_results()
    start = timezone.now()
    first = timed(risk_sweep, now=start)
    exposure_times, checkin_times, sweep_times = [], [], []
    for night in range(1, scale["reps"] + 1):  # interleaved A/B; each night is a new day
        exposure_times.append(timed(baseline, BASELINE_EXPOSURES))
        checkin_times.append(timed(baseline, BASELINE_CHECKINS))
        sweep_times.append(timed(risk_sweep, now=start + timedelta(days=night)))
    base_times = [e + c for e, c in zip(exposure_times, checkin_times, strict=True)]
    p1 = median(sweep_times) / median(base_times)

    ids = list(User.objects.filter(is_officer=True).values_list("pk", flat=True))
    picks = random.Random(7).sample(ids, min(scale["singles"], len(ids)))  # noqa: S311 - benchmark sampling
    single, lookup = [], []
    later = start + timedelta(days=scale["reps"] + 1)
    for pk in picks:
        lookup.append(timed(lambda pk=pk: User.objects.get(pk=pk)))
        single.append(timed(lambda pk=pk: risk_recompute(officer_ids=[pk], now=later)))
    rss_ratio = mem_large["peak_mb"] / mem_small["peak_mb"]
    parts = night_parts(risk_sweep, first_night=later + timedelta(days=1), nights=scale["reps"]) if args.parts else ""

    print(f"first sweep (raises every flag, notifies people): {first:.2f} s")
    print(f"P1 nightly sweep {median(sweep_times):.2f} s vs GROUP BY officer over the same {large:,} rows "
          f"{median(base_times):.3f} s (exposures {median(exposure_times):.3f} s + check-ins "
          f"{median(checkin_times):.3f} s): ratio {p1:.2f} (goal <= 3); against the exposures alone "
          f"{median(sweep_times) / median(exposure_times):.2f}")
    print(f"P2 sweep peak RSS {mem_small['peak_mb']:.0f} MB at {small:,} rows, {mem_large['peak_mb']:.0f} MB at "
          f"{large:,}: ratio {rss_ratio:.2f} (goal <= 1.10); idle {mem_large['idle_mb']:.0f} MB, peak/idle "
          f"{mem_large['peak_mb'] / mem_large['idle_mb']:.2f}")
    print(f"P3 single-officer recompute median {median(single) * 1000:.1f} ms, p95 {p95(single) * 1000:.1f} ms; "
          f"PK lookup median {median(lookup) * 1000:.2f} ms: ratio {median(single) / median(lookup):.1f} "
          f"(goal: median <= 20 ms)")
    if parts:
        print(parts)
    missed = [name for name, ok in (("P1", p1 <= 3), ("P2", rss_ratio <= 1.10), ("P3", median(single) <= 0.020))
              if not ok]
    print("all goals met" if not missed else "goals missed: " + ", ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
