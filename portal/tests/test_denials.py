"""Every refusal is audited and logged (ASVS 7.2.2): the path, never anything personal."""

import logging

from portal.models import AuditEvent


def test_a_403_is_audited_logged_and_shown_as_a_plain_page(client, officer, caplog):
    client.force_login(officer)
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        response = client.get("/team/")
    assert response.status_code == 403
    assert "Not available to you" in response.content.decode()
    event = AuditEvent.objects.get(action="access_denied")
    assert event.actor == officer and event.reason == "/team/" and event.ip_address == "127.0.0.1"
    assert any("access denied" in r.getMessage() and "/team/" in r.getMessage() for r in caplog.records)


def test_the_admin_refuses_non_admins_with_an_audited_403(client, oh):
    client.force_login(oh)
    assert client.get("/admin/").status_code == 403
    assert AuditEvent.objects.filter(action="access_denied", actor=oh, reason="/admin/").exists()


def test_a_log_line_cannot_be_forged_through_the_path(rf, officer, caplog):
    from portal.security_views import permission_denied

    request = rf.get("/team/")
    request.path = "/team/\n2026-01-01 INFO portal.security login succeeded user_id=1"
    request.user = officer
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        assert permission_denied(request).status_code == 403
    messages = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert len(messages) == 1 and "\n" not in messages[0] and "\\n" in messages[0]


def test_a_form_without_its_csrf_token_is_refused_audited_and_explained(officer):
    from conftest import TwoFactorClient

    client = TwoFactorClient(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post("/notifications/read/")
    assert response.status_code == 403
    assert "Please try again" in response.content.decode()
    assert AuditEvent.objects.filter(action="csrf_failure", actor=officer, reason="/notifications/read/").exists()
