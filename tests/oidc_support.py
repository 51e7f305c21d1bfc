"""A real OpenID Connect provider for the single sign-on tests: tests/oidc_provider (a small Django
project on django-oidc-provider) run as a process of its own on 127.0.0.1, on a free port, with its
own SQLite file, seeded with the client and the PEOPLE below. Nothing leaves this machine.

`identity_provider` (session-wide) starts it and stops it; `oidc_on` turns single sign-on on in the
portal's settings for one test; `provider_sign_in` walks the authorization-code flow with the
Django test client on the portal's side and `requests` on the provider's, as a browser would."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ID = "wellbeing-portal-tests"
CLIENT_SECRET = "idp-client-secret-for-tests-only-7d2f"  # a test provider on the loopback
TEST_SERVER = "http://testserver"

PEOPLE = {
    "sup": {"staff_number": "S100", "email": "sam.supervisor@testshire.example", "mfa": False},
    "sup.mfa": {"staff_number": "S101", "email": "mo.supervisor@testshire.example", "mfa": True},
    "officer": {"staff_number": "S102", "email": "olly.officer@testshire.example", "mfa": False},
    "stranger": {"staff_number": "S999", "email": "stranger@testshire.example", "mfa": True},
    "leaver": {"staff_number": "S200", "email": "lee.leaver@testshire.example", "mfa": True},
    "late": {"staff_number": "S100", "email": "sam.supervisor@testshire.example", "expired": True},
    "forger": {"staff_number": "S100", "email": "sam.supervisor@testshire.example",
               "issuer": "http://127.0.0.1:9/not-the-provider"},
}


def password_of(username: str) -> str:
    return f"idp-{username}-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test identity provider exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the test identity provider did not start in time")


class IdentityProvider:
    def __init__(self, directory: Path):
        self.dir = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/openid"
        self.process: subprocess.Popen | None = None
        self.people = {name: {**person, "password": password_of(name)} for name, person in PEOPLE.items()}

    def _write_people(self) -> None:
        (self.dir / "people.json").write_text(json.dumps(self.people), encoding="utf-8")

    def start(self) -> None:
        self._write_people()
        client = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                  "redirect_uris": [f"{TEST_SERVER}/accounts/oidc/callback/"],
                  "post_logout_redirect_uris": [f"{TEST_SERVER}/accounts/login/"]}
        env = {**os.environ, "IDP_DIR": str(self.dir), "IDP_URL": self.url, "IDP_CLIENT": json.dumps(client),
               "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings", "PYTHONPATH": str(ROOT)}
        self.log = open(self.dir / "idp.log", "wb")  # closed in stop()
        self.process = subprocess.Popen([sys.executable, "-m", "tests.oidc_provider.serve", str(self.port)],
                                        cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def set_person(self, username: str, **changes) -> None:
        """Change what the provider says about a person (read at each sign-in)."""
        self.people[username] = {**self.people[username], **changes}
        self._write_people()

    def add_person(self, username: str, *, staff_number: str = "", email: str = "", mfa: bool = False,
                   **claims) -> str:
        """A new account at the provider (e.g. for someone an import test has just brought into the
        portal); returns its password. It lasts until the provider stops (reset_people keeps it out
        of people.json, so it then has no claims but its username)."""
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        password = password_of(username)
        self.people[username] = {"staff_number": staff_number, "email": email, "mfa": mfa, "password": password,
                                 **claims}
        self._write_people()
        with sqlite3.connect(self.dir / "idp.sqlite3") as db:
            db.execute("INSERT OR REPLACE INTO auth_user (password, is_superuser, username, first_name, last_name, "
                       "email, is_staff, is_active, date_joined) VALUES (?, 0, ?, '', '', ?, 0, 1, ?)",
                       (make_password(password, hasher="md5"), username, email, timezone.now().isoformat()))
        return password

    def reset_people(self) -> None:
        self.people = {name: {**person, "password": password_of(name)} for name, person in PEOPLE.items()}
        self._write_people()

    def allow_redirect(self, base_url: str) -> None:
        """Let the portal at `base_url` (a live server) be the client's redirect and post-logout address."""
        with sqlite3.connect(self.dir / "idp.sqlite3") as db:
            row = db.execute("SELECT _redirect_uris, _post_logout_redirect_uris FROM oidc_provider_client "
                             "WHERE client_id = ?", (CLIENT_ID,)).fetchone()
            redirects, logouts = set(row[0].splitlines()), set(row[1].splitlines())
            redirects.add(f"{base_url}/accounts/oidc/callback/")
            logouts.add(f"{base_url}/accounts/login/")
            db.execute("UPDATE oidc_provider_client SET _redirect_uris = ?, _post_logout_redirect_uris = ? "
                       "WHERE client_id = ?", ("\n".join(sorted(redirects)), "\n".join(sorted(logouts)), CLIENT_ID))


@pytest.fixture(scope="session")
def identity_provider():
    with tempfile.TemporaryDirectory(prefix="idp-") as directory:
        provider = IdentityProvider(Path(directory))
        provider.start()
        try:
            yield provider
        finally:
            provider.stop()


@pytest.fixture
def oidc_on(settings, identity_provider, monkeypatch):
    """Single sign-on on, against the test provider, matching by the staff-number claim; the
    provider's people as PEOPLE says at the start of each test."""
    from portal.oidc import provider

    identity_provider.reset_people()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # the portal's calls to the provider too
    settings.OIDC_ISSUER = identity_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_STAFF_NUMBER_CLAIM = "employee_id"
    settings.OIDC_MFA_CLAIM = "amr"
    settings.OIDC_MFA_VALUES = ["mfa"]
    settings.OIDC_BUTTON_LABEL = "Sign in with Testshire Police"
    settings.OIDC_SUPPORT_CONTACT = "the Testshire IT service desk"
    settings.OIDC_TIMEOUT = 5
    provider.forget()
    yield identity_provider
    provider.forget()


def provider_login(identity_provider: IdentityProvider, authorize_url: str, username: str,
                   password: str | None = None) -> str:
    """Signs in at the provider's own page, as a browser would, and returns where the provider then
    sends the browser (the portal's callback, with the code and state)."""
    browser = requests.Session()
    browser.trust_env = False  # straight to the loopback, whatever proxy the environment names
    page = browser.get(authorize_url, timeout=10)  # the provider's sign-in page
    page.raise_for_status()
    answer = browser.post(page.url, data={
        "username": username, "password": password or password_of(username),
        "csrfmiddlewaretoken": browser.cookies["idp_csrftoken"],  # `next` stays in the page's address
    }, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.status_code
    location = answer.headers["Location"]
    while not location.startswith(TEST_SERVER):
        answer = browser.get(requests.compat.urljoin(identity_provider.url, location), allow_redirects=False,
                             timeout=10)
        assert answer.status_code == 302, answer.status_code
        location = answer.headers["Location"]
    return location[len(TEST_SERVER):]


def provider_sign_in(client, identity_provider: IdentityProvider, username: str, *, next_url: str = ""):
    """The whole flow: the portal's start page, the provider's sign-in, the portal's callback.
    Returns (the callback's response, the callback path with its code and state)."""
    start = client.get("/accounts/oidc/start/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.status_code
    callback = provider_login(identity_provider, start["Location"], username)
    return client.get(callback), callback
