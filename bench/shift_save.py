"""Shift save benchmark (issue 22, the write path): an officer's shift save, and the shift form page
it is made from, against a trivial page of the same site, under the same concurrent load, same run.

  python bench/shift_save.py                 # 8 clients, 2 rounds of 20 s per kind of request
  python bench/shift_save.py --seconds 5     # quicker

Builds (or rebuilds) a force of invented call handlers, one per client, each with twelve weeks of
shift history, in PostgreSQL (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/portal_bench_save). Serves the site with gunicorn (5 sync
workers, DEBUG off, as in production behind a TLS proxy) on 127.0.0.1, with Celery tasks queued in
Redis (a database of its own, BENCH_REDIS_URL, default redis://127.0.0.1:6379/13, emptied at the
end) as in production, where a worker and not the request recomputes the risk. Each client signs in
as its own officer and, in rounds that alternate so every kind sees the same machine state:
  - saves a new shift (POST /exposure/log/, a call-handling shift with three kinds of call, a day
    earlier each time so none overlaps another), counting only saves answered with the redirect to
    the saved shift;
  - opens the shift form (GET /exposure/log/);
  - opens the trivial /accessibility/ page.
Every saved shift is then counted in the database against the saves the clients were told of.

Goal (issue 22): shift save p95 within 2x the trivial page's p95.
It also prints the CPU each kind of request cost the machine (the web workers, PostgreSQL, Redis and
the clients, read from /proc), which is what the p95 ratio follows when the cores are busy.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    bounded_load,
    cpu_reading,
    cpu_used,
    ensure_database,
    fetch,
    first_answer,
    median,
    p95,
    serve,
    session_cookie,
    setup_django,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_bench_save"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
PREFIX = "benchsave."
HISTORY_DAYS = 84
SAVE, FORM, TRIVIAL = "shift save", "shift form", "/accessibility/"


def build(officers: int) -> dict:
    """Replace the benchmark officers with `officers` fresh call handlers, each with a shift on most
    of the last twelve weeks (two kinds of call each). Their new shifts are saved before that."""
    from django.db import connection, transaction
    from django.utils import timezone

    from exposure.models import Exposure, ExposureCategory, ShiftLog
    from portal.models import Organisation, Team, Unit, User

    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        User.objects.filter(username__startswith=PREFIX).delete()
        org, _ = Organisation.objects.get_or_create(slug="bench-save-force",
                                                    defaults={"name": "Bench Save Constabulary"})
        unit, _ = Unit.objects.get_or_create(organisation=org, name="Bench control room")
        team, _ = Team.objects.get_or_create(unit=unit, name="Bench call handlers")
        people = User.objects.bulk_create([
            User(username=f"{PREFIX}{i}", first_name="Bench", last_name=f"Handler {i:02d}", organisation=org,
                 team=team, high_risk_role="call_handling", is_officer=True,
                 password="!")  # noqa: S106 - Django's mark for "no usable password"
            for i in range(officers)])
        categories = list(ExposureCategory.objects.filter(role="call_handling", active=True).order_by("order")[:2])
        shifts = [ShiftLog(officer=p, shift_date=today - timedelta(days=age), start_time=clock(7), duration_minutes=480,
                           role="call_handling", created_at=now, updated_at=now)
                  for p in people for age in range(1, HISTORY_DAYS + 1) if age % 7 not in (0, 1)]
        ShiftLog.objects.bulk_create(shifts, batch_size=5000)
        Exposure.objects.bulk_create([
            Exposure(shift=s, officer_id=s.officer_id, shift_date=s.shift_date, role=s.role, category=c, count=2,
                     intensity=3, dose=1.5, created_at=now, updated_at=now)
            for s in shifts for c in categories], batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE exposure_shiftlog, exposure_exposure, portal_auditevent")
    return {"officers": len(people), "shifts": len(shifts)}


def shift_body(day, csrf: str) -> bytes:
    """A call-handling shift as the form posts it: 40 calls, 12 in a row without a break, three kinds
    of distressing call (invented), no critical incident, felt as a 2 out of 5."""
    return urlencode({
        "csrfmiddlewaretoken": csrf, "shift_date": day.isoformat(), "start_time": "07:00", "length_hours": "8",
        "role": "call_handling", "save": "1", "call_handling-calls_taken": "40",
        "call_handling-calls_without_break": "12", "call_handling-count_child_at_risk": "3",
        "call_handling-want_child_at_risk": "on", "call_handling-count_domestic_abuse": "2",
        "call_handling-known_domestic_abuse": "on", "call_handling-count_hostile_caller": "1",
        "call_handling-critical_type": "", "call_handling-intensity": "2"}).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seconds", type=float, default=20.0, help="per kind of request per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=4_000, help="per kind of request per round")
    args = parser.parse_args()

    ensure_database(args.db)
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)  # one key: this process signs, the server reads
    setup_django(args.db)
    import redis
    from django.core.management import call_command
    from django.utils import timezone

    from exposure.models import ShiftLog
    from portal.models import User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    print("built", build(args.threads), f"in {time.perf_counter() - started:.0f} s", flush=True)
    csrf = secrets.token_hex(16)  # 32 characters: Django's CSRF secret, posted as the form's token
    cookies = [session_cookie(u, csrf=csrf) for u in User.objects.filter(username__startswith=PREFIX).order_by("pk")]
    first_day = timezone.localdate() - timedelta(days=HISTORY_DAYS + 1)
    saved: list[int] = [0] * args.threads  # saves answered with the redirect to the saved shift, per client

    def save(client: int, _n: int) -> tuple[int, float, bytes]:
        day = first_day - timedelta(days=saved[client])
        status, elapsed, body = fetch(args.port, "/exposure/log/", cookies[client], body=shift_body(day, csrf))
        if status == 302 and body.startswith(b"/exposure/shifts/"):
            saved[client] += 1
            return status, elapsed, body
        return -status, elapsed, body  # an answer that is not the saved shift is an error

    calls = {SAVE: save, FORM: lambda client, _n: fetch(args.port, "/exposure/log/", cookies[client]),
             TRIVIAL: lambda client, _n: fetch(args.port, "/accessibility/", cookies[client])}
    before = ShiftLog.objects.filter(officer__username__startswith=PREFIX).count()
    server = serve(args.db, args.port, redis_url=args.redis)
    results: dict[str, list[float]] = {name: [] for name in calls}
    cpu: dict[str, dict[str, float]] = {name: {} for name in calls}  # CPU seconds of each kind's rounds, by group
    try:
        first_answer(args.port, "/accessibility/", cookies[0])
        for name, call in calls.items():  # warm every worker
            bounded_load(call, name=name, seconds=2, threads=args.threads, max_requests=100,
                         ok=(302,) if name == SAVE else (200,))
        for _round in range(args.rounds):
            for name, call in calls.items():
                before_cpu = cpu_reading(server.pid)
                results[name] += bounded_load(call, name=name, seconds=args.seconds, threads=args.threads,
                                              max_requests=args.max_requests, ok=(302,) if name == SAVE else (200,))
                for group, seconds in cpu_used(before_cpu, cpu_reading(server.pid)).items():
                    cpu[name][group] = cpu[name].get(group, 0.0) + seconds
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        redis.Redis.from_url(args.redis).flushdb()  # the recomputes queued for no worker

    stored = ShiftLog.objects.filter(officer__username__startswith=PREFIX).count() - before
    print(f"{'request':<18}{'count':>8}{'median ms':>12}{'p95 ms':>10}")
    for name, values in results.items():
        print(f"{name:<18}{len(values):>8}{median(values) * 1000:>12.1f}{p95(values) * 1000:>10.1f}")
    base = results[TRIVIAL]
    for name in (SAVE, FORM):
        print(f"{name} / trivial page: median {median(results[name]) / median(base):.2f}x, "
              f"p95 {p95(results[name]) / p95(base):.2f}x")
    # What each kind of request cost the machine, wherever it ran: under a load that keeps both cores
    # busy, the time a request waits follows this, and so does the p95 ratio.
    print(f"CPU ms a request  {'web':>8}{'database':>10}{'redis':>8}{'clients':>9}{'served':>8}")
    served = {}
    for name, groups in cpu.items():
        per = {group: seconds * 1000 / len(results[name]) for group, seconds in groups.items()}
        served[name] = per["web"] + per["database"] + per["redis"]
        print(f"{name:<18}{per['web']:>8.1f}{per['database']:>10.1f}{per['redis']:>8.1f}{per['clients']:>9.1f}"
              f"{served[name]:>8.1f}")
    print(f"shift save / trivial page, CPU to serve a request: {served[SAVE] / served[TRIVIAL]:.2f}x")
    print(f"saves answered as saved: {sum(saved)}, new shifts in the database: {stored}")
    print(f"({args.threads} client threads, gunicorn 5 sync workers, {timezone.now():%Y-%m-%d %H:%M} UTC, "
          f"load average {os.getloadavg()[0]:.1f})")
    if stored != sum(saved):
        raise SystemExit("the database does not hold every save the clients were told of")
    return 0 if p95(results[SAVE]) <= 2 * p95(base) else 1


if __name__ == "__main__":
    sys.exit(main())
