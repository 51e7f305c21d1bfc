"""Shared set-up for the benchmark scripts: Django on a PostgreSQL benchmark database, timing
helpers and peak memory. Benchmarks print ratios against a baseline measured in the same run."""

from __future__ import annotations

import http.client
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_bench"


def setup_django(database_url: str | None = None, *, broker: bool = False, production: bool = False) -> None:
    """Django on the benchmark database: development settings (DEBUG on), or with `production` the
    settings a production process runs with (`production_env`). DEBUG on keeps the SQL of the last
    9,000 statements in memory (a sweep's inserts of thousands of rows among them), which no
    production process does: a benchmark of memory must run without it."""
    os.environ["DATABASE_URL"] = database_url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    if production:
        os.environ.update(production_env(os.environ["DATABASE_URL"]))
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not broker:
        os.environ.pop("REDIS_URL", None)  # Celery eager: benchmarks call the work directly
    import django

    django.setup()


def production_env(url: str) -> dict[str, str]:
    """The environment of a production process (DEBUG off, behind a TLS proxy, warnings and worse
    logged) on the benchmark database `url`. Its secret key is the one in the environment when
    that is long enough (a benchmark that signs cookies for the server sets it first), otherwise a
    fresh one; the pseudonym key likewise."""
    key = os.environ.get("SECRET_KEY", "")
    return {"DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": key if len(key) >= 50 else secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1", "BEHIND_TLS_PROXY": "true", "LOG_LEVEL": "WARNING",
            "CONN_MAX_AGE": "60", "DJANGO_SETTINGS_MODULE": "config.settings",
            "EMAIL_URL": "smtp://127.0.0.1:25",  # production refuses console email; the benchmarks send none
            "PSEUDONYM_KEY": os.environ.get("PSEUDONYM_KEY") or secrets.token_urlsafe(48)}  # required when DEBUG is off


def ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist."""
    import psycopg2

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    conn = psycopg2.connect(server)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def median(values) -> float:
    return statistics.median(values)


def p95(values) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve(url: str, port: int, *, workers: int = 5, redis_url: str | None = None) -> subprocess.Popen:
    """The site as a production web host runs it: `bin/web` (migrate, collect static files, then
    gunicorn with its settings file, the redacting access log and one directory of Prometheus
    metrics for all its workers) on 127.0.0.1:`port`, with production settings (DEBUG off, behind a
    TLS proxy). The access log goes to /dev/null (a host sends it to its log collector). Without
    `redis_url` Celery tasks run inside the request; with it they are queued there, as in production
    (nothing runs them unless a worker is started)."""
    env = {**os.environ, **production_env(url), "SECRET_KEY": os.environ["SECRET_KEY"],  # the key the caller signs with
           "BIND": f"127.0.0.1:{port}", "WEB_WORKERS": str(workers), "PYTHON": sys.executable,
           "GUNICORN_CMD_ARGS": "--log-level warning"}  # its own start and stop lines only
    for name in ("REDIS_URL", "MIGRATE_DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)  # bin/web makes a fresh metrics directory of its own
    if redis_url:
        env["REDIS_URL"] = redis_url
    return subprocess.Popen(["sh", str(ROOT / "bin" / "web")], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL)


def first_answer(port: int, path: str, cookie: str, *, seconds: float = 60.0) -> tuple[int, float, bytes]:
    """`fetch` of `path` once the server started by `serve` answers (it migrates and collects static
    files first): waits up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return fetch(port, path, cookie)
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"the web server did not answer on port {port} within {seconds:.0f} s") from None
            time.sleep(0.2)


def fetch(port: int, path: str, cookie: str, *, body: bytes | None = None) -> tuple[int, float, bytes]:
    """One request over loopback as a browser behind the TLS proxy would send it: a GET, or a form
    POST of `body` (with the Origin Django checks on HTTPS posts). Returns the status, the seconds it
    took and the body (a redirect's Location)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    if body is not None:
        headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://127.0.0.1",
                        "Referer": "https://127.0.0.1/"})
    start = time.perf_counter()
    conn.request("GET" if body is None else "POST", path, body=body, headers=headers)
    response = conn.getresponse()
    answer = response.read()
    if response.status in (301, 302, 303):
        answer = (response.getheader("Location") or "").encode()
    elapsed = time.perf_counter() - start
    conn.close()
    return response.status, elapsed, answer


def session_cookie(user, *, device=None, csrf: str | None = None) -> str:
    """The Cookie header of a signed-in session for `user`: the auth keys Django writes at sign-in,
    the idle-timeout clock, and for a role that needs two-factor sign-in the confirmed device's
    persistent id (django-otp's session key, which portal.twofactor.session_is_verified checks). With
    `csrf`, the CSRF cookie too (a form posts the same value). The server runs with production
    settings (DEBUG off), whose cookies are `__Host-` ones."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from portal.middleware import IdleTimeoutMiddleware

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "portal.twofactor.PortalBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[IdleTimeoutMiddleware.KEY] = session[IdleTimeoutMiddleware.SIGNED_IN_KEY] = int(time.time())
    session.create()
    cookie = f"__Host-sessionid={session.session_key}"
    return f"{cookie}; __Host-csrftoken={csrf}" if csrf else cookie


CPU_GROUPS = ("web", "database", "redis", "clients")


def cpu_reading(server_pid: int) -> dict[int, tuple[str, float]]:
    """The CPU seconds (user and system) each process that serves a benchmark has used so far, with
    its group: "web" (the server `server_pid` and every process under it), "database"
    (PostgreSQL's), "redis" and "clients" (this process). Read from /proc, so Linux only."""
    tick = os.sysconf("SC_CLK_TCK")
    procs: dict[int, tuple[str, int, float]] = {}  # pid -> (name, parent, seconds)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:  # ended meanwhile
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()  # from the state on: state, ppid, ... utime is the 12th
        procs[int(entry)] = (name, int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)

    def under_server(pid: int) -> bool:
        while pid > 1:
            if pid == server_pid:
                return True
            pid = procs[pid][1] if pid in procs else 0
        return False

    reading = {}
    for pid, (name, _parent, seconds) in procs.items():
        group = ("clients" if pid == os.getpid() else "web" if under_server(pid) else
                 "database" if name.startswith("postgres") else "redis" if name.startswith("redis") else None)
        if group:
            reading[pid] = (group, seconds)
    return reading


def cpu_used(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds by group between two `cpu_reading`s: each process's own difference (a process
    started between them counts from zero; one that ended is missing, e.g. an autovacuum worker)."""
    used = dict.fromkeys(CPU_GROUPS, 0.0)
    for pid, (group, seconds) in after.items():
        used[group] += seconds - before.get(pid, (group, 0.0))[1]
    return used


def bounded_load(call: Callable[[int, int], tuple[int, float, bytes]], *, name: str, seconds: float, threads: int,
                 max_requests: int, ok: tuple[int, ...] = (200,)) -> list[float]:
    """Bounded load: `threads` clients, each making requests with `call(client, n)` (its number and
    its request's) until `seconds` have passed or it has made its share of `max_requests`. Returns
    every answer's seconds; stops the benchmark if any answer's status is not in `ok`."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int):
        for n in range(max_requests // threads):
            if time.monotonic() > deadline:
                return
            status, elapsed, _body = call(number, n)
            with lock:
                if status in ok:
                    latencies.append(elapsed)
                else:
                    errors.append(str(status))

    workers = [threading.Thread(target=client, args=(number,)) for number in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise SystemExit(f"{name}: {len(errors)} answers not {ok}, e.g. {errors[:3]}")
    return latencies
