"""In-app notifications, optionally emailed. Text must never carry health detail."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.models import Notification

logger = logging.getLogger(__name__)


def notification_send(
    *, user, title: str, body: str = "", link: str = "", dedupe_key: str = "", email: bool = False
) -> Notification | None:
    """Create a notification for `user`, once per `dedupe_key`. Returns None if it was already sent.
    The email goes out only after the surrounding transaction commits, so a rollback never leaves
    someone with an email about something that did not happen."""
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                user=user, title=title, body=body, link=link, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None
    if email and user.email:
        transaction.on_commit(lambda: _email(note.pk))
    return note


def _email(notification_pk: int) -> None:
    # Claim before sending, so a second call for the same row sends nothing.
    claimed = Notification.objects.filter(pk=notification_pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return
    note = Notification.objects.select_related("user").get(pk=notification_pk)
    body = note.body
    if note.link:
        body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{note.link}".strip()
    try:
        send_mail(note.title, body, settings.DEFAULT_FROM_EMAIL, [note.user.email])
    except OSError:
        # SMTP down: release the claim so the next reminder run can try again.
        Notification.objects.filter(pk=notification_pk).update(emailed_at=None)
        logger.warning("notification email failed notification_id=%s", notification_pk)
