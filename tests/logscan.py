"""A pytest plugin that scans everything logged during a test run for secrets (ASVS 7.1.1, 7.1.2).

While the tests run it collects every secret the code handles: each raw password given to
set_password or check_password, each session key Django creates, each one-time code and recovery
code offered or issued, each TOTP key, and the free text officers type (every TextField value saved
in the exposure and wellbeing apps). It also keeps every log record, formatted as production would
write it, with the id of the test that was running when it was logged (the server thread of a
browser test counts as its test), marked "(setup)" or "(teardown)" when logged by its fixtures
(session-wide fixtures run in the first test's setup and the last one's teardown). At the end of the
run any secret found in any record fails the run, one line per leak: "<test id>: <kind of secret>
in <logger>" (never the secret itself), followed by the test that first handled that secret when it
was another one (a value typed in one test and logged by chance in another is then easy to tell
from a real leak). Values that Hypothesis generates (random text typed into password fields by the
fuzz tests) count only in the records of the test that typed them: a few thousand random strings
otherwise turn up by chance inside some other test's traceback or URL and fail an innocent run.

Tests can also use the `logscan` fixture: `logscan.secret(value, kind)` registers a value,
`logscan.leaks()` lists the leaks in records logged during that test.

Loaded from the root conftest.py (`pytest_plugins = ["tests.logscan"]`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import pytest
from hypothesis import currently_in_test_context

FREE_TEXT_APPS = ("exposure", "wellbeing")
MIN_LENGTH = 6
FREE_TEXT_MIN_LENGTH = 12
MIN_DISTINCT = 4  # "000000000000" is not a secret worth matching: it appears in ordinary log lines
OUTSIDE_TESTS = "(outside any test)"  # records logged before the first test or after the last one


@dataclass(frozen=True)
class Leak:
    logger: str
    kind: str
    test: str = ""  # the node id of the test that logged it, when the records say
    source: str = field(default="", compare=False)  # the test that first handled the secret

    def __str__(self):
        if not self.test:
            return f"{self.kind} in a record of logger {self.logger!r}"
        text = f"{self.test}: {self.kind} in {self.logger}"
        if self.source and _node_id(self.source) != _node_id(self.test):
            text += f" (a value first handled by {self.source})"
        return text


def _node_id(test: str) -> str:
    return test.removesuffix(" (setup)").removesuffix(" (teardown)")


class Record(NamedTuple):
    logger: str
    text: str  # formatted as production would write it
    test: str  # node id of the test running when it was logged (+ its phase), or OUTSIDE_TESTS


@dataclass
class Registry:
    secrets: dict[str, str] = field(default_factory=dict)  # value -> kind
    sources: dict[str, str] = field(default_factory=dict)  # value -> the test running when it was first added
    generated: set[str] = field(default_factory=set)  # values only ever handled inside Hypothesis examples
    records: list[Record] = field(default_factory=list)
    current_test: str = OUTSIDE_TESTS  # set by pytest_runtest_protocol below; read by any thread

    def add(self, value, kind: str) -> None:
        if value is None:
            return
        text = str(value)
        if kind == "one-time code":
            if re.fullmatch(r"\d{6,8}", text):
                self._keep(text, kind)
            return
        # Free text must be longer before it counts: short random strings from property tests
        # would otherwise turn up by chance inside ordinary log lines.
        minimum = FREE_TEXT_MIN_LENGTH if kind.startswith("free text") else MIN_LENGTH
        if len(text) >= minimum and len(set(text)) >= MIN_DISTINCT:
            self._keep(text, kind)

    def _keep(self, text: str, kind: str) -> None:
        self.secrets.setdefault(text, kind)
        in_example = currently_in_test_context()
        if text not in self.sources:
            self.sources[text] = self.current_test
            if in_example:
                self.generated.add(text)
        if not in_example:
            self.generated.discard(text)  # handled for real: it counts everywhere


REGISTRY = Registry()


def secret(value, kind: str) -> None:
    """Register a value that must never appear in a log."""
    REGISTRY.add(value, kind)


def find_leaks(records: list[tuple[str, str]] | list[Record], secrets: dict[str, str],
               sources: dict[str, str] | None = None, generated: set[str] | frozenset = frozenset()) -> list[Leak]:
    """Every (test, logger, kind) where a secret occurs in a record: records are (logger, text) or
    `Record`s, which also name the test that logged them; `sources` names the test that first
    handled each secret; a `generated` value counts only in that test's own records. Digit codes
    must stand alone (not inside a longer number or a hexadecimal id, nor the fraction of a timestamp)."""
    found: set[Leak] = set()
    rows = [(record[0], record[1], record[2] if len(record) > 2 else "") for record in records]
    everything = "\n".join(text for _, text, _ in rows)  # one fast search per secret first
    for value, kind in secrets.items():
        if value not in everything:
            continue
        if value.isdigit():
            # Not after a decimal point either: the microseconds of a logged timestamp
            # ("older than 2026-11-30 10:36:52.106034+00:00") are six digits and equal a code by chance.
            # Nor inside a word: a Celery task id is hexadecimal ("...-1c2e123456f0..."), and a run of
            # six digits between two hex letters equals a code by chance too (seen in CI).
            pattern = re.compile(rf"(?<![\w.]){value}(?!\w)")
            hits = [(name, test) for name, text, test in rows if value in text and pattern.search(text)]
        else:
            hits = [(name, test) for name, text, test in rows if value in text]
        source = (sources or {}).get(value, "")
        if value in generated:
            hits = [(name, test) for name, test in hits if _node_id(test) == _node_id(source)]
        found.update(Leak(name, kind, test, source) for name, test in hits)
    return sorted(found, key=lambda leak: (leak.test, leak.logger, leak.kind))


class CaptureHandler(logging.Handler):
    """Every record as production writes it, with the request id that LOG_FORMAT=json adds (the JSON
    form escapes quotes and backslashes, so the scan reads the same fields unescaped)."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        from portal.logjson import RequestIdFilter

        self.addFilter(RequestIdFilter())
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"))

    def emit(self, record):
        try:
            text = self.format(record)
        except Exception:  # a record whose arguments do not format: keep what we can read
            text = f"{record.msg!r} {record.args!r}"
        REGISTRY.records.append(Record(record.name, text, REGISTRY.current_test))


def _install_collectors():
    """Wrap the places where secrets pass through, so that each one is registered."""
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.sessions.backends.base import SessionBase
    from django.db.models.signals import post_save, pre_save
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def wrap(cls, name, register):
        original = getattr(cls, name)
        if getattr(original, "_logscan", False):
            return

        def wrapper(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            register(self, args, result)
            return result

        wrapper._logscan = True
        setattr(cls, name, wrapper)

    wrap(AbstractBaseUser, "set_password", lambda user, args, result: secret(args[0] if args else None, "password"))
    wrap(AbstractBaseUser, "check_password", lambda user, args, result: secret(args[0] if args else None, "password"))
    wrap(SessionBase, "_get_new_session_key", lambda store, args, key: secret(key, "session key"))
    wrap(TOTPDevice, "verify_token", lambda device, args, result: secret(args[0] if args else None, "one-time code"))
    wrap(StaticDevice, "verify_token", lambda device, args, result: secret(args[0] if args else None, "recovery code"))

    def on_totp_saved(sender, instance, **kwargs):
        from portal.twofactor import base32_secret

        secret(instance.key, "TOTP key")
        secret(base32_secret(instance), "TOTP key")

    def on_token_saved(sender, instance, **kwargs):
        secret(instance.token, "recovery code")

    def on_any_save(sender, instance, **kwargs):
        register_free_text(sender, instance)

    post_save.connect(on_totp_saved, sender=TOTPDevice, weak=False, dispatch_uid="logscan-totp")
    post_save.connect(on_token_saved, sender=StaticToken, weak=False, dispatch_uid="logscan-static")
    pre_save.connect(on_any_save, weak=False, dispatch_uid="logscan-free-text")

    original_bulk_create = StaticToken.objects.bulk_create

    def bulk_create(objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            secret(obj.token, "recovery code")
        return original_bulk_create(objs, *args, **kwargs)

    StaticToken.objects.bulk_create = bulk_create


def register_free_text(sender, instance) -> None:
    """Every TextField value of a model in FREE_TEXT_APPS: what officers type in their own words."""
    from django.db.models import TextField

    if sender._meta.app_label not in FREE_TEXT_APPS:
        return
    for model_field in sender._meta.concrete_fields:
        if isinstance(model_field, TextField):
            kind = f"free text ({sender._meta.label}.{model_field.name})"
            secret(getattr(instance, model_field.attname, None), kind)


_HANDLER = CaptureHandler()


@pytest.fixture(scope="session", autouse=True)
def _logscan_session(django_test_environment):
    """Runs once Django has configured logging (its dictConfig would drop an earlier handler)."""
    from django.conf import settings

    secret(settings.DEMO_PASSWORD, "password")
    secret(settings.DEMO_TOTP_SECRET, "TOTP key")
    _install_collectors()
    root = logging.getLogger()
    root.addHandler(_HANDLER)
    yield
    root.removeHandler(_HANDLER)


class LogScan:
    def __init__(self):
        self.start = len(REGISTRY.records)

    def secret(self, value, kind: str) -> None:
        secret(value, kind)

    def records(self) -> list[tuple[str, str]]:
        """(logger, text) of each record logged during this test."""
        return [(record.logger, record.text) for record in REGISTRY.records[self.start:]]

    def leaks(self) -> list[Leak]:
        """(logger, kind) of each leak in this test's records, by the whole-run scan's rules: a value
        Hypothesis generated in another test does not count here either."""
        found = find_leaks(REGISTRY.records[self.start:], REGISTRY.secrets, REGISTRY.sources, REGISTRY.generated)
        return sorted({Leak(leak.logger, leak.kind) for leak in found}, key=lambda leak: (leak.logger, leak.kind))

    def forget(self) -> None:
        """Drop the records of this test: only for tests of the scanner that leak on purpose."""
        del REGISTRY.records[self.start:]


@pytest.fixture
def logscan():
    return LogScan()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Every record logged from here to the end of the test's teardown belongs to this test. A
    plain attribute, not a context variable: a browser test's live server logs from its own thread."""
    REGISTRY.current_test = item.nodeid
    try:
        return (yield)
    finally:
        REGISTRY.current_test = OUTSIDE_TESTS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    REGISTRY.current_test = f"{item.nodeid} (setup)"
    try:
        return (yield)
    finally:
        REGISTRY.current_test = item.nodeid


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    REGISTRY.current_test = f"{item.nodeid} (teardown)"
    try:
        return (yield)
    finally:
        REGISTRY.current_test = item.nodeid


def pytest_sessionfinish(session, exitstatus):
    if not REGISTRY.records:
        return
    leaks = find_leaks(REGISTRY.records, REGISTRY.secrets, REGISTRY.sources, REGISTRY.generated)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", "log scan", bold=True)
        reporter.write_line(
            f"{len(REGISTRY.records)} log records scanned for {len(REGISTRY.secrets)} secrets: "
            + (f"{len(leaks)} leak(s)" if leaks else "no leaks")
        )
        for leak in leaks:
            reporter.write_line(f"  LEAK: {leak}", red=True)
    if leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
