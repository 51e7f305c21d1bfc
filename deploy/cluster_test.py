"""Fault tests on the local cluster (issue 22; `make cluster-test`, which brings the cluster up first).

Each scenario drives real HTTPS traffic through the balancer from the machine (10.77.0.1), breaks
one host as a real failure would (every process of its namespace killed at once, or a service
restarted), and then counts against the database what the clients were told:

- web host killed during shift saves: every save a client was told about is in the database, and
  saves go on through the other web host;
- Redis and PgBouncer restarted during shift saves: each save either succeeds or fails with an
  answer the client can see, and no shift is half-written (each has the record of its creation);
- worker host killed during the nightly sweep: the sweep finishes on the other worker, with one
  current assessment per officer;
- replica stopped: OH's exports still work (from the primary); restarted, it catches up.

Load officers are invented (load.officer.N), created for the run with a password of the run's own.
Traffic stays on the cluster's private addresses. Exits 1 if any scenario fails.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import local_cluster as cluster  # noqa: E402

BASE = f"https://{cluster.addr('lb')}"
PRIMARY = f"postgres://postgres@{cluster.addr('db1')}:5432/portal"
LOAD_OFFICERS = 24


def manage_shell(code: str) -> str:
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": PRIMARY}
    done = subprocess.run([cluster.PYTHON, "manage.py", "shell", "-c", code], check=True, cwd=cluster.ROOT,
                          env=env, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def sql(query: str, host: str = "db1") -> str:
    done = subprocess.run(["psql", "-h", cluster.addr(host), "-U", "postgres", "-d", "portal", "-Atc", query],
                          check=True, capture_output=True, text=True)
    return done.stdout.strip()


def make_load_officers(password: str) -> list[str]:
    code = f"""
from portal.models import User, Team
from exposure.models import ShiftLog
team = Team.objects.filter(unit__organisation__slug__isnull=False).order_by('pk').first()
ShiftLog.objects.filter(officer__username__startswith='load.officer.').delete()  # a new run starts clean
names = []
for n in range({LOAD_OFFICERS}):
    user, _ = User.objects.get_or_create(username=f'load.officer.{{n}}', defaults=dict(
        first_name='Load', last_name=f'Officer {{n}}', organisation=team.unit.organisation, team=team,
        is_officer=True, high_risk_role='call_handling'))
    user.set_password({password!r}); user.is_active = True; user.save()
    names.append(user.username)
print(','.join(names))
"""
    return manage_shell(code).split(",")


class FormReader(html.parser.HTMLParser):
    """The values a browser would send for a form as rendered: inputs, checked boxes, selected options."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button"}:
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            else:
                self.values.setdefault(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self.values:
                self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self.values.setdefault(name, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


@dataclass
class Tally:
    saved: list[int] = field(default_factory=list)
    failed: int = 0
    refused: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, why: str) -> None:
        with self.lock:
            self.failed += 1
            self.failures[why] = self.failures.get(why, 0) + 1


def signed_in(username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy or CA bundle from the environment: straight to the balancer
    session.verify = str(cluster.STATE / "lb.crt")  # the balancer's own certificate, checked
    session.headers["Referer"] = f"{BASE}/"  # as a browser sends it: Django checks it on HTTPS posts
    page = session.get(f"{BASE}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(f"{BASE}/accounts/login/", data={"csrfmiddlewaretoken": token, "username": username,
                                                         "password": password}, timeout=10, allow_redirects=False)
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in of {username} answered {answer.status_code}")
    session.next_day = datetime.now(ZoneInfo("Europe/London")).date() - timedelta(days=1)  # type: ignore[attr-defined]
    return session


def save_shifts(session: requests.Session, stop: threading.Event, tally: Tally) -> None:
    """Log one shift after another, a day earlier each time (the officer's cursor carries over from
    one scenario to the next, so no two saves ask for the same day), until told to stop."""
    while not stop.is_set():
        day = session.next_day  # type: ignore[attr-defined]
        try:
            form = session.get(f"{BASE}/exposure/log/", timeout=10)
            if form.status_code != 200:
                tally.fail(f"form {form.status_code}")
                time.sleep(0.2)
                continue
            reader = FormReader()
            reader.feed(form.text)
            values = {**reader.values, "shift_date": day.isoformat(), "start_time": "07:00", "length_hours": "10"}
            answer = session.post(f"{BASE}/exposure/log/", data=values, timeout=20, allow_redirects=False)
        except requests.RequestException as exc:
            tally.fail(type(exc).__name__)
            time.sleep(0.2)
            continue
        saved = re.fullmatch(r"/exposure/shifts/(\d+)/", answer.headers.get("Location", ""))
        if answer.status_code == 302 and saved:
            with tally.lock:
                tally.saved.append(int(saved.group(1)))
            session.next_day = day - timedelta(days=1)  # type: ignore[attr-defined]
        elif answer.status_code == 200:
            with tally.lock:
                tally.refused += 1
            session.next_day = day - timedelta(days=1)  # type: ignore[attr-defined]
        else:
            tally.fail(f"save {answer.status_code}")


def under_load(sessions, seconds: float, fault=None, at: float = 0.0) -> Tally:
    tally, stop = Tally(), threading.Event()
    threads = [threading.Thread(target=save_shifts, args=(s, stop, tally)) for s in sessions]
    for thread in threads:
        thread.start()
    if fault is not None:
        time.sleep(at)
        fault()
    time.sleep(max(0.0, seconds - at))
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    return tally


def check_saved(tally: Tally, label: str) -> list[str]:
    problems = []
    if not tally.saved:
        return [f"{label}: no save succeeded"]
    ids = ",".join(map(str, tally.saved))
    found = int(sql(f"SELECT count(*) FROM exposure_shiftlog WHERE id IN ({ids})"))
    if found != len(tally.saved):
        problems.append(f"{label}: {len(tally.saved) - found} of {len(tally.saved)} saves the clients were told "
                        "about are not in the database")
    half = int(sql("SELECT count(*) FROM exposure_shiftlog s WHERE s.officer_id IN (SELECT id FROM portal_user "
                   "WHERE username LIKE 'load.officer.%') AND NOT EXISTS (SELECT 1 FROM exposure_shiftchange c "
                   "WHERE c.shift_id = s.id)"))
    if half:
        problems.append(f"{label}: {half} shifts without the record of their creation (half-written)")
    print(f"{label}: {len(tally.saved)} saves confirmed in the database, {tally.refused} refused by the form, "
          f"{tally.failed} failed visibly {json.dumps(tally.failures)}")
    return problems


def scenario_web_host_killed(sessions) -> list[str]:
    before = time.monotonic()
    kill_at = {}

    def fault():
        kill_at["t"] = time.monotonic() - before
        print(f"web host killed: web1, {cluster.host_kill('web1')} processes")
    tally = under_load(sessions, 30, fault, at=10)
    problems = check_saved(tally, "web host killed")
    cluster.start("web1")
    return problems


def scenario_services_restarted(sessions) -> list[str]:
    def fault():
        cluster.host_kill("cache")
        cluster.start("cache")
        print("Redis restarted")
        time.sleep(5)
        cluster.pgbouncer_stop()
        cluster.pgbouncer()
        print("PgBouncer restarted")
    tally = under_load(sessions, 30, fault, at=8)
    return check_saved(tally, "Redis and PgBouncer restarted")


def oh_signed_in() -> requests.Session:
    """demo.oh through the real sign-in and two-factor pages (the code read from the demo device)."""
    session = signed_in("demo.oh", os.environ.get("DEMO_PASSWORD", "demo-portal-2026"))
    page = session.get(f"{BASE}/accounts/two-factor/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    code = manage_shell("from django_otp.plugins.otp_totp.models import TOTPDevice; "
                        "from portal.twofactor import current_code; "
                        "print(current_code(TOTPDevice.objects.get(user__username='demo.oh', confirmed=True)))")
    answer = session.post(f"{BASE}/accounts/two-factor/", data={"csrfmiddlewaretoken": token, "otp_token": code},
                          timeout=10, allow_redirects=False)
    if answer.status_code != 302:
        raise RuntimeError(f"demo.oh's two-factor step answered {answer.status_code}")
    return session


def export_rows(session: requests.Session) -> int:
    answer = session.get(f"{BASE}/oh/reports/export/", params={"report": "summary", "format": "csv"}, timeout=60)
    if answer.status_code != 200 or "text/csv" not in answer.headers.get("Content-Type", ""):
        raise RuntimeError(f"OH export answered {answer.status_code}")
    return len(answer.text.splitlines())


def replica_caught_up() -> bool:
    primary = sql("SELECT pg_current_wal_lsn()")
    return sql(f"SELECT pg_last_wal_replay_lsn() >= '{primary}'::pg_lsn", host="db2") == "t"


def scenario_replica_stopped(_sessions) -> list[str]:
    problems = []
    oh = oh_signed_in()
    before = export_rows(oh)
    cluster.host_kill("db2")
    print("replica stopped (its host killed)")
    try:
        during = export_rows(oh)
    except RuntimeError as exc:
        problems.append(f"replica stopped: the OH export failed: {exc}")
        during = -1
    sql("INSERT INTO portal_auditevent (at, action, object_type, object_id, detail, reason) "
        "SELECT now(), 'cluster_test_while_replica_down', '', '', '{}'::jsonb, '' FROM generate_series(1, 100)")
    cluster.start("db2")
    started = time.monotonic()
    cluster.wait_for(replica_caught_up, "the replica catching up", seconds=120)
    caught_up = time.monotonic() - started
    copied = sql("SELECT count(*) FROM portal_auditevent WHERE action = 'cluster_test_while_replica_down'", host="db2")
    if copied != sql("SELECT count(*) FROM portal_auditevent WHERE action = 'cluster_test_while_replica_down'"):
        problems.append("replica stopped: after its restart the replica lacks rows written meanwhile")
    print(f"replica stopped: OH export {before} lines before, {during} while the replica was down (from the "
          f"primary); restarted, it caught up in {caught_up:.1f} s with the {copied} rows written meanwhile")
    return problems


def send_sweep() -> None:
    env = {**os.environ, **cluster.app_env()}
    subprocess.run([cluster.PYTHON, "-m", "celery", "-A", "config", "call", "wellbeing.sweep_all_risk"],
                   check=True, cwd=cluster.ROOT, env=env, capture_output=True, text=True)


def sweeping_host(seconds: float = 60) -> str:
    """The worker host whose log shows it took the sweep."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for host in ("work1", "work2"):
            if "wellbeing.sweep_all_risk" in (cluster.STATE / "logs" / f"{host}.log").read_text(errors="replace"):
                return host
        time.sleep(0.2)
    raise RuntimeError("no worker took the sweep")


def scenario_worker_killed_mid_sweep(_sessions) -> list[str]:
    """Enough synthetic officers (bench/synth.py, invented) for the sweep to take a while; the worker
    that takes it is killed part-way; Redis hands the message to the other after the visibility
    timeout, the lease has lapsed by then, and it sweeps everyone once."""
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": PRIMARY}
    build = ("import sys; sys.path.insert(0, 'bench'); import synth, json; "
             "print(json.dumps(synth.build(officers=20000, rows=200000)))")
    subprocess.run([cluster.PYTHON, "manage.py", "shell", "-c", build], check=True, cwd=cluster.ROOT, env=env,
                   capture_output=True, text=True)
    officers = int(sql("SELECT count(*) FROM portal_user WHERE is_active AND is_officer"))
    for host in ("work1", "work2"):
        (cluster.STATE / "logs" / f"{host}.log").write_text("")
    started = sql("SELECT now()")
    send_sweep()
    victim = sweeping_host()
    time.sleep(3)
    done_before_kill = int(sql(f"SELECT count(*) FROM wellbeing_riskassessment WHERE refreshed_at >= '{started}' "
                               f"OR computed_at >= '{started}'"))
    print(f"worker killed mid-sweep: {victim}, {cluster.host_kill(victim)} processes, after "
          f"{done_before_kill} of {officers} officers")
    survivor = "work2" if victim == "work1" else "work1"
    finished = cluster.STATE / "logs" / f"{survivor}.log"
    cluster.wait_for(lambda: re.search(r"wellbeing\.sweep_all_risk\[[^]]+\] succeeded", finished.read_text(
        errors="replace")) is not None, f"the sweep on {survivor}", seconds=400)
    cluster.start(victim)
    problems = []
    twice = sql("SELECT count(*) FROM (SELECT officer_id FROM wellbeing_riskassessment WHERE is_current "
                "GROUP BY officer_id HAVING count(*) > 1) AS t")
    swept = int(sql(f"SELECT count(DISTINCT officer_id) FROM wellbeing_riskassessment WHERE is_current AND "
                    f"(refreshed_at >= '{started}' OR computed_at >= '{started}')"))
    if twice != "0":
        problems.append(f"worker killed mid-sweep: {twice} officers have more than one current assessment")
    if swept != officers:
        problems.append(f"worker killed mid-sweep: {swept} of {officers} officers assessed by the finished sweep")
    print(f"worker killed mid-sweep: {survivor} finished it; {swept} of {officers} officers hold one current "
          "assessment from this sweep")
    return problems


def scenario_steady(sessions) -> list[str]:
    return check_saved(under_load(sessions, 10), "steady load (no fault)")


SCENARIOS = {"steady": scenario_steady, "web": scenario_web_host_killed, "services": scenario_services_restarted,
             "replica": scenario_replica_stopped, "sweep": scenario_worker_killed_mid_sweep}


def main() -> int:
    password = secrets.token_urlsafe(18)
    usernames = make_load_officers(password)
    sessions = [signed_in(name, password) for name in usernames]
    print(f"{len(sessions)} load officers signed in through {BASE}")
    problems: list[str] = []
    wanted = sys.argv[1:] or list(SCENARIOS)
    for name in wanted:
        problems += SCENARIOS[name](sessions)
    for problem in problems:
        print(f"FAILED: {problem}")
    print("cluster test: " + ("failed" if problems else "every scenario passed"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
