"""The notification outbox against a real SMTP server on 127.0.0.1 (tests/smtp_support.py): an
email is never lost (mail server down, enqueue lost, worker dead mid-send), never sent twice, retried
only while its error may pass and within a bound; an urgent notice that cannot reach its OH member
reaches the second OH contact; and a request never waits on mail.

Hazards (docs/clinical-safety.md): H1 urgent answer not reaching a clinician, H7 notification lost."""

import smtplib
import socket
import ssl
import time
from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.utils import timezone
from kombu.exceptions import OperationalError

from portal.models import Notification, TaskFailure
from portal.notify import (
    is_transient,
    notification_email_attempt,
    notification_send,
    notifications_email_resend,
    notifications_send_many,
    retry_delay,
)
from portal.tasks import EMAIL_TIME_LIMIT, notification_email_send
from tests.smtp_support import SMTPServer
from wellbeing.risk.flags import flag_raise
from wellbeing.tests.helpers import form_data

SECOND_CONTACT = "oh-duty-desk@testshire.example"
DEPLOYMENT_CONTACT = "portal-duty@operator.example"


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    settings.OH_ESCALATION_EMAIL = ""
    yield server
    server.stop()


def send(user, capture, **kwargs):
    kwargs = {"title": "Something needs your attention", "link": "/", "email": True, **kwargs}
    with capture(execute=True):
        return notification_send(user=user, **kwargs)


def later(minutes=2):
    """Move the row's next attempt into the past, as the clock would."""
    Notification.objects.update(email_due_at=timezone.now() - timedelta(minutes=minutes))


def run_task(note):
    notification_email_send.apply(args=[note.pk])


def urgent_flag(officer, capture):
    with capture(execute=True):
        flag_raise(officer=officer, reason_code="phq9_item9", urgent=True)
    return Notification.objects.get(urgent=True)


# ----------------------------------------------------------------------------- H7: nothing lost

def test_notification_lost_never_when_the_mail_server_is_down_the_sweep_sends_it_once_it_is_back(
        smtp, officer, django_capture_on_commit_callbacks):
    smtp.stop()
    note = send(officer, django_capture_on_commit_callbacks)
    note.refresh_from_db()
    assert note.email_wanted and note.emailed_at is None and note.email_failed_at is None
    assert note.email_attempts == 1 and note.email_error.startswith("ConnectionRefusedError")
    assert note.email_claimed_at is None and note.email_due_at > timezone.now()  # retry scheduled
    assert notifications_email_resend() == 0  # not before its retry is due

    smtp.start()
    later()
    assert notifications_email_resend() == 1
    assert [m.to for m in smtp.messages] == [(officer.email,)]
    note.refresh_from_db()
    assert note.emailed_at is not None and note.email_claimed_at is None
    assert notifications_email_resend() == 0
    run_task(note)
    assert len(smtp.messages) == 1
    assert not TaskFailure.objects.exists()


def test_notification_lost_never_when_the_enqueue_fails_the_sweep_enqueues_it_a_minute_later(
        smtp, officer, django_capture_on_commit_callbacks):
    with mock.patch.object(notification_email_send, "apply_async", side_effect=OperationalError("broker down")):
        note = send(officer, django_capture_on_commit_callbacks)
    assert smtp.messages == []
    assert notifications_email_resend() == 0  # still within its first minute
    assert notifications_email_resend(now=timezone.now() + timedelta(seconds=61)) == 1
    assert [m.to for m in smtp.messages] == [(officer.email,)]
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_notification_lost_never_nor_sent_twice_when_the_task_runs_twice(
        smtp, officer, django_capture_on_commit_callbacks):
    note = send(officer, django_capture_on_commit_callbacks)
    run_task(note)
    run_task(note)
    assert len(smtp.messages) == 1


def test_notification_lost_never_nor_sent_twice_when_the_sweep_and_a_duplicate_run_during_a_send(
        smtp, officer, monkeypatch, django_capture_on_commit_callbacks):
    with mock.patch.object(notification_email_send, "apply_async"):  # enqueued, not yet run
        note = send(officer, django_capture_on_commit_callbacks)
    from portal import notify

    real_deliver = notify._deliver
    during = {}

    def deliver_slowly(n, address):
        # The row is claimed and its send is in flight: a duplicate task and the sweep (even one
        # that counts every unsent row as due) must both leave it alone.
        run_task(n)
        during["swept"] = notifications_email_resend(now=timezone.now() + timedelta(minutes=2))
        during["sent_meanwhile"] = len(smtp.messages)
        real_deliver(n, address)

    monkeypatch.setattr(notify, "_deliver", deliver_slowly)
    run_task(note)
    assert during == {"swept": 0, "sent_meanwhile": 0}
    assert len(smtp.messages) == 1


def test_notification_lost_never_when_a_worker_dies_mid_send_its_abandoned_claim_is_taken_over(
        smtp, officer, settings, django_capture_on_commit_callbacks):
    with mock.patch.object(notification_email_send, "apply_async"):
        note = send(officer, django_capture_on_commit_callbacks)
    now = timezone.now()
    # A claim younger than the claim timeout may be a slow send: left alone.
    Notification.objects.filter(pk=note.pk).update(email_claimed_at=now - timedelta(seconds=60),
                                                   email_due_at=now - timedelta(minutes=5))
    assert notifications_email_resend() == 0
    assert settings.NOTIFY_EMAIL_CLAIM_TIMEOUT > EMAIL_TIME_LIMIT  # no live send is ever taken over
    # Older: its worker died (killed, out of memory) and nobody will finish it but the sweep.
    Notification.objects.filter(pk=note.pk).update(
        email_claimed_at=now - timedelta(seconds=settings.NOTIFY_EMAIL_CLAIM_TIMEOUT + 1))
    assert notifications_email_resend() == 1
    assert len(smtp.messages) == 1


def test_notification_lost_retries_are_bounded_then_a_visible_failure_without_addresses(
        smtp, officer, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_EMAIL_MAX_ATTEMPTS = 3
    smtp.stop()
    note = send(officer, django_capture_on_commit_callbacks)
    run_task(note)
    assert not TaskFailure.objects.exists()
    run_task(note)
    note.refresh_from_db()
    assert note.email_attempts == 3 and note.email_failed_at is not None and note.emailed_at is None
    failure = TaskFailure.objects.get()
    assert failure.task_name == "portal.notification_email_send" and failure.args == [note.pk]
    assert failure.error.startswith("ConnectionRefusedError") and "retries exhausted after 3" in failure.error
    assert officer.email not in failure.error and "@" not in failure.error
    later()
    assert notifications_email_resend() == 0  # failed for good: not swept again
    smtp.start()
    run_task(note)
    assert smtp.messages == []


def test_notification_lost_never_silently_a_refused_recipient_is_not_retried_and_is_recorded(
        smtp, officer, django_capture_on_commit_callbacks):
    smtp.refuse[officer.email] = "550 5.1.1 mailbox unavailable"
    note = send(officer, django_capture_on_commit_callbacks)
    note.refresh_from_db()
    assert note.email_attempts == 1 and note.email_failed_at is not None
    assert note.email_error == "SMTPRecipientsRefused 550"
    assert TaskFailure.objects.get().error == (
        "SMTPRecipientsRefused 550: permanent error after 1 attempt(s); not delivered")


def test_notification_lost_a_worker_retries_with_exponential_backoff_and_jitter(
        smtp, officer, settings, django_capture_on_commit_callbacks):
    smtp.stop()
    with mock.patch.object(notification_email_send, "apply_async"):
        note = send(officer, django_capture_on_commit_callbacks)
    # As a worker runs it (not eagerly): the task asks Celery for a retry after the backoff.
    notification_email_send.push_request(is_eager=False, called_directly=False, retries=0)
    try:
        with mock.patch.object(notification_email_send, "retry", side_effect=Retry) as retry, \
                pytest.raises(Retry):
            notification_email_send.run(note.pk)
    finally:
        notification_email_send.pop_request()
    countdown = retry.call_args.kwargs["countdown"]
    assert settings.NOTIFY_EMAIL_RETRY_BASE / 2 <= countdown <= settings.NOTIFY_EMAIL_RETRY_BASE
    note.refresh_from_db()
    assert note.email_claimed_at is None and note.email_attempts == 1  # released between attempts


def test_notification_lost_retry_delays_double_up_to_a_cap_and_are_jittered(settings):
    settings.NOTIFY_EMAIL_RETRY_BASE, settings.NOTIFY_EMAIL_RETRY_MAX_DELAY = 30, 300
    for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (4, 240), (5, 300), (9, 300)]:
        delays = {retry_delay(attempts) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays) and len(delays) > 1


@pytest.mark.parametrize(("exc", "transient"), [
    (ConnectionRefusedError(111, "Connection refused"), True),
    (TimeoutError("timed out"), True),
    (SoftTimeLimitExceeded(), True),
    (socket.gaierror(-3, "Temporary failure in name resolution"), True),
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
    (smtplib.SMTPResponseException(421, b"closing"), True),
    (smtplib.SMTPSenderRefused(451, b"try later", "portal@x.example"), True),
    (smtplib.SMTPRecipientsRefused({"a@x.example": (450, b"mailbox busy")}), True),
    (smtplib.SMTPRecipientsRefused({"a@x.example": (550, b"no such user")}), False),
    (smtplib.SMTPRecipientsRefused({"a@x.example": (450, b"busy"), "b@x.example": (550, b"no")}), False),
    (smtplib.SMTPDataError(554, b"rejected"), False),
    (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
    (smtplib.SMTPNotSupportedError("STARTTLS extension not supported"), False),
    (ssl.SSLCertVerificationError("certificate verify failed"), False),
    (ValueError("bug"), False),
])
def test_notification_lost_only_errors_that_may_pass_are_retried(exc, transient):
    assert is_transient(exc) is transient


def test_the_bulk_path_still_inserts_once_and_emails_each_after_commit(
        smtp, officer, teammate, django_capture_on_commit_callbacks, django_assert_num_queries):
    notes = [Notification(user=u, title="Something needs your attention", dedupe_key="bulk")
             for u in (officer, teammate)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks, django_assert_num_queries(3):
        notifications_send_many(notes, email=True)  # savepoint, one insert, release
    assert len(callbacks) == 1  # one step enqueues them all
    callbacks[0]()
    assert sorted(m.to for m in smtp.messages) == sorted([(officer.email,), (teammate.email,)])


def test_no_email_is_wanted_without_an_address_or_when_not_asked(
        smtp, officer, teammate, django_capture_on_commit_callbacks):
    officer.email = ""
    officer.save()
    assert not send(officer, django_capture_on_commit_callbacks).email_wanted
    assert not send(teammate, django_capture_on_commit_callbacks, email=False).email_wanted
    assert notifications_email_resend(now=timezone.now() + timedelta(hours=1)) == 0
    assert smtp.messages == []


def test_a_second_notification_with_the_same_key_sends_nothing(smtp, officer, django_capture_on_commit_callbacks):
    assert send(officer, django_capture_on_commit_callbacks, dedupe_key="once") is not None
    assert send(officer, django_capture_on_commit_callbacks, dedupe_key="once") is None
    assert len(smtp.messages) == 1 and Notification.objects.count() == 1


# ----------------------------------------------------------------------------- H1: urgent reaches a clinician

def test_urgent_not_reaching_clinician_the_request_never_sends_mail_itself(
        smtp, client, officer, oh, monkeypatch, django_capture_on_commit_callbacks):
    # As in production: tasks go to the broker, the worker sends. The request writes rows and
    # enqueues, and the mail server hears nothing from it.
    monkeypatch.setitem(notification_email_send.app.conf, "task_always_eager", False)
    client.force_login(officer)
    data = form_data(client, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    with mock.patch.object(notification_email_send, "apply_async") as enqueue, \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post("/wellbeing/checkin/phq9/", data)
    assert response.status_code == 302 and response["Location"] == "/wellbeing/support/"
    assert smtp.messages == []
    note = Notification.objects.get(user=oh)
    assert note.urgent and note.email_wanted and note.emailed_at is None and note.email_attempts == 0
    assert mock.call(args=[note.pk], retry=False) in enqueue.call_args_list
    run_task(note)  # the worker
    assert [m.subject for m in smtp.to(oh.email)] == [note.title]


def test_urgent_not_reaching_clinician_a_check_in_with_the_mail_server_down_returns_at_once(
        smtp, client, officer, oh, django_capture_on_commit_callbacks):
    smtp.stop()
    client.force_login(officer)
    data = form_data(client, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/wellbeing/checkin/phq9/", data)
    assert time.monotonic() - started < 5
    assert response["Location"] == "/wellbeing/support/"
    note = Notification.objects.get(user=oh)
    assert note.emailed_at is None and note.email_failed_at is None  # pending, for the worker
    smtp.start()
    later()
    notifications_email_resend()
    assert len(smtp.to(oh.email)) == 1


def test_urgent_not_reaching_clinician_a_refused_oh_address_sends_the_notice_to_the_second_contact(
        smtp, officer, oh, force, django_capture_on_commit_callbacks):
    force.oh_escalation_email = SECOND_CONTACT
    force.save()
    smtp.refuse[oh.email] = "550 5.1.1 mailbox unavailable"
    note = urgent_flag(officer, django_capture_on_commit_callbacks)
    assert smtp.to(oh.email) == []
    [message] = smtp.to(SECOND_CONTACT)
    assert message.subject == note.title == "Urgent: a new item in your OH queue needs attention today"
    assert "could not be delivered to the occupational health member" in message.body
    assert message.body.rstrip().endswith("/oh/")
    note.refresh_from_db()
    assert note.emailed_at is not None and note.email_second_contact and note.email_failed_at is None
    failure = TaskFailure.objects.get()
    assert failure.args == [note.pk] and "passed to the second OH contact" in failure.error
    assert "@" not in failure.error


def test_urgent_not_reaching_clinician_retries_exhausted_go_to_the_second_contact(
        smtp, officer, oh, force, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_EMAIL_MAX_ATTEMPTS = 2
    force.oh_escalation_email = SECOND_CONTACT
    force.save()
    smtp.refuse[oh.email] = "451 4.3.0 try again later"
    note = urgent_flag(officer, django_capture_on_commit_callbacks)
    assert smtp.to(oh.email) == smtp.to(SECOND_CONTACT) == [] and not TaskFailure.objects.exists()  # may pass
    run_task(note)
    assert len(smtp.to(SECOND_CONTACT)) == 1 and smtp.to(oh.email) == []
    assert "SMTPRecipientsRefused 451: retries exhausted after 2" in TaskFailure.objects.get().error


def test_urgent_not_reaching_clinician_falls_back_to_the_deployment_contact(
        smtp, officer, oh, settings, django_capture_on_commit_callbacks):
    settings.OH_ESCALATION_EMAIL = DEPLOYMENT_CONTACT
    smtp.refuse[oh.email] = "550 5.1.1 mailbox unavailable"
    urgent_flag(officer, django_capture_on_commit_callbacks)
    assert len(smtp.to(DEPLOYMENT_CONTACT)) == 1


def test_urgent_not_reaching_clinician_goes_to_the_officers_force_contact_never_another_forces(
        smtp, officer, oh, force, other_force, settings, django_capture_on_commit_callbacks):
    # An OH member of a shared service covers two forces: whose notice this is cannot be told from
    # the row, so neither force's contact gets it; the deployment's contact does.
    oh.granted_organisations.add(other_force)
    force.oh_escalation_email = SECOND_CONTACT
    force.save()
    other_force.oh_escalation_email = "other-force-duty@otherland.example"
    other_force.save()
    settings.OH_ESCALATION_EMAIL = DEPLOYMENT_CONTACT
    smtp.refuse[oh.email] = "550 5.1.1 mailbox unavailable"
    urgent_flag(officer, django_capture_on_commit_callbacks)
    assert len(smtp.to(DEPLOYMENT_CONTACT)) == 1
    assert smtp.to(SECOND_CONTACT) == smtp.to("other-force-duty@otherland.example") == []


def test_urgent_not_reaching_clinician_is_a_visible_failure_when_no_second_contact_is_set(
        smtp, officer, oh, django_capture_on_commit_callbacks):
    smtp.refuse[oh.email] = "550 5.1.1 mailbox unavailable"
    note = urgent_flag(officer, django_capture_on_commit_callbacks)
    note.refresh_from_db()
    assert note.email_failed_at is not None and smtp.to(oh.email) == []
    assert "urgent notice NOT delivered: no second OH contact is set" in TaskFailure.objects.get().error


def test_urgent_not_reaching_clinician_the_second_contact_is_retried_and_recorded_when_it_fails_too(
        smtp, officer, oh, force, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_EMAIL_MAX_ATTEMPTS = 2
    force.oh_escalation_email = SECOND_CONTACT
    force.save()
    smtp.refuse[oh.email] = "550 5.1.1 mailbox unavailable"
    smtp.refuse[SECOND_CONTACT] = "451 4.3.0 try again later"
    note = urgent_flag(officer, django_capture_on_commit_callbacks)
    note.refresh_from_db()
    assert note.email_second_contact and note.email_attempts == 1 and note.email_failed_at is None
    del smtp.refuse[SECOND_CONTACT]
    later()
    notifications_email_resend()
    assert len(smtp.to(SECOND_CONTACT)) == 1

    other = Notification.objects.create(user=oh, title="Urgent", urgent=True, email_wanted=True,
                                        email_due_at=timezone.now(), email_second_contact=True)
    smtp.refuse[SECOND_CONTACT] = "550 5.1.1 mailbox unavailable"
    notification_email_attempt(notification_id=other.pk)
    assert "NOT delivered to the second OH contact either" in TaskFailure.objects.latest("pk").error
