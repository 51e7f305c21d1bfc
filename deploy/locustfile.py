"""The shift-change peak as locust users (issue 22; run by deploy/load_national.py, not on its own).

OfficerUser: one invented officer each (load.<org>.<n>), signs in once with the run's password,
then, once per pacing interval, opens the shift form and saves a shift (a day earlier each time,
so no two saves ask for the same day; LOAD_DAY_OFFSET days back at the start, so a second run
never meets the first run's days), follows the redirect to the saved shift, opens the pulse
check-in and saves it, and follows that redirect too. Two saves per cycle: the pacing sets the
arrival rate of saves (LOAD_PACING seconds per cycle per user).

SupervisorUser: one invented supervisor each, signs in with a password and the TOTP code of the
authenticator load_national.py gave them for the run (RFC 6238, computed here), then opens the team dashboard every
LOAD_SUPERVISOR_PACING seconds.

Reads the roster (usernames, the run's password, the supervisors' TOTP keys) from LOAD_ROSTER, a
file readable by root only. The answers sent are invented and never printed; no response body is
logged. Traffic goes only to the cluster's balancer on its private address (--host).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import gevent
from locust import HttpUser, constant_pacing, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster_test import FormReader  # noqa: E402 - the same form reading as the fault tests

LONDON = ZoneInfo("Europe/London")
ROSTER = json.loads(Path(os.environ["LOAD_ROSTER"]).read_text())
CERTIFICATE = os.environ.get("LOAD_CA", "/tmp/portal-cluster/lb.crt")  # noqa: S108 - the cluster's own
OFFICERS = itertools.cycle(ROSTER["officers"])
SUPERVISORS = itertools.cycle(ROSTER["supervisors"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')
SHIFT_SAVED = re.compile(r"/exposure/shifts/(\d+)/")
PULSE_SAVED = re.compile(r"/wellbeing/checkins/(\d+)/")
ERRORLIST = re.compile(r'data-error-summary>.*?<li>(.*?)</li>', re.S)
TAGS = re.compile(r"<[^>]+>")


def totp(base32_key: str, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows now (30-second steps, HMAC-SHA1)."""
    key = base64.b32decode(base32_key)
    counter = struct.pack(">Q", int((time.time() if at is None else at) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class ShiftFormReader(FormReader):
    """The form as a browser sends it, plus every select's first real option (a category)."""

    def __init__(self):
        super().__init__()
        self.first_option: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        value = dict(attrs).get("value")
        if tag == "option" and self._select and value and self._select not in self.first_option:
            self.first_option[self._select] = value


def incident(reader: ShiftFormReader) -> dict[str, str]:
    """Firearms and counter-terrorism shifts record one incident: its kind, whether the officer had a
    defined task, and how intense it felt (invented: a low rating, never a critical incident)."""
    role = reader.values.get("role", "")
    if role not in {"firearms", "counter_terrorism"}:
        return {}
    return {f"{role}-category": reader.first_option.get(f"{role}-category", ""), f"{role}-defined_task": "yes",
            f"{role}-intensity": str(random.randint(1, 3))}  # noqa: S311 - invented answers


def where(location: str) -> str:
    """A redirect's path with its numbers blanked, so failures group by kind."""
    return f" to {re.sub(r'[0-9]+', 'N', location.split('?')[0])}" if location else ""


def form_error(page: str | None) -> str:
    """The first validation message of a refused form (the form's own wording, no answers)."""
    found = ERRORLIST.search(page or "")
    return f" ({' '.join(TAGS.sub(' ', found.group(1)).split()[:30])})" if found else ""


_started = 0  # users whose sign-in has ended (signed in or not)


def sign_in_ended(environment) -> None:
    """One more user has finished signing in (or failed to). When the last of the run's LOAD_USERS
    has, the steady window starts: the statistics so far (the ramp, every sign-in) are reset, the
    window's start is written to LOAD_STEADY_MARK, from which load_national.py reads the hosts' CPU,
    and the window ends LOAD_WINDOW seconds later (`window_ended`). Sign-ins still queued when the last user started
    would otherwise fall in the window and be counted as the cost of saves."""
    global _started
    _started += 1
    if _started != int(os.environ["LOAD_USERS"]):
        return
    environment.runner.stats.reset_all()
    started = time.time()
    Path(os.environ["LOAD_STEADY_MARK"]).write_text(f"{started}\n")
    gevent.spawn_later(float(os.environ["LOAD_WINDOW"]), window_ended, environment, started)


def window_ended(environment, started: float) -> None:
    """The steady window is over: its figures per route (as they stand now, before any user is
    stopped) and its end go to LOAD_WINDOW_END, from which load_national.py reports them and reads
    the hosts' CPU; then the run ends. Requests made while users stop (up to --stop-timeout) are
    left out of both."""
    ended = time.time()
    stats = environment.runner.stats
    routes = [{"name": e.name, "method": e.method, "count": e.num_requests, "failures": e.num_failures,
               **{key: e.get_response_time_percentile(q) if e.num_requests else None
                  for key, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}}
              for e in sorted(stats.entries.values(), key=lambda e: e.name)]
    errors = [{"method": e.method, "name": e.name, "error": str(e.error), "occurrences": e.occurrences}
              for e in stats.errors.values()]
    end = Path(os.environ["LOAD_WINDOW_END"])
    part = end.with_suffix(".part")
    part.write_text(json.dumps({"started": started, "ended": ended, "routes": routes, "errors": errors}))
    part.replace(end)  # whole or absent: the reader never sees half a file
    environment.runner.quit()


class PortalUser(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.trust_env = False  # no proxy or CA bundle from the environment
        self.client.verify = CERTIFICATE  # the balancer's self-signed certificate, checked
        self.client.headers["Referer"] = f"{self.host}/"  # Django checks it on HTTPS posts
        self.ready = False

    def token(self, page) -> str | None:
        found = CSRF.search(page.text or "")
        return found.group(1) if found else None

    def sign_in(self, username: str) -> bool:
        page = self.client.get("/accounts/login/", name="/accounts/login/ [form]")
        token = self.token(page)
        if token is None:
            return False
        with self.client.post("/accounts/login/", name="/accounts/login/ [sign in]", allow_redirects=False,
                              data={"csrfmiddlewaretoken": token, "username": username,
                                    "password": ROSTER["password"]}, catch_response=True) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in answered {answer.status_code}")
                return False
            answer.success()
        return True


class OfficerUser(PortalUser):
    weight = 1  # every user that is not one of the fixed count of supervisors
    wait_time = constant_pacing(float(os.environ.get("LOAD_PACING", "10")))

    def on_start(self) -> None:
        super().on_start()
        self.username = next(OFFICERS)
        self.day: date = datetime.now(LONDON).date() - timedelta(days=int(os.environ.get("LOAD_DAY_OFFSET", "1")))
        try:
            self.ready = self.sign_in(self.username)
            if self.ready:
                self.client.get("/", name="/ [home]")
        finally:
            sign_in_ended(self.environment)

    @task
    def shift_and_pulse(self) -> None:
        if not self.ready:
            self.ready = self.sign_in(self.username)
            return
        self.save_shift()
        self.save_pulse()

    def save_shift(self) -> None:
        form = self.client.get("/exposure/log/", name="/exposure/log/ [form]")
        if form.status_code != 200:
            return
        reader = ShiftFormReader()
        reader.feed(form.text)
        values = {**reader.values, "shift_date": self.day.isoformat(), "start_time": "07:00", "length_hours": "10",
                  **incident(reader)}
        self.day -= timedelta(days=1)
        self.save("/exposure/log/", "shift", values, SHIFT_SAVED, then="/exposure/shifts/[id]/")

    def save_pulse(self) -> None:
        form = self.client.get("/wellbeing/checkin/pulse/", name="/wellbeing/checkin/pulse/ [form]")
        token, submission = self.token(form), SUBMISSION.search(form.text or "")
        if form.status_code != 200 or token is None or submission is None:
            return
        answers = {f"q{n}": str(random.randint(2, 4)) for n in range(1, 6)}  # noqa: S311 - invented answers
        self.save("/wellbeing/checkin/pulse/", "pulse",
                  {"csrfmiddlewaretoken": token, "submission": submission.group(1), **answers}, PULSE_SAVED,
                  then="/wellbeing/checkins/[id]/")

    def save(self, url: str, what: str, data: dict, saved, *, then: str) -> None:
        """POST a form; a save is a redirect to the saved page (`saved` matches its address), which is
        then opened as the browser would. Anything else is a failure naming the status, where it was
        sent and the form's first message."""
        with self.client.post(url, name=f"{url} [save {what}]", data=data, allow_redirects=False,
                              catch_response=True) as answer:
            location = answer.headers.get("Location", "")
            if answer.status_code == 302 and saved.fullmatch(location):
                answer.success()
            else:
                answer.failure(f"{what} not saved: {answer.status_code}{where(location)}{form_error(answer.text)}")
                return
        self.client.get(location, name=then)


class SupervisorUser(PortalUser):
    fixed_count = int(os.environ.get("LOAD_SUPERVISORS", "20"))
    wait_time = constant_pacing(float(os.environ.get("LOAD_SUPERVISOR_PACING", "30")))

    def on_start(self) -> None:
        super().on_start()
        self.username, self.key = next(SUPERVISORS)
        try:
            self.ready = self.sign_in(self.username) and self.second_factor()
        finally:
            sign_in_ended(self.environment)

    def second_factor(self) -> bool:
        page = self.client.get("/accounts/two-factor/", name="/accounts/two-factor/ [form]")
        token = self.token(page)
        if token is None:
            return False
        with self.client.post("/accounts/two-factor/", name="/accounts/two-factor/ [code]", allow_redirects=False,
                              data={"csrfmiddlewaretoken": token, "otp_token": totp(self.key)},
                              catch_response=True) as answer:
            if answer.status_code != 302:
                answer.failure(f"two-factor step answered {answer.status_code}")
                return False
            answer.success()
        return True

    @task
    def dashboard(self) -> None:
        if not self.ready:
            self.ready = self.sign_in(self.username) and self.second_factor()
            return
        self.client.get("/team/", name="/team/ [dashboard]")

