"""Production settings: refuse a development key, pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_KEY = "k" * 20 + "-a-real-production-secret-key-0123456789-abcdefgh"
REAL_MAIL = "smtp+tls://portal:pw@mail.example.org:587"
REAL_PSEUDONYM_KEY = "p" * 20 + "-a-real-pseudonym-key-0123456789"


def run_manage(*args, **env):
    dropped = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_URL",
               "PSEUDONYM_KEY"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_with_the_development_key():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_checkout_with_nothing_configured_runs_in_development_mode():
    assert run_manage("check").returncode == 0
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_deployment_that_forgot_its_key_cannot_serve_other_hosts():
    result = run_manage("check", ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "DEBUG=true is for this computer only" in result.stderr


def test_production_refuses_a_short_key():
    result = run_manage("check", SECRET_KEY="too-short")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_deployment_checklist_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        SECRET_KEY=REAL_KEY, DEBUG="false", ALLOWED_HOSTS="portal.example.org", EMAIL_URL=REAL_MAIL,
                        PSEUDONYM_KEY=REAL_PSEUDONYM_KEY)
    assert result.returncode == 0, result.stderr + result.stdout


def test_models_and_migrations_agree():
    result = run_manage("makemigrations", "--check", "--dry-run", DEBUG="true")
    assert result.returncode == 0, result.stdout + result.stderr
