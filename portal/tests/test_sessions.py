"""Sessions: a new key at sign-in, idle and absolute limits, and every other session ended by a
password change or by 'sign out everywhere else'."""

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD, TwoFactorClient
from portal.models import AuditEvent


def signed_in(user):
    client = TwoFactorClient()
    client.force_login(user)
    return client


def test_the_session_key_changes_at_sign_in(unverified_client, officer):
    unverified_client.get("/accounts/login/")
    session = unverified_client.session
    session["planted"] = True  # a key an attacker might have fixed in the victim's browser
    session.save()
    before = session.session_key
    unverified_client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert unverified_client.session.session_key != before


def test_a_session_older_than_twelve_hours_ends_however_busy(client, officer, settings):
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60
    client.force_login(officer)
    session = client.session
    session["_signed_in_at"] = int(time.time()) - settings.SESSION_ABSOLUTE_TIMEOUT - 5
    session["_last_seen"] = int(time.time())  # active a moment ago
    session.save()
    response = client.get("/exposure/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/exposure/").status_code == 302


def test_the_limits_are_thirty_minutes_idle_and_twelve_hours_in_all(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_changing_the_password_ends_every_other_session(officer):
    here, elsewhere = signed_in(officer), signed_in(officer)
    assert elsewhere.get("/exposure/").status_code == 200
    response = here.post("/accounts/password_change/", {
        "old_password": PASSWORD, "new_password1": "a-much-longer-passphrase-42",
        "new_password2": "a-much-longer-passphrase-42"})
    assert response.status_code == 302
    assert here.get("/exposure/").status_code == 200
    assert elsewhere.get("/exposure/").status_code == 302


def test_sign_out_everywhere_else_ends_other_sessions_and_keeps_this_one(supervisor):
    here, laptop, phone = signed_in(supervisor), signed_in(supervisor), signed_in(supervisor)
    response = here.post("/accounts/security/sign-out-everywhere/", {"everywhere-password": PASSWORD})
    assert response["Location"] == "/accounts/security/"
    assert here.get("/team/").status_code == 200
    assert laptop.get("/team/").status_code == 302
    assert phone.get("/team/").status_code == 302
    supervisor.refresh_from_db()
    assert supervisor.check_password(PASSWORD)  # same password, new hash
    assert AuditEvent.objects.filter(action="sessions_ended", subject=supervisor).exists()


def test_sign_out_everywhere_needs_the_password_and_a_stolen_session_cannot_guess_it(officer):
    here, elsewhere = signed_in(officer), signed_in(officer)
    response = here.post("/accounts/security/sign-out-everywhere/", {"everywhere-password": "guess-1"})
    assert response.status_code == 400 and "not your current password" in response.content.decode()
    assert elsewhere.get("/exposure/").status_code == 200
    for attempt in range(2, 6):
        response = here.post("/accounts/security/sign-out-everywhere/", {"everywhere-password": f"guess-{attempt}"})
    assert response["Location"] == "/accounts/login/"
    assert here.get("/exposure/").status_code == 302
    assert AuditEvent.objects.filter(action="password_confirm_failed", subject=officer).count() == 5


def test_sign_out_everywhere_is_post_only(client, officer):
    client.force_login(officer)
    assert client.get("/accounts/security/sign-out-everywhere/").status_code == 405


def test_signing_out_ends_the_session_on_the_server(officer):
    client = signed_in(officer)
    key = client.session.session_key
    client.post("/accounts/logout/")
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
    # Replaying the old cookie gets nothing.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/exposure/").status_code == 302


def test_the_security_page_shows_recent_activity(client, officer):
    client.force_login(officer)
    page = client.get("/accounts/security/").content.decode()
    assert "Signed in with your password" in page
    assert "Sign out everywhere else" in page and "Set up two-factor sign-in" in page


def test_a_password_change_is_audited_and_shown_on_the_security_page(client, officer):
    client.force_login(officer)
    client.post("/accounts/password_change/", {"old_password": PASSWORD, "new_password1": "a-much-longer-passphrase-42",
                                                "new_password2": "a-much-longer-passphrase-42"})
    assert AuditEvent.objects.filter(action="password_changed", subject=officer).exists()
    assert "Password changed" in client.get("/accounts/security/").content.decode()


def _session_row(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).session_data


def test_the_idle_clock_is_written_once_a_minute_not_on_every_page(client, officer, settings):
    """A page opened within a minute of the last write leaves the session row alone (no UPDATE, no
    commit); one opened a minute or more later moves the clock on, so a busy person is never signed
    out for being idle, and an idle one at most a minute early."""
    client.force_login(officer)
    assert client.get("/exposure/").status_code == 200
    written = _session_row(client)
    last_seen = client.session["_last_seen"]
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/exposure/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert _session_row(client) == written and client.session["_last_seen"] == last_seen
    session = client.session
    session["_last_seen"] = last_seen - 60
    session.save()
    assert client.get("/exposure/").status_code == 200
    assert client.session["_last_seen"] >= last_seen
    session = client.session
    session["_last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 30  # idle 29.5 minutes: still in
    session.save()
    assert client.get("/exposure/").status_code == 200 and client.session["_last_seen"] >= int(time.time()) - 5


def test_a_signed_in_page_reads_the_person_and_their_devices_in_one_query(client, officer, django_assert_num_queries):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.twofactor import PortalBackend

    backend = PortalBackend()
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    TOTPDevice.objects.create(user=officer, name="old phone", confirmed=False)
    with django_assert_num_queries(1):
        user = backend.get_user(str(officer.pk))
    assert user == officer and user.username == "officer" and user.otp_totp_pk == device.pk
    assert user.otp_static_pk is None
    with django_assert_num_queries(1):
        assert backend.get_user(officer.pk).otp_totp_pk == device.pk  # the statement is reused
    assert backend.get_user(officer.pk + 1000) is None and backend.get_user("not a number") is None
    officer.is_active = False
    officer.save()
    assert backend.get_user(officer.pk) is None  # a deactivated account is signed out


def test_signing_in_starts_the_idle_clock_so_the_first_page_writes_nothing(unverified_client, officer):
    unverified_client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    session = unverified_client.session
    assert session["_last_seen"] == session["_signed_in_at"] and session["_last_seen"] >= int(time.time()) - 5
