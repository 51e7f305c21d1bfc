"""Lockout after repeated wrong passwords, per username and address together (never per address
alone), with a clear page, an audit event and an admin unlock."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.utils import timezone

from conftest import PASSWORD, PlainClient
from portal.models import AuditEvent
from tests.factories import OfficerFactory

STATION = "10.20.30.40"


def attempt(username, password, address=STATION):
    client = PlainClient(REMOTE_ADDR=address)
    return client, client.post("/accounts/login/", {"username": username, "password": password})


def fail(username, times, address=STATION):
    for _ in range(times):
        attempt(username, "wrong-password", address)


def test_ten_wrong_passwords_lock_that_username_from_that_address(officer, settings):
    assert settings.AXES_FAILURE_LIMIT == 10
    fail("officer", 9)
    client, response = attempt("officer", PASSWORD)
    assert response.status_code == 302  # nine is not yet a lockout, and success clears the count
    fail("officer", 10)
    client, response = attempt("officer", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in paused" in page and "30 minutes" in page and "administrator" in page
    assert client.get("/exposure/").status_code == 302
    assert AuditEvent.objects.filter(action="lockout", detail__username="officer").exists()
    assert AuditEvent.objects.filter(action="login_failed").count() == 9 + 10 + 1
    assert AuditEvent.objects.filter(action="login_failed").first().detail == {"username": "officer",
                                                                              "locked_out": True}


def test_a_station_sharing_one_address_is_not_locked_out_by_one_person(officer, force, team_a):
    colleagues = [OfficerFactory(organisation=force, team=team_a) for _ in range(3)]
    fail("officer", 12)
    assert attempt("officer", PASSWORD)[1].status_code == 429
    for colleague in colleagues:
        assert attempt(colleague.username, PASSWORD)[1].status_code == 302


def test_the_same_username_from_another_address_still_signs_in(officer):
    fail("officer", 12)
    assert attempt("officer", PASSWORD, address="192.0.2.7")[1].status_code == 302


def test_the_lock_lifts_after_the_cool_off(officer, settings):
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=30)
    fail("officer", 10)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert attempt("officer", PASSWORD)[1].status_code == 302


def test_the_cap_is_well_inside_asvs_100_failures_an_hour(settings):
    per_hour = settings.AXES_FAILURE_LIMIT * (timedelta(hours=1) / settings.AXES_COOLOFF_TIME)
    assert per_hour <= 100
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_an_admin_unlocks_a_username(client, admin_user, officer):
    fail("officer", 10)
    assert attempt("officer", PASSWORD)[1].status_code == 429
    client.force_login(admin_user)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "officer" in listing.content.decode()
    locked = AccessAttempt.objects.get(username="officer")
    response = client.post(f"/admin/axes/accessattempt/{locked.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert attempt("officer", PASSWORD)[1].status_code == 302


def test_no_password_is_stored_with_the_attempts(officer):
    fail("officer", 3)
    stored = AccessAttempt.objects.get(username="officer")
    assert "wrong-password" not in stored.post_data
    assert "csrfmiddlewaretoken=" not in stored.post_data or "****" in stored.post_data


def test_resetting_the_password_by_email_lifts_the_pause(officer, client):
    import re

    from django.core import mail

    fail("officer", 10)
    assert attempt("officer", PASSWORD)[1].status_code == 429
    PlainClient().post("/accounts/password_reset/", {"email": officer.email})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    new = "after-the-pause-passphrase"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert AuditEvent.objects.filter(action="password_reset", subject=officer).exists()
    assert attempt("officer", new)[1].status_code == 302
