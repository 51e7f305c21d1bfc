"""A multi-host portal on one machine (issue 22): each host is a Linux network namespace with its own
address on a private bridge, running the same commands and settings a real deployment runs; only
the addresses differ.

    lb     10.77.0.10  HAProxy: TLS on :443 (a self-signed certificate), round robin to web1 and web2
    db1    10.77.0.11  PostgreSQL primary (:5432) and PgBouncer in transaction mode (:6432)
    db2    10.77.0.12  PostgreSQL streaming replica (pg_basebackup from db1)
    cache  10.77.0.13  Redis (Celery's broker, the cache)
    web1   10.77.0.21  bin/web (gunicorn), web2 10.77.0.22 the same
    work1  10.77.0.31  bin/worker (Celery), work2 10.77.0.32 the same
    beat   10.77.0.33  bin/beat (exactly one)

The web and worker hosts reach PostgreSQL only through PgBouncer; reporting reads go to the replica
(DATABASE_REPLICA_URL). The machine itself is 10.77.0.1 on the bridge, where load and fault tests
run. Nothing listens outside the bridge and the namespaces' loopbacks.

    python deploy/local_cluster.py up        # build the hosts and start everything (about a minute)
    python deploy/local_cluster.py status    # what runs where
    python deploy/local_cluster.py kill web1 # stop every process of one host at once (a host failure)
    python deploy/local_cluster.py start web1
    python deploy/local_cluster.py down      # stop everything and remove the hosts

Needs root (namespaces), Debian's postgresql, pgbouncer, haproxy and redis-server packages (`up`
installs pgbouncer and haproxy when missing) and the project's .venv. State and logs live in
CLUSTER_DIR (default /tmp/portal-cluster).
"""

from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(os.environ.get("CLUSTER_DIR", "/tmp/portal-cluster"))  # noqa: S108 - root-only test hosts
NET = "10.77.0"
BRIDGE = "pcl0"
HOSTS = {"lb": 10, "db1": 11, "db2": 12, "cache": 13, "web1": 21, "web2": 22, "work1": 31, "work2": 32, "beat": 33}
APP_HOSTS = ("web1", "web2", "work1", "work2", "beat")
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def addr(host: str) -> str:
    return f"{NET}.{HOSTS[host]}"


def ns(host: str) -> str:
    return f"pcl-{host}"


def run(*command: str, check: bool = True, quiet: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=check, capture_output=quiet, text=True)


def in_host(host: str, *command: str, user: str | None = None) -> list[str]:
    prefix = ["ip", "netns", "exec", ns(host)]
    if user:
        prefix += ["runuser", "-u", user, "--"]
    return [*prefix, *command]


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        sys.exit("local cluster: PostgreSQL's server binaries are missing (Debian package postgresql)")
    return found[-1]


# ----------------------------------------------------------------------------------------- network


def network_up() -> None:
    if run("ip", "link", "show", BRIDGE, check=False).returncode != 0:
        run("ip", "link", "add", BRIDGE, "type", "bridge")
        run("ip", "addr", "add", f"{NET}.1/24", "dev", BRIDGE)
    run("ip", "link", "set", BRIDGE, "up")
    existing = run("ip", "netns", "list").stdout
    for host in HOSTS:
        if ns(host) in existing.split():
            continue
        veth = f"v{host}"
        run("ip", "link", "del", veth, check=False)  # left from a namespace removed a moment ago
        run("ip", "netns", "add", ns(host))
        run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns(host))
        run("ip", "link", "set", veth, "master", BRIDGE, "up")
        run(*in_host(host, "ip", "addr", "add", f"{addr(host)}/24", "dev", "eth0"))
        run(*in_host(host, "ip", "link", "set", "eth0", "up"))
        run(*in_host(host, "ip", "link", "set", "lo", "up"))


def network_down() -> None:
    for host in HOSTS:
        run("ip", "netns", "del", ns(host), check=False)
    run("ip", "link", "del", BRIDGE, check=False)


# ------------------------------------------------------------------------------------- processes


def pids() -> dict[str, list[int]]:
    path = STATE / "pids.json"
    return json.loads(path.read_text()) if path.exists() else {}


def save_pids(table: dict[str, list[int]]) -> None:
    (STATE / "pids.json").write_text(json.dumps(table, indent=1))


def spawn(host: str, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
    """Start a long-running process on `host`, its output in logs/<name>.log."""
    log = open(STATE / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it open
    process = subprocess.Popen(in_host(host, *command), stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, **(env or {})}, cwd=ROOT, start_new_session=True)
    table = pids()
    table.setdefault(host, []).append(process.pid)
    save_pids(table)


def host_kill(host: str, sig: int = signal.SIGKILL) -> int:
    """Every process in the host's namespace, at once: what a host failure looks like to the rest."""
    found = [int(p) for p in run("ip", "netns", "pids", ns(host), check=False).stdout.split()]
    for pid in found:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
    table = pids()
    table.pop(host, None)
    save_pids(table)
    return len(found)


def wait_for(check, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise RuntimeError(f"local cluster: {what} did not come up within {seconds:.0f} s (logs in {STATE}/logs)")


def port_open(host: str, port: int) -> bool:
    probe = run(*in_host(host, "bash", "-c", f"exec 3<>/dev/tcp/{addr(host)}/{port}"), check=False)
    return probe.returncode == 0


# ------------------------------------------------------------------------------------- services


def postgres_primary() -> None:
    data = STATE / "db1"
    if not data.exists():
        run("runuser", "-u", "postgres", "--", pg_bin("initdb"), "-D", str(data), "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--locale=C", "--data-checksums")
        with open(data / "postgresql.auto.conf", "a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1,{addr('db1')}'\nwal_level = replica\n"
                       "max_wal_senders = 10\nhot_standby = on\nmax_connections = 200\n")
        with open(data / "pg_hba.conf", "a") as hba:
            hba.write(f"host all all {NET}.0/24 trust\nhost replication all {NET}.0/24 trust\n")
    postgres_start("db1")
    exists = run(*in_host("db1", pg_bin("psql"), "-h", "127.0.0.1", "-U", "postgres", "-Atc",
                          "SELECT count(*) FROM pg_database WHERE datname = 'portal'")).stdout.strip()
    if exists == "0":
        run(*in_host("db1", pg_bin("psql"), "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE portal"))


def postgres_start(host: str) -> None:
    data, sockets = STATE / host, STATE / f"sockets-{host}"
    if run(pg_bin("pg_ctl"), "-D", str(data), "status", check=False).returncode == 0:
        return
    # Not running: a host that was killed leaves its pid and socket lock files behind.
    shutil.rmtree(sockets, ignore_errors=True)
    (data / "postmaster.pid").unlink(missing_ok=True)
    sockets.mkdir()
    run("chown", "postgres:postgres", str(sockets))
    run(*in_host(host, pg_bin("pg_ctl"), "-D", str(data), "-w", "-t", "120", "-l", str(STATE / "logs" / f"{host}.log"),
                 "-o", f"-k {sockets}", "start", user="postgres"))


def postgres_replica() -> None:
    data = STATE / "db2"
    if not data.exists():
        run(*in_host("db2", pg_bin("pg_basebackup"), "-h", addr("db1"), "-U", "postgres", "-D", str(data),
                     "-R", "-X", "stream", "--checkpoint=fast", user="postgres"))
        with open(data / "postgresql.auto.conf", "a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1,{addr('db2')}'\n")
        run("chown", "postgres:postgres", str(data / "postgresql.auto.conf"))
    postgres_start("db2")


def pgbouncer_stop() -> None:
    """Stop PgBouncer and wait until its port is free (a new one started too soon cannot listen)."""
    run("pkill", "-f", f"pgbouncer {STATE / 'pgbouncer.ini'}", check=False)
    wait_for(lambda: not port_open("db1", 6432), "PgBouncer's stop", seconds=30)
    (STATE / ".s.PGSQL.6432").unlink(missing_ok=True)


def pgbouncer() -> None:
    conf = STATE / "pgbouncer.ini"
    conf.write_text(
        "[databases]\n"
        "portal = host=127.0.0.1 port=5432 dbname=portal\n"
        "[pgbouncer]\n"
        f"listen_addr = {addr('db1')}\nlisten_port = 6432\n"
        "auth_type = trust\n"
        f"auth_file = {STATE / 'pgbouncer-users.txt'}\n"
        "pool_mode = transaction\n"
        "max_client_conn = 500\ndefault_pool_size = 40\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"unix_socket_dir = {STATE}\n"
        f"logfile = {STATE / 'logs' / 'pgbouncer.log'}\n")
    (STATE / "pgbouncer-users.txt").write_text('"postgres" ""\n')
    run("chown", "postgres:postgres", str(conf), str(STATE / "pgbouncer-users.txt"))
    spawn("db1", "pgbouncer-process", ["runuser", "-u", "postgres", "--", "/usr/sbin/pgbouncer", str(conf)])
    wait_for(lambda: port_open("db1", 6432), "PgBouncer")


def redis() -> None:
    spawn("cache", "redis", ["redis-server", "--bind", addr("cache"), "--port", "6379", "--save", "",
                             "--appendonly", "no", "--protected-mode", "no"])
    wait_for(lambda: port_open("cache", 6379), "Redis")


def certificate() -> Path:
    pem = STATE / "lb.pem"
    if not pem.exists():
        key, crt = STATE / "lb.key", STATE / "lb.crt"
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            f"/CN={addr('lb')}", "-addext", f"subjectAltName=IP:{addr('lb')}", "-keyout", str(key), "-out", str(crt))
        pem.write_text(crt.read_text() + key.read_text())
    return pem


def haproxy() -> None:
    conf = STATE / "haproxy.cfg"
    # maxconn per server = its gunicorn workers: the balancer queues the rest (timeout queue) instead
    # of piling them on a busy host, where the health check would wait behind them and time out. A
    # refused connection marks the host down at once and the request goes to the other one.
    workers = app_env()["WEB_WORKERS"]
    servers = "\n".join(f"    server {h} {addr(h)}:8000 check inter 1s fall 3 rise 2 maxconn {workers}"
                         " observe layer4 error-limit 1 on-error mark-down"
                         for h in ("web1", "web2"))
    conf.write_text(
        "global\n    maxconn 2000\n    log stdout format raw local0\n"
        "defaults\n    mode http\n    log global\n    option httplog\n"
        "    timeout connect 2s\n    timeout client 60s\n    timeout server 60s\n"
        "    timeout queue 30s\n    timeout check 5s\n"
        "    retries 3\n    option redispatch 1\n"
        "frontend portal\n"
        "    unique-id-format %{+X}o%ci:%cp_%fi:%fp_%Ts_%rt:%pid\n"
        "    unique-id-header X-Request-ID\n"
        f"    bind {addr('lb')}:443 ssl crt {certificate()}\n"
        "    http-request set-header X-Forwarded-Proto https\n"
        "    default_backend web\n"
        "backend web\n    balance roundrobin\n    option httpchk\n"
        f"    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {addr('lb')}\n"
        # Retry only when the request never reached a web host: a POST that may have been received
        # is never sent twice (a save must not be made twice).
        "    retry-on conn-failure\n"
        f"{servers}\n")
    spawn("lb", "haproxy", ["haproxy", "-db", "-f", str(conf)])
    wait_for(lambda: port_open("lb", 443), "HAProxy")


def app_env() -> dict[str, str]:
    secrets_file = STATE / "secrets.json"
    if not secrets_file.exists():
        secrets_file.write_text(json.dumps({"SECRET_KEY": secrets.token_urlsafe(60),
                                            "PSEUDONYM_KEY": secrets.token_urlsafe(48)}))
        secrets_file.chmod(0o600)
    keys = json.loads(secrets_file.read_text())
    return {
        **keys,
        "DEBUG": "false",
        "DATABASE_URL": f"postgres://postgres@{addr('db1')}:6432/portal",
        "DATABASE_POOLER": "pgbouncer",
        "MIGRATE_DATABASE_URL": f"postgres://postgres@{addr('db1')}:5432/portal",
        "DATABASE_REPLICA_URL": f"postgres://postgres@{addr('db2')}:5432/portal",
        "REDIS_URL": f"redis://{addr('cache')}:6379/0",
        "ALLOWED_HOSTS": f"{addr('lb')},{addr('web1')},{addr('web2')}",
        "CSRF_TRUSTED_ORIGINS": f"https://{addr('lb')}",
        "SITE_URL": f"https://{addr('lb')}",
        "BEHIND_TLS_PROXY": "true",
        "FORWARDED_ALLOW_IPS": addr("lb"),
        "EMAIL_URL": "smtp://127.0.0.1:25",  # never reached: the cluster sends no mail in its tests
        "HEALTHZ_ALLOWED_NETWORKS": f"127.0.0.1/32,{NET}.0/24",
        "WEB_WORKERS": "3",
        "LOG_FORMAT": "json",
        # A worker host lost mid-task: Redis hands its message to another worker after this; the
        # sweep's lease (renewed every chunk) lapses sooner, so the other worker can take over.
        "CELERY_VISIBILITY_TIMEOUT": "60",
        "NOTIFY_EMAIL_RETRY_MAX_DELAY": "30",
        "RISK_SWEEP_LEASE_SECONDS": "30",
        "WORKER_CONCURRENCY": "2",
    }


def prepare_database() -> None:
    """Migrate through the primary and seed the invented demo organisation (development command,
    run once from the machine; the hosts themselves run with DEBUG off)."""
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"postgres://postgres@{addr('db1')}:5432/portal"}
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], check=True, cwd=ROOT, env=env)
    subprocess.run([PYTHON, "manage.py", "seed_demo"], check=True, cwd=ROOT, env=env, capture_output=True)


def supervised(command: str) -> list[str]:
    """As a process supervisor runs it (systemd's Restart=always, compose's restart: unless-stopped):
    started again a second after it exits. Killing the host kills the supervisor too."""
    return ["bash", "-c", f"while true; do {command}; echo 'exited with '$?', restarting'; sleep 1; done"]


def app_host(host: str) -> None:
    env = app_env()
    if host.startswith("web"):
        static = STATE / f"static-{host}"
        static.mkdir(exist_ok=True)
        spawn(host, host, supervised("bin/web"), {**env, "BIND": f"{addr(host)}:8000", "STATIC_ROOT": str(static)})
    elif host.startswith("work"):
        spawn(host, host, supervised("bin/worker"), {**env, "WORKER_NAME": f"worker@{host}"})
    else:
        spawn(host, host, supervised("bin/beat"), {**env, "BEAT_SCHEDULE_FILE": str(STATE / "celerybeat-schedule")})


def web_ready(host: str) -> bool:
    probe = run("curl", "-fsS", "-o", "/dev/null", "-H", "X-Forwarded-Proto: https",
                f"http://{addr(host)}:8000/healthz", check=False)
    return probe.returncode == 0


def start(host: str) -> None:
    if host in ("db1", "db2"):
        postgres_start(host)
        if host == "db1":
            pgbouncer()
    elif host == "cache":
        redis()
    elif host == "lb":
        haproxy()
    else:
        app_host(host)
        if host.startswith("web"):
            wait_for(lambda: web_ready(host), host, seconds=120)


def up() -> None:
    if os.geteuid() != 0:
        sys.exit("local cluster: needs root (network namespaces)")
    if (STATE / "pids.json").exists():
        sys.exit("local cluster: already up (run `down` first)")
    for tool in ("pgbouncer", "haproxy"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            subprocess.run(["apt-get", "install", "-y", "-qq", tool], check=True,
                           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    (STATE / "logs").mkdir(parents=True, exist_ok=True)
    run("chown", "postgres:postgres", str(STATE), str(STATE / "logs"))
    network_up()
    postgres_primary()
    pgbouncer()
    redis()
    prepare_database()
    postgres_replica()
    for host in APP_HOSTS:
        app_host(host)
    for host in ("web1", "web2"):
        wait_for(lambda h=host: web_ready(h), host, seconds=180)
    haproxy()
    print(f"local cluster: up; the portal is at https://{addr('lb')}/ (self-signed certificate)")


def down() -> None:
    for host in HOSTS:
        if run("ip", "netns", "list").stdout.find(ns(host)) >= 0:
            host_kill(host)
    for host in ("db1", "db2"):
        (STATE / host / "postmaster.pid").unlink(missing_ok=True)
    network_down()
    (STATE / "pids.json").unlink(missing_ok=True)
    print("local cluster: down")


def status() -> None:
    for host in HOSTS:
        found = run("ip", "netns", "pids", ns(host), check=False).stdout.split()
        print(f"{host:6} {addr(host):12} {len(found)} process(es)")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"up", "down", "status", "kill", "start", "purge"}:
        print(__doc__)
        return 2
    command = argv[0]
    if command == "up":
        up()
    elif command == "down":
        down()
    elif command == "purge":
        down()
        shutil.rmtree(STATE, ignore_errors=True)
    elif command == "status":
        status()
    elif command == "kill":
        print(f"local cluster: {argv[1]}: {host_kill(argv[1])} process(es) killed")
    elif command == "start":
        start(argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
