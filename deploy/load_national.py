"""National shift-change load test on the local cluster (issue 22; `make load-test`).

The peak the issue names: 230,000 people in 43 organisations, 10% of them logging a shift and a
pulse check-in within 15 minutes (23,000 x 2 saves / 900 s = about 51 saves a second), while
supervisors open their team dashboards. This script

1. seeds the invented people into the cluster's database through the primary, idempotently (a
   second run adds only what is missing): 43 organisations of uneven size, units of about 600,
   teams of 12 (one supervisor and eleven officers in a high-risk role), and in each organisation
   occupational health, wellbeing leads, trainers, peer supporters and TRiM practitioners. Users
   are written with COPY and share one precomputed password hash of a random, discarded password;
2. gives the officers and supervisors who will act a password of the run's own (one hash), and
   the supervisors an authenticator (two-factor sign-in is required for them);
3. runs locust headless (deploy/locustfile.py) at the issue's arrival rate for a bounded window,
   first with both web hosts behind the balancer, then with web2's host stopped;
4. prints, per run, throughput, p50/p95/p99 and failures per route, and the load average.

    python deploy/load_national.py                     # seed, then both runs (cluster already up)
    python deploy/load_national.py --people 20000      # a smaller seed, the same acting load
    python deploy/load_national.py --seed-only

The window is shorter than the issue's 15 minutes (default 3 minutes of steady load, from when the
last user's sign-in has ended to before the first user is stopped): the rate is what loads the
hosts, and the rate is the issue's. Traffic goes only to the
cluster's private addresses (the balancer at 10.77.0.10); locust runs from the machine (10.77.0.1).
Nothing prints health data: the answers are invented and only timings and counts are shown.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import local_cluster as cluster  # noqa: E402

BASE = f"https://{cluster.addr('lb')}"
PRIMARY = f"postgres://postgres@{cluster.addr('db1')}:5432/portal"
LOCUST = str(cluster.ROOT / ".venv-load" / "bin" / "locust")
ORGANISATIONS = 43
TEAM_SIZE = 12  # one supervisor and eleven officers
UNIT_SIZE = 600
ROLES = ["call_handling", "cse_review", "firearms", "counter_terrorism"]
PREFIX = "load."  # every seeded username starts with it: load.<org>.<n>


def organisation_sizes(people: int) -> list[int]:
    """Uneven, as forces are: a few large ones, many of a few thousand (deterministic)."""
    weights = [1.0 / (1 + 0.12 * n) ** 1.6 for n in range(ORGANISATIONS)]
    sizes = [max(TEAM_SIZE, int(people * w / sum(weights))) for w in weights]
    sizes[0] += people - sum(sizes)
    return sizes


def person_flags(i: int) -> dict[str, bool | str]:
    """The roles of person i of an organisation: the team's first is its supervisor; a few in each
    organisation hold the other roles (OH and wellbeing leads are not officers)."""
    oh, lead = i % 1000 == 5, i % 5000 == 9
    return {"supervisor": i % TEAM_SIZE == 0, "officer": not (oh or lead), "oh": oh, "lead": lead,
            "trainer": i % 2000 == 11, "peer": i % 100 == 7, "trim": i % 500 == 3}


def seed_structure(sizes: list[int]) -> list[tuple[int, list[int]]]:
    """The organisations, units and teams (get-or-create, so idempotent); returns per organisation
    its id and its team ids in order."""
    from portal.models import Organisation, Team, Unit

    result = []
    for o, size in enumerate(sizes):
        org, _ = Organisation.objects.get_or_create(slug=f"load-{o:02d}",
                                                    defaults={"name": f"Load Constabulary {o:02d}"})
        units = [Unit.objects.get_or_create(organisation=org, name=f"Load unit {u}")[0]
                 for u in range((size - 1) // UNIT_SIZE + 1)]
        teams_needed = (size - 1) // TEAM_SIZE + 1
        existing = {(t.unit_id, t.name): t.pk for t in Team.objects.filter(unit__organisation=org)}
        wanted = [(units[(t * TEAM_SIZE) // UNIT_SIZE].pk, f"Load team {t}") for t in range(teams_needed)]
        Team.objects.bulk_create([Team(unit_id=u, name=n) for u, n in wanted if (u, n) not in existing])
        existing = {(t.unit_id, t.name): t.pk for t in Team.objects.filter(unit__organisation=org)}
        result.append((org.pk, [existing[key] for key in wanted]))
    return result


def _user_line(uid: int, o: int, i: int, org_id: int, team_id: int, hashed: str, now: str) -> str:
    f = person_flags(i)
    role = ROLES[(o + i) % len(ROLES)] if f["officer"] else ""

    def b(v) -> str:
        return "t" if v else "f"
    return (f"{uid}\t{hashed}\tf\t{PREFIX}{o:02d}.{i}\tLoad\tPerson {o:02d}-{i}\t\tf\tt\t{now}\t{org_id}\t"
            f"{team_id}\t{role}\t{b(f['officer'])}\t{b(f['supervisor'])}\t{b(f['trainer'])}\t{b(f['oh'])}\t"
            f"{b(f['lead'])}\t{b(f['peer'])}\t{'available' if f['peer'] else ''}\t{b(False)}\t{b(f['trim'])}\t"
            f"L{o:02d}{i:06d}\ten-gb\n")


USER_COLUMNS = ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                "is_active", "date_joined", "organisation_id", "team_id", "high_risk_role", "is_officer",
                "is_supervisor", "is_trainer", "is_oh", "is_wellbeing_lead", "is_peer_supporter", "peer_availability",
                "is_trim_coordinator", "is_trim_practitioner", "staff_number", "language"]


def seed_people(people: int) -> dict:
    """Everyone missing, written with COPY; supervisors linked to their teams. Idempotent."""
    import io
    from datetime import datetime, timezone

    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    started = time.monotonic()
    sizes = organisation_sizes(people)
    structure = seed_structure(sizes)
    hashed = make_password(secrets.token_urlsafe(24))  # one hash for all: nobody knows this password
    now = datetime.now(timezone.utc).isoformat()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT username FROM portal_user WHERE username LIKE %s", [PREFIX + "%"])
        present = {row[0] for row in cur.fetchall()}
        cur.execute("LOCK TABLE portal_user IN EXCLUSIVE MODE")
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM portal_user")
        next_id = cur.fetchone()[0] + 1
        buffer, added, supervisors = io.StringIO(), 0, []
        for o, (org_id, teams) in enumerate(structure):
            for i in range(sizes[o]):
                if f"{PREFIX}{o:02d}.{i}" in present:
                    continue
                team_id = teams[i // TEAM_SIZE]
                buffer.write(_user_line(next_id, o, i, org_id, team_id, hashed, now))
                if person_flags(i)["supervisor"]:
                    supervisors.append(f"{team_id}\t{next_id}\n")
                next_id, added = next_id + 1, added + 1
        buffer.seek(0)
        cur.copy_expert(f"COPY portal_user ({', '.join(USER_COLUMNS)}) FROM STDIN", buffer)
        cur.copy_expert("COPY portal_team_supervisors (team_id, user_id) FROM STDIN", io.StringIO("".join(supervisors)))
        cur.execute("SELECT setval(pg_get_serial_sequence('portal_user', 'id'), %s)", [next_id])
    with connection.cursor() as cur:
        cur.execute("ANALYZE portal_user")
        cur.execute("ANALYZE portal_team")
        cur.execute("SELECT count(*) FROM portal_user WHERE username LIKE %s", [PREFIX + "%"])
        total = cur.fetchone()[0]
    return {"organisations": len(sizes), "people": total, "added": added,
            "seconds": round(time.monotonic() - started, 1)}


def prepare_actors(officers: int, supervisors: int, password: str) -> dict:
    """The officers and supervisors who act, spread over every organisation: the run's password
    (one hash), a fresh authenticator for each supervisor. Returns the roster for locustfile.py."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from exposure.models import ShiftLog
    from portal.models import User

    def spread(query, count: int) -> list[User]:
        chosen, by_org = [], {}
        for user in query.order_by("organisation_id", "id").only("id", "username", "organisation_id"):
            by_org.setdefault(user.organisation_id, []).append(user)
        lists = list(by_org.values())
        for n in range(max(map(len, lists), default=0)):
            chosen += [people[n] for people in lists if n < len(people)]
            if len(chosen) >= count:
                break
        return chosen[:count]

    load = User.objects.filter(username__startswith=PREFIX, is_active=True)
    # Plain officers: every other role must use two-factor sign-in (portal.twofactor.requires_two_factor).
    plain = load.filter(is_officer=True, is_supervisor=False, is_oh=False, is_trainer=False, is_wellbeing_lead=False,
                        is_peer_supporter=False, is_trim_practitioner=False, is_trim_coordinator=False)
    acting_officers = spread(plain, officers)
    acting_supervisors = spread(load.filter(is_supervisor=True), supervisors)
    hashed = make_password(password)
    User.objects.filter(pk__in=[u.pk for u in acting_officers + acting_supervisors]).update(password=hashed)
    # A new run starts clean: the shifts an earlier run saved for them would overlap this run's days.
    ShiftLog.objects.filter(officer__in=acting_officers).delete()
    keys = []
    for user in acting_supervisors:
        TOTPDevice.objects.filter(user=user).delete()
        key = secrets.token_bytes(20)
        TOTPDevice.objects.create(user=user, name="load test", key=key.hex(), confirmed=True)
        keys.append((user.username, base64.b32encode(key).decode()))
    return {"password": password, "officers": [u.username for u in acting_officers], "supervisors": keys}


def in_django(args: argparse.Namespace) -> int:
    """The database half (run as a child with Django set up against the primary)."""
    import django

    sys.path.insert(0, str(cluster.ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    print(json.dumps({"seed": seed_people(args.people)}), flush=True)
    if args.roster:
        roster = prepare_actors(args.officers, args.supervisors, secrets.token_urlsafe(18))
        path = Path(args.roster)
        path.touch(mode=0o600)
        path.write_text(json.dumps(roster))
        print(json.dumps({"acting_officers": len(roster["officers"]),
                          "acting_supervisors": len(roster["supervisors"])}))
    return 0


def database_step(args: argparse.Namespace, roster: Path | None) -> None:
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": PRIMARY}
    command = [cluster.PYTHON, __file__, "--in-django", "--people", str(args.people),
               "--officers", str(args.officers), "--supervisors", str(args.supervisors)]
    if roster:
        command += ["--roster", str(roster)]
    done = subprocess.run(command, cwd=cluster.ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"load test: seeding failed:\n{done.stderr[-3000:]}")
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            print(f"load test: {line}")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} (2 cores)"


def cpu_seconds(locust_pid: int) -> dict[str, float]:
    """CPU time used so far (user + system, seconds) by every process of each cluster host, by the
    locust client (one process), and by the whole machine (so what the rest, e.g. other work, took
    shows too)."""
    tick = os.sysconf("SC_CLK_TCK")

    def of(pid: str) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    table = {host: sum(of(pid) for pid in cluster.run("ip", "netns", "pids", cluster.ns(host), check=False)
                       .stdout.split()) for host in cluster.HOSTS}
    table["locust"] = of(str(locust_pid))
    busy = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    table["machine"] = (sum(int(v) for v in busy) - int(busy[3]) - int(busy[4])) / tick  # all but idle, iowait
    return table


def cpu_report(before: dict[str, float], after: dict[str, float], seconds: float) -> None:
    used = {name: after.get(name, 0.0) - before.get(name, 0.0) for name in after}
    used["other"] = used["machine"] - sum(v for name, v in used.items() if name != "machine")  # outside the test
    parts = ", ".join(f"{name} {used[name] / seconds:.2f}" for name in sorted(used, key=used.get, reverse=True)
                      if name != "machine" and used[name] > 0.01 * seconds)
    print(f"cores busy on average over the run (of 2): machine {used['machine'] / seconds:.2f}: {parts}")


def percentile_row(route: dict, seconds: float) -> str:
    def ms(key: str) -> str:
        return "N/A" if route[key] is None else f"{route[key]:.0f}"
    name = f"{route['name']}"[:44]
    return (f"{name:44} {route['count']:>7} {route['count'] / seconds:7.2f} "
            f"{ms('p50'):>6} {ms('p95'):>6} {ms('p99'):>6} {route['failures']:>6}")


def report(window: dict, label: str, before: str, after: str) -> None:
    """Per route, from the figures the locustfile wrote as its steady window ended (`window_ended`):
    from the last sign-in to the window's end, before any user was stopped."""
    seconds = window["ended"] - window["started"]
    print(f"\n== {label}: {seconds:.0f} s steady window; before: {before}; after: {after}")
    print(f"{'route':44} {'count':>7} {'req/s':>7} {'p50ms':>6} {'p95ms':>6} {'p99ms':>6} {'fails':>6}")
    saves = 0.0
    for route in window["routes"]:
        print(percentile_row(route, seconds))
        if "[save" in route["name"]:
            saves += route["count"] / seconds
    print(f"saves per second (shift + pulse): {saves:.1f} (the issue's peak: 51.1)")
    for error in window["errors"]:
        print(f"failure: {error['method']} {error['name']}: {error['error'][:120]} x{error['occurrences']}")


def locust_run(args: argparse.Namespace, roster: Path, label: str, tag: str, day_offset: int) -> None:
    """One locust run: the ramp (every user signs in), then a steady window of `args.seconds` that
    starts when the last sign-in has ended and ends before any user is stopped (the locustfile marks
    both ends and then ends the run): the routes' figures and the hosts' CPU are both of that window
    only."""
    users = args.officers + args.supervisors
    ramp = users / args.spawn_rate
    prefix = Path(args.out) / tag
    mark, end = Path(f"{prefix}.steady"), Path(f"{prefix}.window.json")
    mark.unlink(missing_ok=True)
    end.unlink(missing_ok=True)
    env = {**os.environ, "LOAD_ROSTER": str(roster), "LOAD_CA": str(cluster.STATE / "lb.crt"),
           "LOAD_PACING": f"{args.pacing}", "LOAD_SUPERVISORS": str(args.supervisors),
           "LOAD_DAY_OFFSET": str(day_offset), "LOAD_USERS": str(users), "LOAD_STEADY_MARK": str(mark),
           "LOAD_WINDOW": str(args.seconds), "LOAD_WINDOW_END": str(end)}
    # --run-time only bounds a run whose sign-ins never all end (the locustfile ends a normal one).
    limit = int(ramp * 3 + args.seconds + 120)
    command = [LOCUST, "-f", str(cluster.ROOT / "deploy" / "locustfile.py"), "--headless", "--only-summary",
               "-u", str(users), "-r", str(args.spawn_rate), "--run-time", f"{limit}s",
               "--stop-timeout", "20", "--host", BASE, "--csv", str(prefix)]
    print(f"load test: {label}: {args.officers} officers pacing {args.pacing} s ({2 * args.officers / args.pacing:.1f} "
          f"saves/s offered), {args.supervisors} supervisors; {ramp:.0f} s ramp (sign-ins), then {args.seconds} s",
          flush=True)
    with open(f"{prefix}.log", "w") as log:
        locust = subprocess.Popen(command, cwd=cluster.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        ramp_started = time.monotonic()
        while not mark.exists() and locust.poll() is None:
            time.sleep(0.2)
        before, cpu_before, started = load_average(), cpu_seconds(locust.pid), time.monotonic()
        print(f"every sign-in ended {started - ramp_started:.0f} s after the start; steady window from then",
              flush=True)
        while not end.exists() and locust.poll() is None:
            time.sleep(0.2)
        after, cpu_after, window = load_average(), cpu_seconds(locust.pid), time.monotonic() - started
        locust.wait(timeout=limit + 60)
    if not end.exists():
        sys.exit(f"load test: {label}: locust ended without its steady window (see {prefix}.log)")
    report(json.loads(end.read_text()), label, before, after)
    cpu_report(cpu_before, cpu_after, window)


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=230_000)
    parser.add_argument("--officers", type=int, default=300, help="acting officers (locust users)")
    parser.add_argument("--pacing", type=float, default=11.75,
                        help="seconds per shift+pulse cycle per officer (300 / 11.75 x 2 = 51 saves/s)")
    parser.add_argument("--supervisors", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=4.0, help="users started (signed in) per second")
    parser.add_argument("--seconds", type=int, default=180, help="steady window per run, after the ramp")
    parser.add_argument("--out", default=str(cluster.STATE / "load"))
    parser.add_argument("--runs", default="two,one", help="two: both web hosts; one: web2's host stopped")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--in-django", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--roster", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = arguments(argv)
    if args.in_django:
        return in_django(args)
    if not (cluster.STATE / "pids.json").exists():
        sys.exit("load test: the cluster is not up (python deploy/local_cluster.py up)")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    roster = Path(args.out) / "roster.json"
    database_step(args, None if args.seed_only else roster)
    if args.seed_only:
        return 0
    runs = args.runs.split(",")
    for n, run in enumerate(runs):
        if run == "one":
            print(f"load test: web2's host stopped ({cluster.host_kill('web2')} processes); the balancer marks it down")
            time.sleep(5)
        locust_run(args, roster, "both web hosts" if run == "two" else "one web host", f"run-{run}",
                   day_offset=1 + 1000 * n)
        if run == "one":
            cluster.start("web2")
        if n + 1 < len(runs):
            time.sleep(10)  # the queues drain between runs
    roster.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
