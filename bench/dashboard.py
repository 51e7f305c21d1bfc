"""Team dashboard benchmark: latency of /team/ against a trivial page of the same site, same run.

  python bench/dashboard.py                 # team of 50, a year of history each, 2 x 20 s per page
  python bench/dashboard.py --seconds 5     # quicker

Builds (or rebuilds) a supervisor's team of 50 officers, each with a year of invented history
(shifts, exposures, check-ins, a daily risk assessment, flags and welfare actions), plus a second
team of 50 that the supervisor must not see, in PostgreSQL (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/portal_bench_team). Serves the site with gunicorn (5 sync
workers, DEBUG off, as in production behind a TLS proxy) on 127.0.0.1, signs the supervisor in with
a session that has passed two-factor sign-in (as portal/twofactor.py expects), then loads
/team/ and the trivial /accessibility/ page with a bounded number of client threads (http.client,
loopback only), alternating the two pages in rounds so both see the same machine state.

Goal: dashboard median within 5x, and p95 within 10x, of the trivial page's.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    bounded_load,
    ensure_database,
    fetch,
    first_answer,
    median,
    p95,
    serve,
    session_cookie,
    setup_django,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_bench_team"
TEAM_SIZE = 50
DAYS = 365
ROLES = ["call_handling", "cse_review", "firearms", "counter_terrorism"]
SUPERVISOR = "bench.supervisor"


def build(*, seed: int = 20261126) -> dict:
    """Replace the benchmark force with a fresh one. Deterministic for a given seed and day."""
    from django.db import connection, transaction
    from django.utils import timezone

    from exposure.models import Exposure, ExposureCategory, ShiftLog
    from portal.models import Organisation, Team, Unit, User
    from wellbeing.models import CheckIn, Flag, RiskAssessment, RoleBaseline, WelfareAction
    from wellbeing.risk.reasons import REASONS

    rng = random.Random(seed)  # noqa: S311 - invented benchmark data
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("TRUNCATE wellbeing_welfareaction, wellbeing_checkin, exposure_exposure, exposure_shiftlog, "
                        "wellbeing_flag, wellbeing_riskassessment, portal_notification, django_session "
                        "RESTART IDENTITY CASCADE")
        User.objects.filter(username__startswith="bench.").delete()
        org, _ = Organisation.objects.get_or_create(slug="bench-force", defaults={"name": "Bench Constabulary"})
        unit, _ = Unit.objects.get_or_create(organisation=org, name="Bench unit")
        team, _ = Team.objects.get_or_create(unit=unit, name="Bench team")
        other, _ = Team.objects.get_or_create(unit=unit, name="Bench other team")
        supervisor = User.objects.create(username=SUPERVISOR, first_name="Bench", last_name="Supervisor",
                                         organisation=org, is_supervisor=True)
        supervisor.set_password(secrets.token_urlsafe(16))
        supervisor.save()
        team.supervisors.set([supervisor])
        other.supervisors.clear()
        categories = {r: list(ExposureCategory.objects.filter(role=r).values_list("pk", flat=True)) for r in ROLES}
        people = User.objects.bulk_create([
            User(username=f"bench.{t}.{i}", first_name="Bench", last_name=f"Officer {t}{i:02d}", organisation=org,
                 team=(team if t == "a" else other), high_risk_role=ROLES[i % 4], is_officer=True,
                 password="!")  # noqa: S106 - Django's mark for "no usable password"
            for t in ("a", "b") for i in range(TEAM_SIZE)])
        shifts, exposures, checkins, assessments, flags, actions = [], [], [], [], [], []
        for person in people:
            role = person.high_risk_role
            busy = rng.uniform(0.4, 0.8)  # share of days with a shift
            for age in range(DAYS, -1, -1):
                day = today - timedelta(days=age)
                if rng.random() < busy:
                    shifts.append(ShiftLog(officer=person, shift_date=day, start_time="07:00", duration_minutes=600,
                                           role=role, created_at=now, updated_at=now))
                    if rng.random() < 0.75:
                        at = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=18)
                        checkins.append(CheckIn(officer=person, instrument="pulse", instrument_version="v1",
                                                completed_at=at, answers=[], total=rng.randint(8, 20),
                                                submission=uuid.UUID(int=rng.getrandbits(128), version=4)))
                level = rng.choices(["green", "amber", "red"], weights=[80, 15, 5])[0]
                code = rng.choice(list(REASONS)) if level != "green" else None
                assessments.append(RiskAssessment(
                    officer=person, computed_at=timezone.make_aware(datetime.combine(day, datetime.min.time()))
                    + timedelta(hours=2), level=level, score=0.0,
                    reasons=[{"code": code, "kind": REASONS[code].kind, "level": level, "numbers": {}}] if code else [],
                    rules_version=1, inputs_digest=f"{person.pk}-{age}",
                    is_current=age == 0))  # one current assessment per officer (a database constraint)
        ShiftLog.objects.bulk_create(shifts, batch_size=5000)
        for shift in shifts:
            for _n in range(rng.choice([1, 1, 2, 3])):
                exposures.append(Exposure(
                    shift=shift, officer_id=shift.officer_id, shift_date=shift.shift_date, role=shift.role,
                    category_id=rng.choice(categories[shift.role]), intensity=rng.randint(1, 5),
                    minutes=rng.randint(10, 120), dose=round(rng.uniform(0.5, 8.0), 3),
                    outcome_wanted=shift.role == "call_handling" and rng.random() < 0.05,
                    created_at=now, updated_at=now))
        Exposure.objects.bulk_create(exposures, batch_size=5000)
        CheckIn.objects.bulk_create(checkins, batch_size=5000)
        RiskAssessment.objects.bulk_create(assessments, batch_size=5000)
        for person in people:
            for month in range(12):
                raised = now - timedelta(days=30 * month + rng.randint(0, 20))
                code = rng.choice(list(REASONS))
                active = month == 0 and rng.random() < 0.4
                flags.append(Flag(officer=person, reason_code=code, kind=REASONS[code].kind,
                                  urgent=False, status="open" if active else "closed", raised_at=raised,
                                  acknowledge_by=raised + timedelta(hours=48), closed_at=None if active else raised))
        Flag.objects.bulk_create(flags, batch_size=5000)
        for f in flags:
            if f.status == "closed":
                actions.append(WelfareAction(officer_id=f.officer_id, flag=f, recorded_by=supervisor,
                                             kind="welfare_conversation", recorded_at=f.raised_at + timedelta(hours=5),
                                             follow_up_on=(f.raised_at + timedelta(days=14)).date(),
                                             follow_up_done=True))
        WelfareAction.objects.bulk_create(actions, batch_size=5000)
        for role in ROLES:
            RoleBaseline.objects.update_or_create(role=role, defaults={"median_load": 40.0, "officers": 25})
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum would have by now in a live database
    return {"people": len(people), "shifts": len(shifts), "exposures": len(exposures), "checkins": len(checkins),
            "assessments": len(assessments), "flags": len(flags), "welfare_actions": len(actions)}


def signed_in_cookie() -> str:
    """A session for the bench supervisor that has passed two-factor sign-in: the auth keys Django
    writes at login, the confirmed TOTP device's persistent id (django-otp's session key, which
    portal.twofactor.session_is_verified checks) and the idle-timeout clock."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.models import User

    user = User.objects.get(username=SUPERVISOR)
    TOTPDevice.objects.filter(user=user).delete()  # one device, as after a real set-up
    device = TOTPDevice.objects.create(user=user, name="Bench authenticator", confirmed=True)
    return session_cookie(user, device=device)


def load(port: int, path: str, cookie: str, *, seconds: float, threads: int, max_requests: int) -> list[float]:
    """Bounded load on one page (`common.bounded_load`), every answer a 200."""
    return bounded_load(lambda _client, _n: fetch(port, path, cookie), name=path, seconds=seconds, threads=threads,
                        max_requests=max_requests)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seconds", type=float, default=20.0, help="per page per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=20_000, help="per page per round")
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()

    ensure_database(args.db)
    # One key for this process (which signs the session) and the server (which reads it).
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    setup_django(args.db)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not args.skip_build:
        started = time.perf_counter()
        print("built", build(), f"in {time.perf_counter() - started:.0f} s", flush=True)
    cookie = signed_in_cookie()
    server = serve(args.db, args.port)
    try:
        status, _t, body = first_answer(args.port, "/team/", cookie)
        if status != 200 or b"team-people" not in body or b"Bench team" not in body:
            raise SystemExit(f"the dashboard did not answer as the supervisor (status {status}, {body[:80]!r})")
        if b"Officer b" in body:
            raise SystemExit("the dashboard showed someone of the other team")
        for path in ("/accessibility/", "/team/"):  # warm every worker
            load(args.port, path, cookie, seconds=2, threads=args.threads, max_requests=200)
        results: dict[str, list[float]] = {"/accessibility/": [], "/team/": []}
        for _round in range(args.rounds):
            for path in results:
                results[path] += load(args.port, path, cookie, seconds=args.seconds, threads=args.threads,
                                      max_requests=args.max_requests)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    base, dash = results["/accessibility/"], results["/team/"]
    print(f"{'page':<18}{'requests':>10}{'median ms':>12}{'p95 ms':>10}")
    for path, values in results.items():
        print(f"{path:<18}{len(values):>10}{median(values) * 1000:>12.1f}{p95(values) * 1000:>10.1f}")
    ratio_median, ratio_p95 = median(dash) / median(base), p95(dash) / p95(base)
    print(f"dashboard / trivial page: median {ratio_median:.2f}x (goal <= 5), p95 {ratio_p95:.2f}x (goal <= 10)")
    print(f"({args.threads} client threads, gunicorn 5 sync workers, team of {TEAM_SIZE}, {DAYS} days each)")
    return 0 if ratio_median <= 5 and ratio_p95 <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
