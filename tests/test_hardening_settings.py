"""Issue 15, items 3 (logs and email) and 10 (smaller findings): production settings refuse email
that would write reset links to the logs, the access log carries no tokens or query strings,
cookies are `__Host-` prefixed, /healthz details stay on the monitoring network, and the compose
file publishes the web port on loopback only."""

import datetime as dt
import io
import json
import logging
import re
import shlex
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from portal.gunicorn_logging import RedactingLogger, redact_url
from tests.test_settings import REAL_KEY, REAL_MAIL, REAL_PSEUDONYM_KEY, run_manage

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"SECRET_KEY": REAL_KEY, "DEBUG": "false", "ALLOWED_HOSTS": "portal.example.org", "EMAIL_URL": REAL_MAIL,
              "PSEUDONYM_KEY": REAL_PSEUDONYM_KEY}


# Item 3 (a) ------------------------------------------------------------------------------------

@pytest.mark.parametrize("email_url", ["consolemail://", "filemail:///tmp/mail", "memorymail://", "dummymail://"])
def test_logs_and_email_production_refuses_email_that_does_not_leave_the_server(email_url):
    result = run_manage("check", **{**PRODUCTION, "EMAIL_URL": email_url})
    assert result.returncode != 0
    assert "EMAIL_URL must name a real mail server" in result.stderr


def test_logs_and_email_production_refuses_the_console_default_when_email_url_is_unset():
    production = {k: v for k, v in PRODUCTION.items() if k != "EMAIL_URL"}
    result = run_manage("check", **production)
    assert result.returncode != 0
    assert "EMAIL_URL must name a real mail server" in result.stderr


def test_logs_and_email_development_keeps_console_email():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)", DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.core.mail.backends.console.EmailBackend"


# Item 3 (c) ------------------------------------------------------------------------------------

def _access_line(raw_uri: str, referer: str = "-") -> str:
    """The line gunicorn writes for one request, through the logger class bin/web names."""
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = RedactingLogger(cfg)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.access_log.handlers = [handler]
    path, _, query = raw_uri.partition("?")
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": raw_uri, "PATH_INFO": path, "QUERY_STRING": query,
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "192.0.2.1", "HTTP_REFERER": referer,
               "HTTP_USER_AGENT": "test"}
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    req = SimpleNamespace(headers=[("REFERER", referer)])
    logger.access(resp, req, environ, dt.timedelta(seconds=0, microseconds=5))
    return stream.getvalue()


@pytest.mark.parametrize("raw_uri", [
    "/accounts/reset/MQ/cdv4x1-0123456789abcdef0123456789abcdef/",
    "/accounts/reset/MQ/set-password/",
    "/training/partners/invite/Zq9secretInviteToken/",
    "/invite/Zq9secretInviteToken/accept/?next=/",
    "/training/invitation/MQ/cdv4x1-0123456789abcdef0123456789abcdef/",  # the partner invitation route
])
def test_logs_and_email_access_log_hides_reset_and_invitation_tokens(raw_uri):
    line = _access_line(raw_uri, referer=f"https://portal.example.org{raw_uri}")
    assert "[redacted]" in line
    for secret in ("cdv4x1", "0123456789abcdef", "Zq9secretInviteToken", "MQ", "set-password", "next="):
        assert secret not in line, line
    assert '"GET ' in line and " 200 " in line  # the rest of the line is still useful


def test_logs_and_email_access_log_drops_query_strings():
    line = _access_line("/wellbeing/history/?search=nightmares&page=2", referer="https://p.example/x?email=a@b.c")
    assert "/wellbeing/history/" in line
    assert "nightmares" not in line and "page=2" not in line and "a@b.c" not in line


def test_logs_and_email_redaction_keeps_ordinary_paths():
    assert redact_url("/team/people/12/") == "/team/people/12/"
    assert redact_url("-") == "-"


def test_logs_and_email_bin_web_uses_the_redacting_access_logger():
    command = (ROOT / "bin/web").read_text()
    words = shlex.split(command.split("exec", 1)[1].replace("\\\n", " "))
    assert "--access-logfile" in words
    assert words[words.index("--logger-class") + 1] == "portal.gunicorn_logging.RedactingLogger"
    assert "--access-logformat" not in words  # the default format; every URL atom is redacted


# Item 10 ---------------------------------------------------------------------------------------

def test_smaller_findings_production_cookies_are_host_prefixed():
    show = ("from django.conf import settings as s; import json; print(json.dumps([s.SESSION_COOKIE_NAME, "
            "s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_PATH, "
            "s.CSRF_COOKIE_PATH, s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN]))")
    result = run_manage("shell", "-c", show, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown == ["__Host-sessionid", "__Host-csrftoken", True, True, "/", "/", None, None]
    development = run_manage("shell", "-c", show, DEBUG="true")
    assert json.loads(development.stdout.strip().splitlines()[-1])[:2] == ["sessionid", "csrftoken"]


def test_smaller_findings_host_prefixed_cookies_are_sent_secure_on_the_root_path(client, db, settings):
    settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = "__Host-sessionid", "__Host-csrftoken"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = client.get("/accounts/login/", secure=True)
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]


def test_smaller_findings_healthz_tells_outsiders_only_the_status(client, db):
    response = client.get("/healthz", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    forged = client.get("/healthz", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert json.loads(forged.content) == {"status": "ok"}


def test_smaller_findings_healthz_details_for_loopback_and_the_monitoring_network(client, db, settings):
    assert json.loads(client.get("/healthz", REMOTE_ADDR="127.0.0.1").content)["database"] == "ok"
    assert json.loads(client.get("/healthz", REMOTE_ADDR="::1").content)["database"] == "ok"
    settings.HEALTHZ_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert json.loads(client.get("/healthz", REMOTE_ADDR="10.20.3.4").content)["database"] == "ok"
    assert json.loads(client.get("/healthz", REMOTE_ADDR="127.0.0.1").content) == {"status": "ok"}


def test_smaller_findings_healthz_refuses_a_malformed_network_at_start_up():
    result = run_manage("check", **PRODUCTION, HEALTHZ_ALLOWED_NETWORKS="10.0.0.0/33")
    assert result.returncode != 0 and "HEALTHZ_ALLOWED_NETWORKS" in result.stderr


def test_smaller_findings_compose_publishes_the_web_port_on_loopback_only():
    compose = (ROOT / "docker-compose.yml").read_text()
    published = re.findall(r'^\s*-\s*"?([\d.:\[\]]+:\d+:\d+|\d+:\d+|\d+)"?\s*$', compose, flags=re.MULTILINE)
    assert published, "the web service publishes its port"
    assert all(port.startswith("127.0.0.1:") for port in published), published
    assert "BEHIND_TLS_PROXY" in compose  # the reason it matters: X-Forwarded-Proto is trusted
