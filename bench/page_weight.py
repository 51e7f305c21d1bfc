"""Page weight budget (issue 17, "fast on a phone"): the bytes a phone downloads for each role's
start page, for every page with charts and for the shift form, on a first visit (empty cache).

Serves the seeded demo as `make run` does (a fresh SQLite file, static files collected: hashed
names, brotli and gzip copies, served by WhiteNoise exactly as in production; `seed_demo` and
`demo_totp` need DEBUG, which changes nothing about the bytes sent), signs each demo user in with
headless Chromium (Debian's /usr/bin/chromium driven by Playwright, never a downloaded browser) at
a phone's width, opens each page with the browser cache disabled and sums what the network
delivered for it (Chrome DevTools Protocol `Network.loadingFinished` encodedDataLength: the bytes
on the wire, compressed as sent, headers included).

Budget: at most 150 KB on a page without charts, 500 KB on a page with charts (KB = 1,000 bytes).
With --lighthouse, also Lighthouse's mobile performance score (its default: a mid-range phone on a
slow 4G network, simulated) of each role's start page, at least 90: Lighthouse from npm
(package.json, `npm ci`) on the same Chromium (CHROME_PATH), signed in through the session cookie,
run --lighthouse-runs times (default 3) per page; the page's score is the median run. Lighthouse's
simulated phone scales the CPU time it observes, so on a busy machine (CI runners shared with other
jobs) one run in several scores lower than the page deserves: the median of three absorbs one such
run, while a page that is really slow is under 90 in most runs and still fails. Every run's figures
are printed. Exits 1 if any page is over its byte budget, or with --lighthouse-strict if a median
score is under 90.

No start page runs plotly: the officer's start page draws its 90-day load chart as SVG on the
server (portal/linechart.py). With plotly there (about 330 KB, two seconds of script on the simulated
phone) it scored 42-87; without, 90-100 on a 2-CPU machine under a load average of 10-12.

    .venv/bin/python bench/page_weight.py [--lighthouse [--lighthouse-strict] [--lighthouse-runs N]]
        [--verbose] [--port N] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BUDGET_PLAIN = 150_000
BUDGET_CHARTS = 500_000
LIGHTHOUSE_MIN = 90
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Page:
    user: str
    name: str
    path: str  # or a regex of a link to follow from `via`
    charts: bool
    via: str = ""


# Each role's start page ("/" redirects there), then every page that draws charts. Pages whose
# address holds an id are reached through the link on the page that lists them.
PAGES = [
    Page("demo.officer", "officer start page", "/", charts=False),  # its chart is SVG, no plotly
    Page("demo.officer", "check-ins and trends", "/wellbeing/", charts=True),
    Page("demo.officer", "a check-in result", r"^/wellbeing/checkins/\d+/$", charts=True, via="/wellbeing/"),
    Page("demo.officer", "log a shift", "/exposure/log/", charts=False),  # the form an officer fills most
    Page("demo.cse", "CSE investigator start page", "/", charts=False),  # with the viewing timer
    Page("demo.supervisor", "supervisor start page", "/", charts=False),
    Page("demo.supervisor", "team trends", "/team/trends/", charts=True),
    Page("demo.supervisor", "a person in the team", r"^/team/people/\d+/$", charts=True, via="/team/"),
    Page("demo.trainer", "trainer start page", "/", charts=False),
    Page("demo.trainer", "training reports", "/training/manage/reports/", charts=True),
    Page("demo.oh", "OH start page", "/", charts=False),
    Page("demo.lead", "wellbeing lead start page", "/", charts=False),
    Page("demo.peer", "peer supporter start page", "/", charts=False),
    Page("demo.trim", "TRiM coordinator start page", "/", charts=False),
    Page("demo.admin", "admin start page", "/", charts=False),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout


def serve(workdir: Path, port: int) -> tuple[subprocess.Popen, dict]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env.update(DEBUG="true", STATIC_COLLECTED="true", DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
               STATIC_ROOT=str(workdir / "static"), ALLOWED_HOSTS="127.0.0.1")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    log = open(workdir / "server.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310 - our own server
            return server, env
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.5)
    stop(server)
    sys.exit(f"the server did not start; see {workdir / 'server.log'}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def sign_in(page, env: dict, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url:
        page.locator("main input[name=otp_token]").fill(manage(env, "demo_totp", username).strip())
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    if "/accounts/" in page.url:
        raise RuntimeError(f"{username} could not sign in (still on {page.url})")


def weigh(page, cdp, path: str) -> tuple[int, list[tuple[str, int]], str]:
    """Loads `path` with an empty cache; returns the bytes received, each response's share and
    the address the page ended on (after redirects)."""
    requests: dict[str, str] = {}
    received: list[tuple[str, int]] = []

    def sent(event):
        requests[event["requestId"]] = event["request"]["url"]
        redirect = event.get("redirectResponse")
        if redirect:
            received.append((redirect["url"], int(redirect.get("encodedDataLength", 0))))

    def finished(event):
        if event["requestId"] in requests:  # not a straggler of the page before
            received.append((requests[event["requestId"]], int(event["encodedDataLength"])))

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    page.goto(path, wait_until="load")
    page.wait_for_load_state("networkidle")
    cdp.remove_listener("Network.requestWillBeSent", sent)
    cdp.remove_listener("Network.loadingFinished", finished)
    return sum(n for _, n in received), received, page.url


LIGHTHOUSE_ATTEMPTS = 5


def lighthouse(url: str, cookies: list[dict], workdir: Path) -> tuple[int, dict]:
    """Lighthouse's mobile performance score of `url` (0-100) and its main timings. Lighthouse now
    and then fails to record the trace of a page load at all (NO_NAVSTART: 3 of about 30 runs in
    two CI runs here): that run measured nothing, so it is tried again, at most LIGHTHOUSE_ATTEMPTS
    times in all; a page that never loads still fails."""
    for attempt in range(1, LIGHTHOUSE_ATTEMPTS + 1):
        try:
            return _lighthouse_once(url, cookies, workdir)
        except (subprocess.CalledProcessError, LighthouseDidNotRecord) as exc:
            # never the command line itself: it carries the signed-in session's cookie
            why = f"exit code {exc.returncode}" if isinstance(exc, subprocess.CalledProcessError) else str(exc)
            if attempt == LIGHTHOUSE_ATTEMPTS:
                raise SystemExit(f"Lighthouse failed on {url} {attempt} times ({why})") from None
            print(f"    Lighthouse recorded nothing on {url} (attempt {attempt}: {why}); trying again", flush=True)
    raise AssertionError("unreachable")


class LighthouseDidNotRecord(RuntimeError):
    pass


def _lighthouse_once(url: str, cookies: list[dict], workdir: Path) -> tuple[int, dict]:
    """One Lighthouse run, signed in through the context's cookies."""
    report = workdir / "lighthouse.json"
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run([str(LIGHTHOUSE), url, "--only-categories=performance", "--output=json",
                    f"--output-path={report}", "--quiet", "--disable-storage-reset",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run",
                    f"--extra-headers={json.dumps({'Cookie': cookie})}"],
                   cwd=ROOT, env=env, check=True, timeout=300)
    result = json.loads(report.read_text())
    if result.get("runtimeError"):
        raise LighthouseDidNotRecord(f"Lighthouse on {url}: {result['runtimeError']}")
    if result["finalDisplayedUrl"] != url:
        raise RuntimeError(f"Lighthouse on {url} ended on {result['finalDisplayedUrl']} (not signed in?)")
    audits = result["audits"]
    timings = {name: audits[key]["displayValue"] for name, key in
               (("FCP", "first-contentful-paint"), ("LCP", "largest-contentful-paint"),
                ("TBT", "total-blocking-time"), ("CLS", "cumulative-layout-shift"), ("SI", "speed-index"))}
    return round(result["categories"]["performance"]["score"] * 100), timings


def link_to(page, item: Page) -> str:
    """The address of a page reached through a link on `item.via` (its id differs per demo)."""
    page.goto(item.via)
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    path = next((h for h in hrefs if re.match(item.path, h)), "")
    if not path:
        raise RuntimeError(f"no link matching {item.path} on {item.via} for {item.user}")
    return path


def measure_user(browser, base: str, env: dict, user: str, args, workdir: Path) -> tuple[list[str], list[tuple]]:
    """Signs `user` in on a phone-sized page, weighs each of their pages (printing a line each) and,
    with --lighthouse, scores their start page. Returns the pages over budget and the scores."""
    over, scores = [], []
    context = browser.new_context(base_url=base, viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    sign_in(page, env, user, os.environ.get("DEMO_PASSWORD", "demo-portal-2026"))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    for item in (p for p in PAGES if p.user == user):
        total, received, url = weigh(page, cdp, link_to(page, item) if item.via else item.path)
        loaded_plotly = any("/vendor/plotly/" in u for u, _ in received)
        if loaded_plotly != item.charts:
            raise RuntimeError(f"{item.name} ({url}): expected charts={item.charts}, plotly loaded: {loaded_plotly}")
        budget = BUDGET_CHARTS if item.charts else BUDGET_PLAIN
        print(f"{item.name:<28} {user:<16} {url.removeprefix(base):<28} {total:>9,}  {budget:,} "
              f"{'ok' if total <= budget else 'OVER'}")
        if args.verbose:
            for response_url, size in received:
                print(f"    {size:>9,}  {response_url.removeprefix(base)}")
        if total > budget:
            over.append(item.name)
        if args.lighthouse and item.path == "/":
            runs = [lighthouse(url, context.cookies(), workdir) for _ in range(args.lighthouse_runs)]
            for number, (score, timings) in enumerate(runs, 1):
                print(f"    Lighthouse run {number}: {score:>3}  " + "  ".join(f"{k} {v}" for k, v in timings.items()))
            scores.append((item.name, user, *sorted(runs, key=lambda run: run[0])[len(runs) // 2],
                           [score for score, _ in runs]))
    context.close()
    return over, scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port for the server (default: any free one)")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (database, logs)")
    parser.add_argument("--verbose", action="store_true", help="list every response of each page")
    parser.add_argument("--lighthouse", action="store_true",
                        help=f"also score each role's start page with Lighthouse (at least {LIGHTHOUSE_MIN})")
    parser.add_argument("--lighthouse-strict", action="store_true",
                        help=f"fail on a median score under {LIGHTHOUSE_MIN}")
    parser.add_argument("--lighthouse-runs", type=int, default=3,
                        help="Lighthouse runs per start page (the median counts)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    if args.lighthouse and not LIGHTHOUSE.exists():
        sys.exit("--lighthouse needs Lighthouse from npm: run `npm ci` first")
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="page-weight-"))
    port = args.port or free_port()
    server, env = serve(workdir, port)
    over: list[str] = []
    scores: list[tuple] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                               "--disable-background-networking", "--disable-component-update"])
            print(f"{'page':<28} {'user':<16} {'address':<28} {'bytes':>9}  budget")
            for user in dict.fromkeys(p.user for p in PAGES):
                user_over, user_scores = measure_user(browser, f"http://127.0.0.1:{port}", env, user, args, workdir)
                over += user_over
                scores += user_scores
            browser.close()
    finally:
        stop(server)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    for name, user, score, timings, every in scores:
        shown = "  ".join(f"{k} {v}" for k, v in timings.items())
        print(f"Lighthouse mobile performance: {name:<24} {user:<16} {score:>3} (median of {every}; at least "
              f"{LIGHTHOUSE_MIN}) {'ok' if score >= LIGHTHOUSE_MIN else 'UNDER'}  {shown}")
        if score < LIGHTHOUSE_MIN and args.lighthouse_strict:
            over.append(f"{name} (Lighthouse {score})")
    if over:
        print(f"over budget: {', '.join(over)}")
        return 1
    print("every page is within its budget (150 KB without charts, 500 KB with charts)")
    under = [name for name, _, score, _, _ in scores if score < LIGHTHOUSE_MIN]
    if under:
        print(f"Lighthouse under {LIGHTHOUSE_MIN} (not a failure without --lighthouse-strict): {', '.join(under)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
