"""Personas shared by every app's tests.

A force with team A (supervised by `supervisor`, members `officer` and `teammate`) and team B
(members `outsider`, supervised by `other_supervisor`), plus `oh`, `trainer` and `admin_user` in the
same force, and `foreign_oh` and `foreign_officer` in a second force."""

import pytest
from django.test import Client, RequestFactory

from portal.tests.factories import OfficerFactory, OrganisationFactory, TeamFactory, UnitFactory, UserFactory

pytest_plugins = ["tests.logscan", "tests.oidc_support"]  # oidc_support: the test identity provider

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request in Welsh leaves Welsh active in the thread
    after it (the locale middleware activates a language and nothing deactivates it), and a later
    test that words something outside a request would otherwise read Welsh, depending on the order
    the tests ran in."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache holds rate counters (password resets, sign-in slowdown): each test starts at zero.
    Nothing of the catalogue is kept either (portal/catalogue.py): a test's first read is a read."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from portal import catalogue

    catalogue.forget()
    # Only the in-process cache: on Redis (worker tests), clear() would flush the broker's database.
    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()
    yield


def _login_request():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().post("/accounts/login/")
    request.user = AnonymousUser()
    return request


class TwoFactorClient(Client):
    """The test client, except that signing in also completes two-factor sign-in, so that tests of
    supervisors, trainers, OH and admins need not know about it. Users whose role requires it get a
    TOTP device if they have none. Tests of two-factor itself use `unverified_client`."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        self.complete_two_factor(user)

    def login(self, **credentials):
        # django-axes needs the request to decide on a lockout; Django's test client passes none.
        credentials.setdefault("request", _login_request())
        signed_in = super().login(**credentials)
        if signed_in:
            from portal.models import User

            self.complete_two_factor(User.objects.get(pk=self.session["_auth_user_id"]))
        return signed_in

    def complete_two_factor(self, user):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from portal.twofactor import requires_two_factor

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None and requires_two_factor(user):
            device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


class PlainClient(Client):
    """Signs in with the password only (the two-factor step still to do); passes the request
    django-axes needs."""

    def login(self, **credentials):
        credentials.setdefault("request", _login_request())
        return super().login(**credentials)


@pytest.fixture
def client():
    return TwoFactorClient()


@pytest.fixture
def unverified_client():
    return PlainClient()


@pytest.fixture
def admin_client(db, admin_user):
    client = TwoFactorClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def force(db):
    return OrganisationFactory(name="Testshire Constabulary", slug="testshire")


@pytest.fixture
def other_force(db):
    return OrganisationFactory(name="Otherland Police", slug="otherland")


@pytest.fixture
def team_a(force):
    return TeamFactory(unit=UnitFactory(organisation=force, name="Response"), name="A")


@pytest.fixture
def team_b(force, team_a):
    return TeamFactory(unit=team_a.unit, name="B")


@pytest.fixture
def supervisor(force, team_a):
    user = UserFactory(username="supervisor", organisation=force, is_supervisor=True)
    team_a.supervisors.add(user)
    return user


@pytest.fixture
def other_supervisor(force, team_b):
    user = UserFactory(username="other_supervisor", organisation=force, is_supervisor=True)
    team_b.supervisors.add(user)
    return user


@pytest.fixture
def officer(force, team_a, supervisor):
    return OfficerFactory(username="officer", organisation=force, team=team_a)


@pytest.fixture
def teammate(force, team_a, supervisor):
    return OfficerFactory(username="teammate", organisation=force, team=team_a, high_risk_role="cse_review")


@pytest.fixture
def outsider(force, team_b, other_supervisor):
    return OfficerFactory(username="outsider", organisation=force, team=team_b, high_risk_role="firearms")


@pytest.fixture
def oh(force):
    return UserFactory(username="oh", organisation=force, is_oh=True)


@pytest.fixture
def trainer(force):
    return UserFactory(username="trainer", organisation=force, is_trainer=True)


@pytest.fixture
def admin_user(force):
    return UserFactory(username="admin", organisation=force, is_staff=True, is_superuser=True)


@pytest.fixture
def foreign_officer(other_force):
    return OfficerFactory(username="foreign_officer", organisation=other_force)


@pytest.fixture
def foreign_oh(other_force):
    return UserFactory(username="foreign_oh", organisation=other_force, is_oh=True)


@pytest.fixture
def login(client):
    """login(user) signs `user` in on the test client and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def pytest_collection_modifyitems(items):
    """Transactional tests (browser, worker) empty every table when they end, which would also
    remove the rows that data migrations create (exposure categories, support contacts, schedules)
    for the tests that follow. Serialized rollback puts them back."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "transactional_db" in names or "live_server" in names:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


# Test-only: Django's flush, which empties the database after each transactional test, TRUNCATEs
# every table in one statement, and on PostgreSQL the audit table refuses TRUNCATE (a statement
# trigger, portal/migrations/0007). The test database's superuser switches that one trigger off for
# the flush alone, inside the flush's own transaction; it is back on before anything else runs.
_AUDIT_TRUNCATE_TRIGGER = """
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'portal_audit_no_truncate') THEN
        ALTER TABLE portal_auditevent {} TRIGGER portal_audit_no_truncate;
    END IF;
END $$;
"""


@pytest.fixture(scope="session", autouse=True)
def _test_flush_may_empty_the_audit_table():
    from django.db import transaction
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            cursor.execute(_AUDIT_TRUNCATE_TRIGGER.format("DISABLE"))
            original(self, sql_list)
            cursor.execute(_AUDIT_TRUNCATE_TRIGGER.format("ENABLE"))

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original
