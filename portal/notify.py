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


def notifications_send_many(notes: list[Notification], *, email: bool = False) -> list[Notification]:
    """Create many notifications in one insert (the nightly sweep's flags), emailing each after
    commit like `notification_send`. If any of them was already sent (same user and dedupe key),
    falls back to one at a time so that the others still go out."""
    if not notes:
        return []
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(notes)
    except IntegrityError:
        created = [n for n in (notification_send(user=note.user, title=note.title, body=note.body, link=note.link,
                                                 dedupe_key=note.dedupe_key, email=email) for note in notes) if n]
        return created
    if email:
        for note in created:
            if note.user.email:
                transaction.on_commit(lambda pk=note.pk: _email(pk))
    return created


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
