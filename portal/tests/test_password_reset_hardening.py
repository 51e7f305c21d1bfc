"""Issue 15 item 3 (logs and email), parts d and e: reset links come from SITE_URL whatever Host
the request claims, and reset requests are limited per address and per account without saying so."""

import re

from django.core import mail

from portal.models import AuditEvent


def test_logs_and_email_reset_link_is_built_from_site_url_not_a_forged_host(client, officer, settings):
    settings.SITE_URL = "https://wellbeing.force.example"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    settings.USE_X_FORWARDED_HOST = True
    response = client.post("/accounts/password_reset/", {"email": officer.email},
                           HTTP_HOST="evil.example", HTTP_X_FORWARDED_HOST="evil.example")
    assert response.status_code == 302
    (message,) = mail.outbox
    links = re.findall(r"\S+/accounts/reset/\S+", message.body)
    assert links and all(link.startswith("https://wellbeing.force.example/accounts/reset/") for link in links)
    assert "evil.example" not in message.body


def test_logs_and_email_reset_requests_are_limited_per_account(client, officer, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT = 3
    answers = [client.post("/accounts/password_reset/", {"email": officer.email}, REMOTE_ADDR=f"192.0.2.{i}")
               for i in range(1, 6)]
    assert len(mail.outbox) == 3
    assert {a.status_code for a in answers} == {302} and {a.url for a in answers} == {"/accounts/password_reset/done/"}
    limited = AuditEvent.objects.filter(action="password_reset_requested", detail__limited="account")
    assert limited.count() == 2 and all(e.subject_id == officer.pk for e in limited)


def test_logs_and_email_reset_requests_are_limited_per_address(client, officer, teammate, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 5
    emails = [officer.email, teammate.email, "nobody1@example.invalid", "nobody2@example.invalid",
              "nobody3@example.invalid", officer.email, teammate.email]
    for email in emails:
        response = client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR="198.51.100.9")
        assert response.status_code == 302
    assert len(mail.outbox) == 2  # the first two; the 6th and 7th requests were over the address limit
    assert AuditEvent.objects.filter(action="password_reset_requested", detail__limited="address").count() == 2
    # Another address is not held back by this one.
    client.post("/accounts/password_reset/", {"email": officer.email}, REMOTE_ADDR="198.51.100.10")
    assert len(mail.outbox) == 3


def test_logs_and_email_reset_audit_holds_no_address(client, officer):
    client.post("/accounts/password_reset/", {"email": officer.email})
    client.post("/accounts/password_reset/", {"email": "nobody@example.invalid"})
    events = list(AuditEvent.objects.filter(action="password_reset_requested").order_by("pk"))
    assert [e.detail["known"] for e in events] == [True, False]
    assert all("@" not in str(e.detail) + e.reason for e in events)
