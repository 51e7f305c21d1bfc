"""The log scan: it finds what it should, and the sign-in, two-factor, lockout and password
journeys log nothing secret (the whole run is scanned again at the end by tests/logscan.py)."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from django.core import mail
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PASSWORD, PlainClient
from portal import twofactor
from portal.models import Notification
from tests import logscan
from tests.logscan import REGISTRY, Leak, find_leaks


def test_the_scanner_finds_a_password_in_a_log_line(logscan):
    logscan.secret("an-unusual-passphrase-99", "password")
    logging.getLogger("portal.careless").warning("user typed %s", "an-unusual-passphrase-99")
    assert logscan.leaks() == [Leak("portal.careless", "password")]
    logscan.forget()  # leaked on purpose: keep it out of the whole-run scan
    assert logscan.leaks() == []


def test_codes_match_only_as_whole_numbers():
    secrets = {"123456": "one-time code"}
    assert find_leaks([("a", "took 0.1234567 s")], secrets) == []
    assert find_leaks([("a", "code=123456 ok")], secrets) == [Leak("a", "one-time code")]
    # the microseconds of a timestamp (axes logs them) are not a code
    assert find_leaks([("a", "attempts older than 2026-11-30 10:36:52.123456+00:00")], secrets) == []
    # nor six digits inside a hexadecimal task id (Celery logs them)
    task = "Task wellbeing.urgent_route_sweep[5f0c2a1e-9b7d-4c3e-8a2f-e123456b9c0d] succeeded in 0.01s: None"
    assert find_leaks([("celery.app.trace", task)], secrets) == []
    assert find_leaks([("a", "code 123456-then")], secrets) == [Leak("a", "one-time code")]


def test_trivial_values_are_not_treated_as_secrets():
    before = dict(REGISTRY.secrets)
    logscan.secret("000000000000", "free text")
    logscan.secret("ok", "password")
    assert REGISTRY.secrets == before


def test_free_text_typed_into_wellbeing_models_is_collected(monkeypatch, officer):
    monkeypatch.setattr(logscan, "FREE_TEXT_APPS", ("portal",))
    note = Notification(user=officer, title="t", body="I keep seeing the images at night")
    logscan.register_free_text(Notification, note)
    assert REGISTRY.secrets["I keep seeing the images at night"] == "free text (portal.Notification.body)"


def test_the_sign_in_journeys_log_nothing_secret(logscan, caplog, officer, supervisor):
    caplog.set_level(logging.DEBUG)  # scan what even a debug-level production log would hold

    # Wrong passwords until locked out, then the right one refused.
    for _ in range(10):
        PlainClient().post("/accounts/login/", {"username": "officer", "password": "Wrong-Horse-Staple-1"})
    PlainClient().post("/accounts/login/", {"username": "officer", "password": PASSWORD})

    # A supervisor signs in, sets up an authenticator, keeps the recovery codes.
    client = PlainClient(REMOTE_ADDR="192.0.2.10")
    client.post("/accounts/login/", {"username": "supervisor", "password": PASSWORD})
    logscan.secret(client.cookies["sessionid"].value, "session key")
    client.get("/accounts/two-factor/setup/")
    device = twofactor.totp_device_pending(supervisor)
    client.post("/accounts/two-factor/setup/", {"otp_token": "999999"})
    device.throttle_reset()
    client.post("/accounts/two-factor/setup/", {"otp_token": twofactor.current_code(device)})
    page = client.get("/accounts/two-factor/recovery-codes/").content.decode()
    codes = re.findall(r"<code>([a-z2-9-]{11})</code>", page)
    for code in codes:
        logscan.secret(twofactor.normalise_code(code), "recovery code")

    # Later, on another device, with a recovery code; then sign out everywhere else.
    other = PlainClient(REMOTE_ADDR="192.0.2.11")
    other.post("/accounts/login/", {"username": "supervisor", "password": PASSWORD})
    other.post("/accounts/two-factor/", {"otp_token": codes[0]})
    logscan.secret(other.cookies["sessionid"].value, "session key")
    other.post("/accounts/security/sign-out-everywhere/", {"everywhere-password": "Not-My-Password-42"})
    other.post("/accounts/security/sign-out-everywhere/", {"everywhere-password": PASSWORD})

    # Change and reset a password.
    client.force_login(officer)
    client.post("/accounts/password_change/", {"old_password": PASSWORD, "new_password1": "Brand-New-Passphrase-77",
                                                "new_password2": "Brand-New-Passphrase-77"})
    client.post("/accounts/password_reset/", {"email": officer.email})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    logscan.secret(link.split("/")[-2], "password reset token")
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": "Reset-Passphrase-Gamma-3", "new_password2": "Reset-Passphrase-Gamma-3"})

    records = logscan.records()
    assert any("login failed" in text for _, text in records)
    assert any("Locking out" in text for _, text in records)
    assert any("two-factor verified" in text for _, text in records)
    for value in [PASSWORD, "Wrong-Horse-Staple-1", "Brand-New-Passphrase-77", "Reset-Passphrase-Gamma-3",
                  "Not-My-Password-42", "999999", twofactor.normalise_code(codes[0])]:
        assert value in REGISTRY.secrets, value
    assert logscan.leaks() == []


# Issue 16 item 4: a leak names the test that logged it ----------------------------------------

SUB_RUN_TESTS = '''
import logging

import pytest

from tests import logscan

SECRET = "sub-run-passphrase-" + "4711"
FIXTURE_SECRET = "fixture-horse-" + "8126"
QUIET_SECRET = "quiet-lantern-" + "5390"


@pytest.fixture
def careless_fixture():
    logscan.secret(FIXTURE_SECRET, "password")
    logging.getLogger("portal.fixtures").warning("set up with %s", FIXTURE_SECRET)
    yield


def test_logs_nothing_secret():
    logscan.secret(QUIET_SECRET, "password")
    logging.getLogger("portal.careful").warning("a user signed in")


def test_leaks_a_password():
    logscan.secret(SECRET, "password")
    logging.getLogger("portal.careless").warning("user typed %s", SECRET)


def test_uses_a_careless_fixture(careless_fixture):
    pass


def test_z_logs_a_value_another_test_typed():
    logging.getLogger("portal.careless").warning("logged %s", QUIET_SECRET)
'''


def test_a_leak_names_the_test_that_logged_it():
    records = [logscan.Record("django.request", "POST /login password=hunter-2-horse", "tests/test_a.py::test_one"),
               logscan.Record("django.request", "GET / 200", "tests/test_b.py::test_two")]
    leaks = find_leaks(records, {"hunter-2-horse": "password"})
    assert leaks == [Leak("django.request", "password", "tests/test_a.py::test_one")]
    assert str(leaks[0]) == "tests/test_a.py::test_one: password in django.request"
    assert "hunter-2-horse" not in str(leaks[0])


def test_a_value_hypothesis_typed_counts_only_in_the_test_that_typed_it():
    """Random fuzz input registered as a password turns up by chance in other tests' tracebacks
    and URLs; in the fuzz test's own records it is still a leak."""
    value = "fuzzed-" + "q7+z"
    records = [logscan.Record("celery.app.trace", f"Traceback ... {value} ...", "tests/b.py::test_other"),
               logscan.Record("portal.careless", f"typed {value}", "tests/a.py::test_fuzz")]
    sources = {value: "tests/a.py::test_fuzz"}
    assert find_leaks(records, {value: "password"}, sources, {value}) == [
        Leak("portal.careless", "password", "tests/a.py::test_fuzz")]
    assert len(find_leaks(records, {value: "password"}, sources)) == 2  # a value handled for real counts anywhere


@settings(max_examples=1, database=None, deadline=None)
@given(st.just("hypothesis-typed-" + "5173"))
def test_values_handled_inside_a_hypothesis_example_are_marked_generated(value):
    logscan.secret(value, "password")
    assert value in REGISTRY.generated
    logscan.secret(value, "password")
    assert value in REGISTRY.generated


def test_a_generated_value_handled_again_for_real_counts_everywhere():
    value = "hypothesis-typed-" + "5173"
    REGISTRY.generated.add(value)  # as the test above leaves it
    logscan.secret(value, "password")
    assert value not in REGISTRY.generated


def test_records_carry_the_running_test(request, logscan):
    assert REGISTRY.current_test == request.node.nodeid
    logging.getLogger("portal.careful").warning("an ordinary line")
    assert REGISTRY.records[-1].test == request.node.nodeid
    assert logscan.records()[-1] == ("portal.careful", REGISTRY.records[-1].text)


def test_the_end_of_run_report_names_each_leaking_test_and_never_the_secret(tmp_path):
    """A separate pytest run over four tests: one logs a password, one uses a fixture that does, one
    logs a value that another test (which logged nothing secret) handled as a password. The run
    fails, and the log scan names exactly the three tests that logged, and where the third value
    came from."""
    (tmp_path / "test_leaky.py").write_text(SUB_RUN_TESTS)
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST"}}
    env["PYTHONPATH"] = str(root)  # the project's settings and tests.logscan, from a run rooted elsewhere
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "test_leaky.py", "-c", str(root / "pyproject.toml"),
         "--rootdir", str(tmp_path), "-p", "tests.logscan", "-q"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    output = result.stdout + result.stderr
    assert "4 passed" in output, output
    assert result.returncode == 1, output  # every test passed, the log scan failed the run
    assert "3 leak(s)" in output
    leaks = [line.strip() for line in output.splitlines() if line.strip().startswith("LEAK:")]
    assert len(leaks) == 3, output
    assert leaks == ["LEAK: test_leaky.py::test_leaks_a_password: password in portal.careless",
                     "LEAK: test_leaky.py::test_uses_a_careless_fixture (setup): password in portal.fixtures",
                     "LEAK: test_leaky.py::test_z_logs_a_value_another_test_typed: password in portal.careless "
                     "(a value first handled by test_leaky.py::test_logs_nothing_secret)"]
    for value in ("sub-run-passphrase-4711", "fixture-horse-8126", "quiet-lantern-5390"):
        assert value not in output
