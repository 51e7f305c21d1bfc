"""Sign in, sign out, change and reset a password, as a person would."""

import re

from django.conf import settings
from django.core import mail

from conftest import PASSWORD
from portal.models import AuditEvent


def test_signing_in_lands_on_the_roles_start_page(client, officer):
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/exposure/"
    assert AuditEvent.objects.filter(action="login", actor=officer).exists()


def test_a_supervisor_signs_in_with_password_then_code_and_lands_on_the_team_page(client, supervisor):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.twofactor import current_code

    device = TOTPDevice.objects.create(user=supervisor, name="Phone")
    response = client.post("/accounts/login/", {"username": "supervisor", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/two-factor/"
    response = client.post("/accounts/two-factor/", {"otp_token": current_code(device)}, follow=True)
    assert response.redirect_chain[-1][0] == "/team/"
    assert AuditEvent.objects.filter(action="login", actor=supervisor).exists()


def test_a_wrong_password_is_refused_with_a_message_and_audited(client, officer):
    response = client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    event = AuditEvent.objects.get(action="login_failed")
    assert event.detail == {"username": "officer", "locked_out": False}
    assert "wrong" not in str(event.detail)


def test_signing_out_needs_a_post_and_ends_the_session(client, officer):
    client.force_login(officer)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/exposure/").status_code == 302


def test_changing_a_password(client, officer):
    client.force_login(officer)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "a-much-longer-passphrase-42",
         "new_password2": "a-much-longer-passphrase-42"},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a-much-longer-passphrase-42")


def test_a_short_new_password_is_refused_on_the_form(client, officer):
    client.force_login(officer)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


def test_resetting_a_forgotten_password_by_email(client, officer):
    response = client.post("/accounts/password_reset/", {"email": officer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(re.escape(settings.SITE_URL) + r"(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": "brand-new-passphrase-77",
                                      "new_password2": "brand-new-passphrase-77"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("brand-new-passphrase-77")


def test_a_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.invalid"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_an_over_long_username_is_refused_on_the_form_not_with_a_server_error(client, officer):
    response = client.post("/accounts/login/", {"username": "x" * 5000, "password": "whatever-it-is"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
