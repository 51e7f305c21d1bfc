"""In-app notifications, optionally emailed, through one outbox. Text must never carry health detail.

A notification is a row written in the sender's transaction. If an email is wanted the row says so
(`email_wanted`) and stays unsent until a worker has handed it to the mail server:

1. after commit, one step (`_enqueue_after_commit`) enqueues `portal.notification_email_send` with
   the row's id; a request never talks to a mail server, and a broker that is down only delays;
2. the task claims the row with a conditional UPDATE (a duplicate task, or the sweep's, sends
   nothing while a send is in flight), sends with `EMAIL_TIMEOUT`, and marks it sent;
3. an error that may pass (connection refused or dropped, timeout, an SMTP 4xx answer) releases
   the claim and is retried with exponential backoff and jitter, at most
   `NOTIFY_EMAIL_MAX_ATTEMPTS` times; an error that will not pass (an SMTP 5xx answer such as a
   refused recipient, a certificate or configuration error, a bug) is not retried;
4. `notifications_email_resend` (beat, every minute) enqueues again every row still unsent a minute
   after it was due: an enqueue lost with the broker, a worker that died mid-send (its claim is
   abandoned after `NOTIFY_EMAIL_CLAIM_TIMEOUT`);
5. a row that fails for good is a visible TaskFailure (ids, exception class and SMTP code only); an
   urgent one is first re-addressed to the second OH contact and goes through steps 2 to 5 again.

Delivery is at least once: a worker killed after the server accepted a message but before the row
was marked sent sends it again when its claim is taken over. Nothing else sends twice.
"""

from __future__ import annotations

import logging
import random
import smtplib
import ssl
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Notification, TaskFailure

logger = logging.getLogger(__name__)

TASK_NAME = "portal.notification_email_send"


def notification_send(
    *, user, title: str, body: str = "", link: str = "", dedupe_key: str = "", email: bool = False,
    urgent: bool = False,
) -> Notification | None:
    """Create a notification for `user`, once per `dedupe_key`. Returns None if it was already sent.
    The email is enqueued only after the surrounding transaction commits, so a rollback never leaves
    someone with an email about something that did not happen."""
    note = Notification(user=user, title=title, body=body, link=link, dedupe_key=dedupe_key, urgent=urgent)
    _want_email(note, email)
    try:
        with transaction.atomic():
            note.save()
    except IntegrityError:
        return None
    _enqueue_after_commit([note])
    return note


def notifications_send_many(notes: list[Notification], *, email: bool = False) -> list[Notification]:
    """Create many notifications in one insert (the nightly sweep's flags), emailed like
    `notification_send`. If any of them was already sent (same user and dedupe key), falls back to
    one at a time so that the others still go out."""
    if not notes:
        return []
    for note in notes:
        _want_email(note, email)
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(notes)
    except IntegrityError:
        return [n for n in (notification_send(user=note.user, title=note.title, body=note.body, link=note.link,
                                              dedupe_key=note.dedupe_key, email=email, urgent=note.urgent)
                            for note in notes) if n]
    _enqueue_after_commit(created)
    return created


def _want_email(note: Notification, email: bool) -> None:
    note.email_wanted = bool(email and note.user.email)
    note.email_due_at = note.created_at if note.email_wanted else None


def _enqueue_after_commit(notes: list[Notification]) -> None:
    """The one step that hands emails to the worker, for both ways of sending."""
    ids = [note.pk for note in notes if note.email_wanted]
    if ids:
        transaction.on_commit(lambda: [notification_email_enqueue(pk) for pk in ids])


def notification_email_enqueue(notification_id: int) -> bool:
    """Enqueue one email. Returns False (the row stays unsent, for the sweep) if the broker refused."""
    from portal.tasks import notification_email_send

    try:
        notification_email_send.apply_async(args=[notification_id], retry=False)
    except Exception:  # any broker/transport error (or, in eager mode, the task's): the row is the record
        logger.warning("notification email not enqueued notification_id=%s; the sweep will retry", notification_id)
        return False
    return True


def notifications_email_resend(*, now=None, older_than_seconds: int = 60, limit: int = 1000) -> int:
    """Enqueue again every email still unsent `older_than_seconds` after it was due and not being
    sent right now (no claim, or a claim so old that its worker must have died). Urgent first.
    Returns how many were enqueued."""
    now = now or timezone.now()
    ids = list(_pending(now).filter(email_due_at__lte=now - timedelta(seconds=older_than_seconds))
               .order_by("-urgent", "email_due_at").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in ids if notification_email_enqueue(pk))


def _pending(now):
    abandoned = now - timedelta(seconds=settings.NOTIFY_EMAIL_CLAIM_TIMEOUT)
    return Notification.objects.filter(
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=abandoned),
        email_wanted=True, emailed_at__isnull=True, email_failed_at__isnull=True,
    )


def notification_email_attempt(*, notification_id: int) -> float | None:
    """Send one notification's email, once. Returns the seconds to wait before the next attempt
    when it failed with an error that may pass, otherwise None (sent, failed for good, or not ours
    to send: already sent, or claimed by a send in flight)."""
    now = timezone.now()
    if not _pending(now).filter(pk=notification_id).update(email_claimed_at=now):
        return None
    note = Notification.objects.select_related("user").get(pk=notification_id)
    address = _second_contact(note) if note.email_second_contact else note.user.email
    try:
        if not address:
            raise NoAddress
        _deliver(note, address)
    except Exception as exc:  # classified below: only errors that may pass are retried
        return _failed(note, exc, now)
    Notification.objects.filter(pk=notification_id).update(
        emailed_at=timezone.now(), email_claimed_at=None, email_due_at=None)
    return None


class NoAddress(Exception):
    """The recipient has no address (removed since the row was written), or no second contact is set."""


def is_transient(exc: BaseException) -> bool:
    """May this error pass if we try again later?

    SMTP answers say so themselves: 4xx is "try again later" (greylisting, mailbox busy, server
    overloaded, 421 closing), 5xx is final (550 no such mailbox, 553 address rejected, 535 wrong
    credentials). A refused recipient (SMTPRecipientsRefused: every recipient was refused) is
    retried only if every refusal was 4xx: a 5xx refusal would be refused again, and waiting would
    only delay the second OH contact. A dropped connection, a refused or timed-out connection and
    network errors may pass, and so does a send cut off by the task's soft time limit. Other SMTP
    errors (no TLS or AUTH support) and a failed certificate check are configuration, and bugs are
    bugs: retrying changes nothing."""
    if isinstance(exc, SoftTimeLimitExceeded):  # the whole send outlasted the task's limit: a slow server
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException | ssl.SSLCertVerificationError):
        return False
    return isinstance(exc, ConnectionError | TimeoutError | OSError)


def error_label(exc: BaseException) -> str:
    """The class and SMTP code of an error: never its message, which may name an address."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = ",".join(sorted({str(c) for c, _msg in exc.recipients.values()}))
    elif isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException) and exc.errno:
        code = f"errno {exc.errno}"
    return f"{type(exc).__name__} {code}".strip() if code else type(exc).__name__


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: base, 2 x base, 4 x base... capped, then drawn from the
    upper half so that many rows failed together do not all come back at the same moment."""
    ceiling = min(settings.NOTIFY_EMAIL_RETRY_BASE * 2 ** max(attempts - 1, 0), settings.NOTIFY_EMAIL_RETRY_MAX_DELAY)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - spreads retries in time, not a secret


def _failed(note: Notification, exc: Exception, now) -> float | None:
    attempts = note.email_attempts + 1
    label = error_label(exc)
    if is_transient(exc) and attempts < settings.NOTIFY_EMAIL_MAX_ATTEMPTS:
        delay = retry_delay(attempts)
        Notification.objects.filter(pk=note.pk).update(
            email_attempts=attempts, email_error=label, email_claimed_at=None,
            email_due_at=now + timedelta(seconds=delay))
        logger.warning("notification email failed notification_id=%s attempt=%s error=%s; retry in %.0f s",
                       note.pk, attempts, label, delay)
        return delay
    why = "retries exhausted" if is_transient(exc) else "permanent error"
    if note.urgent and not note.email_second_contact:
        if _second_contact(note):
            # The OH member cannot be reached: the same notice goes to the second OH contact, with its
            # own attempts, through the same outbox (and the sweep, if this worker dies now).
            Notification.objects.filter(pk=note.pk).update(
                email_second_contact=True, email_attempts=0, email_error=label, email_claimed_at=None,
                email_due_at=now)
            _record_failure(note, f"{label}: {why} after {attempts} attempt(s); "
                                  "urgent notice passed to the second OH contact")
            return notification_email_attempt(notification_id=note.pk)
        outcome = ("urgent notice NOT delivered: no second OH contact is set (the organisation's "
                   "oh_escalation_email or OH_ESCALATION_EMAIL)")
    elif note.email_second_contact:
        outcome = "urgent notice NOT delivered to the second OH contact either"
    else:
        outcome = "not delivered"
    Notification.objects.filter(pk=note.pk).update(
        email_attempts=attempts, email_error=label, email_claimed_at=None, email_failed_at=now)
    _record_failure(note, f"{label}: {why} after {attempts} attempt(s); {outcome}")
    return None


def _record_failure(note: Notification, error: str) -> None:
    TaskFailure.objects.create(task_name=TASK_NAME, args=[note.pk], error=error[:300])
    logger.error("notification email failed for good notification_id=%s: %s", note.pk, error)


def _second_contact(note: Notification) -> str:
    """Where an undeliverable urgent notice goes: the second OH contact of the organisation of the
    person it is about, else the deployment's OH_ESCALATION_EMAIL, else nowhere ("").

    The row names its recipient (an OH member), not the officer. OH staff are told only about
    people in an organisation they cover, so when the recipient covers exactly one organisation
    (their own) that is the officer's. An OH member who covers several (a shared OH service with
    granted organisations) leaves it ambiguous, and guessing would send one force's notice to
    another force's contact: then only the deployment's contact is used."""
    from portal.models import Organisation

    user = note.user
    covered = {pk for pk in (user.organisation_id, *user.granted_organisations.values_list("pk", flat=True))
               if pk is not None}
    if len(covered) == 1:
        contact = Organisation.objects.filter(pk=covered.pop()).values_list("oh_escalation_email", flat=True).first()
        if contact:
            return contact
    return settings.OH_ESCALATION_EMAIL


def _deliver(note: Notification, address: str) -> None:
    from portal.language import user_language

    body = note.body
    if note.link:
        body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{note.link}".strip()
    if note.email_second_contact:
        with user_language(note.user):
            preface = _("This urgent notice could not be delivered to the occupational health member it was "
                        "addressed to. Please make sure occupational health acts on it today.")
        body = f"{preface}\n\n{body}"
    send_mail(note.title, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
