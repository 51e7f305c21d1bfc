import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from portal.audit import audit_record
from portal.models import AuditEvent


def test_audit_record_keeps_who_what_whom_and_where(rf, oh, officer):
    request = rf.get("/oh/", REMOTE_ADDR="10.1.2.3")
    request.user = oh
    event = audit_record(action="view_case", request=request, subject=officer, obj=officer, reason="referral")
    event.refresh_from_db()
    assert (event.actor, event.subject, event.action, event.reason) == (oh, officer, "view_case", "referral")
    assert event.object_type == "portal.user" and event.object_id == str(officer.pk)
    assert event.ip_address == "10.1.2.3"


def test_an_audit_event_cannot_be_changed_or_deleted_through_the_model(officer):
    event = audit_record(action="login", actor=officer)
    event.action = "something else"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_to_update_or_delete_audit_rows(officer):
    event = audit_record(action="login", actor=officer)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "login"


def test_admin_can_read_audit_events_but_not_change_them(client, admin_user, officer):
    event = audit_record(action="login", actor=officer)
    client.force_login(admin_user)
    assert client.get("/admin/portal/auditevent/").status_code == 200
    page = client.get(f"/admin/portal/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/portal/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
