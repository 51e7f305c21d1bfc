"""Production refuses to start without a real key, with DEBUG reachable from other hosts, or
without HTTPS; and passes Django's deployment checklist at WARNING level."""

import pytest

from tests.test_settings import REAL_KEY, REAL_MAIL, REAL_PSEUDONYM_KEY, run_manage

PRODUCTION = {"SECRET_KEY": REAL_KEY, "DEBUG": "false", "ALLOWED_HOSTS": "portal.example.org", "EMAIL_URL": REAL_MAIL,
              "PSEUDONYM_KEY": REAL_PSEUDONYM_KEY}


@pytest.mark.parametrize(("override", "message"), [
    ({"DEBUG": "true"}, "DEBUG=true is for this computer only"),
    ({"SECURE_SSL_REDIRECT": "false"}, "SECURE_SSL_REDIRECT=true or BEHIND_TLS_PROXY=true"),
    ({"SESSION_COOKIE_SECURE": "false"}, "must be Secure"),
    ({"CSRF_COOKIE_SECURE": "false"}, "must be Secure"),
    ({"SECURE_HSTS_SECONDS": "86400"}, "SECURE_HSTS_SECONDS"),
])
def test_production_refuses_to_start_without_its_protections(override, message):
    result = run_manage("check", **{**PRODUCTION, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_behind_a_tls_proxy_the_redirect_may_be_left_to_the_proxy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        **{**PRODUCTION, "SECURE_SSL_REDIRECT": "false", "BEHIND_TLS_PROXY": "true"})
    assert result.returncode != 0  # check --deploy still wants SECURE_SSL_REDIRECT (W008)
    result = run_manage("check", **{**PRODUCTION, "SECURE_SSL_REDIRECT": "false", "BEHIND_TLS_PROXY": "true"})
    assert result.returncode == 0, result.stderr


def test_the_deployment_checklist_passes_with_two_factor_and_lockout_installed():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout


def test_debug_on_this_computer_still_works():
    result = run_manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr
