import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from portal import audit
from portal.models import AuditEvent


def test_audit_record_keeps_who_what_whom_and_where(rf, oh, officer):
    request = rf.get("/oh/", REMOTE_ADDR="10.1.2.3")
    request.user = oh
    with audit.in_request(request):
        event = audit.record("view_case", subject=officer, obj=officer, reason="referral")
    event.refresh_from_db()
    assert (event.actor, event.subject, event.action, event.reason) == (oh, officer, "view_case", "referral")
    assert event.object_type == "portal.user" and event.object_id == str(officer.pk)
    assert event.ip_address == "10.1.2.3"


def test_an_audit_event_cannot_be_changed_or_deleted_through_the_model(officer):
    event = audit.record("login", actor=officer)
    event.action = "something else"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_to_update_or_delete_audit_rows(officer):
    event = audit.record("login", actor=officer)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "login"


def test_admin_can_read_audit_events_but_not_change_them(client, admin_user, officer):
    event = audit.record("login", actor=officer)
    client.force_login(admin_user)
    assert client.get("/admin/portal/auditevent/").status_code == 200
    page = client.get(f"/admin/portal/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/portal/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_actor_and_address_come_from_the_request_context_and_are_cleared_after_it(rf, oh, officer):
    request = rf.get("/oh/", REMOTE_ADDR="10.1.2.3")
    request.user = oh
    with audit.in_request(request):
        inside = audit.record("a")
        as_given = audit.record("b", actor=officer)
        by_portal = audit.record("c", actor=audit.SYSTEM)
    after = audit.record("d")
    assert (inside.actor, inside.ip_address) == (oh, "10.1.2.3")
    assert (as_given.actor, as_given.ip_address) == (officer, "10.1.2.3")
    assert (by_portal.actor, by_portal.ip_address) == (None, None)
    assert (after.actor, after.ip_address) == (None, None)


def test_an_anonymous_request_gives_an_address_but_no_actor(rf, db):
    from django.contrib.auth.models import AnonymousUser

    request = rf.post("/accounts/login/", REMOTE_ADDR="192.0.2.5")
    request.user = AnonymousUser()
    with audit.in_request(request):
        event = audit.record("login_failed", detail={"username": "x"})
    assert (event.actor, event.ip_address, event.detail) == (None, "192.0.2.5", {"username": "x"})


def test_the_middleware_sets_the_context_for_the_request_only(client, officer):
    client.force_login(officer)
    client.get("/team/")  # refused: audited as access_denied, by the officer, from the test address
    event = AuditEvent.objects.get(action="access_denied")
    assert (event.actor, event.ip_address) == (officer, "127.0.0.1")
    assert audit.current_actor_and_address() == (None, None)


def test_acting_as_names_the_actor_outside_a_request(officer):
    with audit.acting_as(officer):
        event = audit.record("retention_run")
    assert (event.actor, event.ip_address) == (officer, None)
    assert audit.record("later").actor is None


def test_the_address_is_remote_addr_only_never_a_forwarded_header(rf):
    forged = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert audit.client_address(forged) == "203.0.113.7"
    assert audit.client_address(rf.get("/", REMOTE_ADDR="")) is None
    assert audit.client_address(None) is None


def test_record_many_writes_one_event_per_object_in_one_insert(officer, teammate, django_assert_num_queries):
    from portal.models import User

    people = sorted([officer, teammate], key=lambda u: u.pk)
    with django_assert_num_queries(1):
        audit.record_many("seen", people, subject="pk", detail=lambda u: {"id": u.pk}, actor=audit.SYSTEM)
    events = AuditEvent.objects.filter(action="seen").order_by("subject_id")
    assert [(e.subject_id, e.object_type, e.object_id, e.detail, e.actor_id) for e in events] == [
        (u.pk, User._meta.label_lower, str(u.pk), {"id": u.pk}, None) for u in people]


def test_an_event_about_a_model_names_it_without_an_id(db):
    from wellbeing.models import RiskAssessment

    event = audit.record("riskassessment_refreshed", obj=RiskAssessment, detail={"count": 3})
    assert (event.object_type, event.object_id) == ("wellbeing.riskassessment", "")


def test_a_celery_task_run_eagerly_inside_a_request_has_no_request_context(rf, oh):
    from celery import shared_task

    @shared_task
    def audited_task():
        return audit.current_actor_and_address()

    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = oh
    with audit.in_request(request):
        assert audited_task.apply().get() == (None, None)
        assert audit.current_actor_and_address() == (oh, "10.1.2.3")  # back once the task ends
