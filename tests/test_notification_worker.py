"""The notification outbox through a real Celery worker on Redis and PostgreSQL (run by .ci/run),
sending to a real SMTP server on 127.0.0.1 that is down when the officer gives an urgent answer and
comes back during the test: OH's email arrives exactly once, and the officer's request waited on no
mail server. Backoff is shortened in the worker's environment so the test takes seconds.

Hazards (docs/clinical-safety.md): H1 urgent answer not reaching a clinician, H7 notification lost."""

import time
from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from portal.models import Notification, TaskFailure
from tests.smtp_support import SMTPServer
from tests.worker_support import Worker, wait_for
from wellbeing.tests.helpers import form_data

pytestmark = pytest.mark.worker


@pytest.fixture
def mail_server():
    server = SMTPServer()  # a port of its own, not started yet: the mail server is down
    yield server
    server.stop()


def outbox_worker(server: SMTPServer) -> Worker:
    return Worker(extra_env={
        "TEST_EMAIL_URL": server.url, "EMAIL_TIMEOUT": "2",
        "NOTIFY_EMAIL_RETRY_BASE": "1", "NOTIFY_EMAIL_RETRY_MAX_DELAY": "2", "NOTIFY_EMAIL_MAX_ATTEMPTS": "60",
    })


def test_urgent_not_reaching_clinician_an_urgent_check_in_reaches_oh_once_after_a_mail_outage(
        transactional_db, client, officer, oh, supervisor, mail_server):
    mail_server.start()
    mail_server.stop()  # the force's mail server was running, and has just gone down
    worker = outbox_worker(mail_server)
    try:
        client.force_login(officer)
        data = form_data(client, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
        started = time.monotonic()
        response = client.post("/wellbeing/checkin/phq9/", data)
        assert time.monotonic() - started < 5, "the request waited on mail"
        assert response["Location"] == "/wellbeing/support/"
        note = Notification.objects.get(user=oh)
        assert note.urgent

        def attempts():
            return Notification.objects.get(pk=note.pk).email_attempts

        assert wait_for(lambda: attempts() >= 2, 30), "the worker did not retry while the server was down"
        assert mail_server.messages == []

        mail_server.start()  # the same server, on the same port, comes back
        assert wait_for(lambda: mail_server.to(oh.email), 30), "OH's email did not arrive after the outage"
        from portal.tasks import resend_pending_notification_emails

        resend_pending_notification_emails.delay(older_than_seconds=0)  # a beat run on top: sends nothing more
        time.sleep(3)
        [message] = mail_server.to(oh.email)
        assert message.subject == note.title
        assert len(mail_server.to(supervisor.email)) == 1
        assert Notification.objects.get(pk=note.pk).emailed_at is not None
        assert not TaskFailure.objects.exists()
    finally:
        worker.stop()


def test_notification_lost_never_when_its_enqueue_is_lost_the_beat_sweep_sends_it_once(
        transactional_db, officer, mail_server):
    from portal.notify import notification_send
    from portal.tasks import notification_email_send, resend_pending_notification_emails

    mail_server.start()
    worker = outbox_worker(mail_server)
    try:
        with mock.patch.object(notification_email_send, "apply_async", side_effect=OperationalError("broker down")):
            note = notification_send(user=officer, title="A wellbeing check-in is overdue", link="/", email=True)
        Notification.objects.filter(pk=note.pk).update(email_due_at=note.created_at.replace(year=2000))
        for _ in range(2):  # two beat runs in a row
            resend_pending_notification_emails.delay()
        assert wait_for(lambda: mail_server.to(officer.email), 30)
        time.sleep(2)
        assert len(mail_server.to(officer.email)) == 1
    finally:
        worker.stop()
