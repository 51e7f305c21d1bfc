"""Random and hostile input into the sign-in, two-factor and password forms: never a server
error, never a password echoed back, what was typed in ordinary fields kept."""

from axes.models import AccessAttempt
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import PASSWORD, PlainClient, TwoFactorClient

HOSTILE = st.sampled_from([
    "' OR '1'='1' --", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "\x00", "a\x00b",
    "../../../etc/passwd", "%00%0a", "{{ 7*7 }}", "{% debug %}", "${jndi:ldap://x/a}", "\u202egnp.exe",
    "x" * 5000, " ", "\r\nSet-Cookie: a=b", "admin\u0000", "😀" * 40, "１２３４５６", "12345 6", "-123456",
])
TEXT = st.one_of(HOSTILE, st.text(max_size=200), st.text(alphabet="0123456789 -", max_size=12))
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


PLACEHOLDER = "-"  # what a field holds in the page each answer is compared with


def assert_no_echo(response, secret, *shown, baseline):
    """`secret` is not in the page more often than in `baseline()`, the same form answered with the
    placeholder instead (a password such as "Skip to main content" is in every page), unless it is also
    what was typed in a field that is shown. The baseline is asked for only when `secret` is checked."""
    if len(secret) >= 8 and secret.strip() and not any(secret in other for other in shown):
        page = response.content.decode(errors="replace")
        assert page.count(secret) <= baseline().content.decode(errors="replace").count(secret)


@FUZZ
@given(username=TEXT, password=TEXT)
@example(username="someone", password="Skip to main content")  # in every page: not an echo
def test_the_sign_in_form(officer, username, password):
    AccessAttempt.objects.all().delete()
    response = PlainClient().post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code in (200, 302, 429)
    if response.status_code == 200:
        assert response.context["form"]["username"].value() == username  # kept for the next try
        assert_no_echo(response, password, username, baseline=lambda: PlainClient().post(
            "/accounts/login/", {"username": username, "password": PLACEHOLDER}))


@FUZZ
@given(code=TEXT)
def test_the_two_factor_form(supervisor, code):
    TOTPDevice.objects.filter(user=supervisor).delete()
    TOTPDevice.objects.create(user=supervisor, name="Phone")
    client = PlainClient()
    client.force_login(supervisor)
    response = client.post("/accounts/two-factor/", {"otp_token": code, "next": code})
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # only a right code passes, and a random one never is
        raise AssertionError(f"{code!r} passed the two-factor step")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=TEXT)
def test_the_two_factor_set_up_form(oh, code):
    client = PlainClient()
    client.force_login(oh)
    response = client.post("/accounts/two-factor/setup/", {"otp_token": code})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=oh, confirmed=True).exists()


@FUZZ
@given(old=TEXT, new1=TEXT, new2=TEXT)
def test_the_password_change_form(officer, old, new1, new2):
    client = TwoFactorClient()
    client.force_login(officer)
    response = client.post("/accounts/password_change/",
                           {"old_password": old, "new_password1": new1, "new_password2": new2})
    assert response.status_code == 200  # the old password is never right, so never a change
    def baseline():
        return client.post("/accounts/password_change/", dict.fromkeys(
            ("old_password", "new_password1", "new_password2"), PLACEHOLDER))

    assert_no_echo(response, old, baseline=baseline)
    assert_no_echo(response, new1, baseline=baseline)
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


@FUZZ
@given(email=TEXT)
def test_the_password_reset_form(db, email):
    response = PlainClient().post("/accounts/password_reset/", {"email": email})
    assert response.status_code in (200, 302)


@FUZZ
@given(new1=TEXT, new2=TEXT)
def test_the_reset_password_form(client, officer, new1, new2):
    import re

    from django.core import mail
    from django.core.cache import cache

    mail.outbox.clear()
    cache.clear()  # each example is a new request; the reset limit per account would stop the fourth
    PlainClient().post("/accounts/password_reset/", {"email": officer.email})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    reset = PlainClient()
    form_url = reset.get(link).url
    response = reset.post(form_url, {"new_password1": new1, "new_password2": new2})
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # not reset: the form again, and the same form answers the placeholder
        assert_no_echo(response, new1, baseline=lambda: reset.post(
            form_url, {"new_password1": PLACEHOLDER, "new_password2": PLACEHOLDER}))


@FUZZ
@given(password=TEXT)
@example(password="Skip to main content")
def test_the_security_page_password_forms(officer, password):
    client = TwoFactorClient()
    client.force_login(officer)
    for url, field in [("/accounts/security/sign-out-everywhere/", "everywhere-password"),
                       ("/accounts/security/two-factor-off/", "remove-password")]:
        response = client.post(url, {field: password})
        assert response.status_code in (302, 400)
        assert_no_echo(response, password, baseline=lambda url=url, field=field: client.post(url, {field: PLACEHOLDER}))
