"""Issue 15 item 4 (unattended session takeover): a session left open is not enough to change the
password by guessing, nor to take over the second factor. Changing the password allows five wrong
current passwords, like every other confirmation; replacing the authenticator and making new
recovery codes need the current password and a current code, and the person is emailed."""

import re

from django.core import mail
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from portal import twofactor
from portal.models import AuditEvent, Notification

HEALTH_WORDS = ("wellbeing", "health", "check-in", "risk", "flag", "exposure", "welfare")


def fresh_code(device):
    device.refresh_from_db()
    device.throttle_reset()
    return twofactor.current_code(device)


def test_unattended_session_takeover_five_wrong_current_passwords_end_the_session(client, officer):
    client.force_login(officer)
    wrong = {"old_password": "not-the-password-1", "new_password1": "brand-new-passphrase-77",
             "new_password2": "brand-new-passphrase-77"}
    for _ in range(4):
        assert client.post("/accounts/password_change/", wrong).status_code == 200
    response = client.post("/accounts/password_change/", wrong)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/accounts/password_change/")["Location"].startswith("/accounts/login/")
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="password_confirm_failed", subject=officer).count() == 5


def test_unattended_session_takeover_a_right_password_change_resets_the_count(client, officer):
    client.force_login(officer)
    wrong = {"old_password": "not-the-password-1", "new_password1": "brand-new-passphrase-77",
             "new_password2": "brand-new-passphrase-77"}
    for _ in range(4):
        client.post("/accounts/password_change/", wrong)
    right = {**wrong, "old_password": PASSWORD}
    assert client.post("/accounts/password_change/", right)["Location"] == "/accounts/password_change/done/"
    assert client.post("/accounts/password_change/", wrong).status_code == 200  # still signed in


def test_unattended_session_takeover_new_recovery_codes_need_password_and_code(
        client, supervisor, django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    device = TOTPDevice.objects.get(user=supervisor)
    before = twofactor.recovery_codes_regenerate(user=supervisor)
    stored = set(StaticToken.objects.filter(device__user=supervisor).values_list("token", flat=True))

    for data in ({}, {"codes-password": PASSWORD}, {"codes-current_code": fresh_code(device)},
                 {"codes-password": "not-my-password-9", "codes-current_code": fresh_code(device)},
                 {"codes-password": PASSWORD, "codes-current_code": "000000"}):
        response = client.post("/accounts/security/recovery-codes/", data)
        assert response.status_code == 400, data
    assert set(StaticToken.objects.filter(device__user=supervisor).values_list("token", flat=True)) == stored
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/security/recovery-codes/",
                               {"codes-password": PASSWORD, "codes-current_code": fresh_code(device)})
    assert response["Location"] == "/accounts/two-factor/recovery-codes/"
    new = re.findall(r"<code>([a-z2-9-]{11})</code>", client.get(response["Location"]).content.decode())
    assert len(new) == 10 and not set(new) & set(before)
    _assert_emailed(supervisor)


def test_unattended_session_takeover_wrong_codes_count_towards_the_five(client, supervisor):
    client.force_login(supervisor)
    for _ in range(4):
        assert client.post("/accounts/security/recovery-codes/",
                           {"codes-password": PASSWORD, "codes-current_code": "000000"}).status_code == 400
    response = client.post("/accounts/security/recovery-codes/",
                           {"codes-password": PASSWORD, "codes-current_code": "000000"})
    assert response["Location"] == "/accounts/login/"
    assert AuditEvent.objects.filter(action="two_factor_failed", subject=supervisor).count() == 5


def test_unattended_session_takeover_replacing_the_authenticator_needs_password_and_code(
        client, supervisor, django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    old = TOTPDevice.objects.get(user=supervisor)
    page = client.get("/accounts/two-factor/setup/").content.decode()
    assert 'name="current-password"' in page and 'name="current-current_code"' in page
    new = TOTPDevice.objects.get(user=supervisor, confirmed=False)

    for extra in ({}, {"current-password": PASSWORD}, {"current-current_code": fresh_code(old)},
                  {"current-password": "not-my-password-9", "current-current_code": fresh_code(old)}):
        response = client.post("/accounts/two-factor/setup/", {"otp_token": fresh_code(new), **extra})
        assert response.status_code == 200, extra
    assert TOTPDevice.objects.get(user=supervisor, confirmed=True) == old
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/two-factor/setup/", {
            "otp_token": fresh_code(new), "current-password": PASSWORD, "current-current_code": fresh_code(old)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=supervisor)) == [new]
    assert AuditEvent.objects.filter(action="two_factor_enabled", subject=supervisor, detail__replaced=True).exists()
    _assert_emailed(supervisor)


def test_unattended_session_takeover_first_set_up_needs_no_current_code(unverified_client, oh):
    unverified_client.force_login(oh)
    unverified_client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=oh, confirmed=False)
    response = unverified_client.post("/accounts/two-factor/setup/", {"otp_token": fresh_code(device)})
    assert response.status_code == 302
    assert not Notification.objects.filter(user=oh).exists()


def _assert_emailed(user):
    note = Notification.objects.get(user=user)
    assert note.email_wanted and note.link == "/accounts/security/"
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    assert message.subject == "Your sign-in settings were changed"
    text = (message.subject + message.body).lower()
    assert not [word for word in HEALTH_WORDS if word in text], text
