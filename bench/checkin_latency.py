"""Freshness (goal P7): from a saved check-in to the officer's recomputed assessment, through
Redis and a real Celery worker process, at a steady arrival rate. Prints the latency
distribution and its ratio to the same recompute run in-process (the work itself).

  python bench/checkin_latency.py --rate 5 --seconds 30

Needs PostgreSQL (BENCH_DATABASE_URL; run bench/risk_sweep.py first to build the data) and
Redis (REDIS_URL, default redis://127.0.0.1:6379/14). Traffic stays on this machine and the run
is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DB, ROOT, median, p95, setup_django, timed  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=5.0, help="check-ins per second (expected peak: about 5)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"))
    args = parser.parse_args()

    os.environ["REDIS_URL"] = args.redis  # not eager: the broker and a worker process do the work
    setup_django(args.db, broker=True)
    from django.db import close_old_connections

    from config.celery import app
    from portal.models import RecomputePending, User
    from wellbeing.checkins.services import checkin_record
    from wellbeing.risk.service import risk_recompute

    env = {**os.environ, "DATABASE_URL": args.db, "REDIS_URL": args.redis, "DEBUG": "true"}
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "WARNING",
                               "--concurrency", "2", "--without-gossip", "--without-mingle"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1.0):
            if time.monotonic() > deadline:
                raise SystemExit("the worker did not start")
        officers = list(User.objects.filter(is_officer=True).values_list("pk", flat=True))
        if not officers:
            raise SystemExit("no officers: run bench/risk_sweep.py first")
        rng = random.Random(11)  # noqa: S311 - benchmark sampling
        in_process = [timed(lambda pk=pk: risk_recompute(officer_ids=[pk])) for pk in rng.sample(officers, 30)]

        sent: dict[int, float] = {}
        done: dict[int, float] = {}
        stop = threading.Event()

        def watch():
            while not stop.is_set() or len(done) < len(sent):
                waiting = [pk for pk in list(sent) if pk not in done]
                if waiting:
                    still = set(RecomputePending.objects.filter(pk__in=waiting).values_list("pk", flat=True))
                    now = time.monotonic()
                    for pk in waiting:
                        if pk not in still:
                            done[pk] = now
                if stop.is_set() and time.monotonic() - stop_time[0] > 60:
                    break
                time.sleep(0.02)
            close_old_connections()

        stop_time = [0.0]
        watcher = threading.Thread(target=watch)
        watcher.start()
        people = rng.sample(officers, min(len(officers), int(args.rate * args.seconds)))
        start = time.monotonic()
        for i, pk in enumerate(people):
            target = start + i / args.rate
            time.sleep(max(0.0, target - time.monotonic()))
            officer = User.objects.get(pk=pk)
            checkin_record(officer=officer, instrument="pulse", answers=[rng.randint(0, 4) for _ in range(5)],
                           submission=uuid.uuid4())
            sent[pk] = time.monotonic()  # the save has committed and the enqueue has returned
        stop_time[0] = time.monotonic()
        stop.set()
        watcher.join()
        latencies = [done[pk] - sent[pk] for pk in sent if pk in done]
        lost = len(sent) - len(latencies)
        print(f"{len(sent)} check-ins at {args.rate}/s through Redis and a worker (2 processes)")
        print(f"P7 commit -> recomputed: median {median(latencies):.3f} s, p95 {p95(latencies):.3f} s "
              f"(goal p95 < 5 s); not finished within 60 s: {lost}")
        print(f"in-process recompute median {median(in_process) * 1000:.1f} ms: p95 latency is "
              f"{p95(latencies) / median(in_process):.0f}x the work itself")
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
