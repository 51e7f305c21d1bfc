"""Issue 16 item 4: PSEUDONYM_KEY is a secret of its own. With DEBUG off the portal refuses to start
without one, with the development one, with one equal to SECRET_KEY (rotating SECRET_KEY would then
silently break the linkage of every longitudinal export) or with one too short to be random.
Development needs nothing set and gets a fixed key that does not follow SECRET_KEY."""

import pytest

from tests.test_settings import REAL_KEY, REAL_MAIL, REAL_PSEUDONYM_KEY, run_manage

PRODUCTION = {"SECRET_KEY": REAL_KEY, "DEBUG": "false", "ALLOWED_HOSTS": "portal.example.org", "EMAIL_URL": REAL_MAIL,
              "PSEUDONYM_KEY": REAL_PSEUDONYM_KEY}
PRINT_KEY = "from django.conf import settings; print(settings.PSEUDONYM_KEY)"


def _production(**override):
    env = {**PRODUCTION, **override}
    return {k: v for k, v in env.items() if v is not None}


def test_pseudonym_key_production_refuses_to_start_without_one():
    result = run_manage("check", **_production(PSEUDONYM_KEY=None))
    assert result.returncode != 0
    assert "With DEBUG off, PSEUDONYM_KEY must be set" in result.stderr


@pytest.mark.parametrize("value", ["", "   "])
def test_pseudonym_key_production_refuses_an_empty_one(value):
    result = run_manage("check", **_production(PSEUDONYM_KEY=value))
    assert result.returncode != 0
    assert "With DEBUG off, PSEUDONYM_KEY must be set" in result.stderr


def test_pseudonym_key_production_refuses_the_development_one():
    result = run_manage("check", **_production(PSEUDONYM_KEY="dev-only-pseudonym-key-do-not-use-in-production"))
    assert result.returncode != 0
    assert "With DEBUG off, PSEUDONYM_KEY must be set" in result.stderr


def test_pseudonym_key_production_refuses_the_secret_key():
    result = run_manage("check", **_production(PSEUDONYM_KEY=REAL_KEY))
    assert result.returncode != 0
    assert "PSEUDONYM_KEY must differ from SECRET_KEY" in result.stderr
    assert REAL_KEY not in result.stderr  # the refusal names the setting, never its value


def test_pseudonym_key_production_refuses_a_short_one():
    result = run_manage("check", **_production(PSEUDONYM_KEY="x" * 31))
    assert result.returncode != 0
    assert "PSEUDONYM_KEY must be at least 32 random characters" in result.stderr


def test_pseudonym_key_production_starts_with_a_key_of_its_own():
    result = run_manage("shell", "-c", PRINT_KEY, **_production(PSEUDONYM_KEY="z" * 32))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "z" * 32


def test_pseudonym_key_development_needs_none_and_does_not_follow_the_secret_key():
    keys = set()
    for secret in ("first-" + "a" * 50, "second-" + "b" * 50):
        result = run_manage("shell", "-c", PRINT_KEY, DEBUG="true", SECRET_KEY=secret)
        assert result.returncode == 0, result.stderr
        key = result.stdout.strip().splitlines()[-1]
        assert key != secret
        keys.add(key)
    assert len(keys) == 1  # a fixed development key: a new SECRET_KEY leaves every pseudonym as it was
