"""Writes for check-ins: saving one (with the urgent path and the risk recompute request in the same
transaction), changing its comment sharing, and sending overdue reminders."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.language import user_language
from portal.models import User
from portal.notify import notification_send
from portal.recompute import recompute_request
from wellbeing import instruments
from wellbeing.instruments.schedule import OVERDUE
from wellbeing.models import CheckIn
from wellbeing.risk.flags import flag_raise


class SubmissionReused(Exception):
    """The submission id belongs to a check-in that is not this officer's (a forged replay)."""


def checkin_record(
    *, officer, instrument: str, answers: list[int], submission: uuid.UUID, safety: bool | None = None,
    comment: str = "", share_comment_with_oh: bool = False, now: datetime | None = None,
) -> tuple[CheckIn, bool]:
    """Score and save one check-in. Returns (check-in, created); a second call with the same
    `submission` (a double click, a replayed post) returns the saved one with created=False.

    In the same transaction: the risk recompute is requested (enqueued after commit; a pending
    mark survives a broker outage) and any urgent answer raises an urgent flag to occupational
    health, so OH's queue and in-app notifications have it inside this request with no broker or
    batch job in the way. Their emails are outbox rows the worker sends after commit
    (portal/notify.py): the request never waits on a mail server.
    Raises instruments.InvalidAnswers for answers that do not fit the instrument."""
    definition = instruments.get(instrument)
    score = definition.score(answers, safety=safety)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                officer=officer, instrument=definition.code, instrument_version=definition.version,
                completed_at=now, answers=list(answers), total=score.total, band=score.band,
                positive=score.positive, result=score.result, urgent=score.urgent, comment=comment.strip(),
                share_comment_with_oh=share_comment_with_oh and bool(comment.strip()), submission=submission,
            )
            recompute_request(officer_id=officer.pk)
            for reason_code in score.urgent_reasons:
                flag_raise(officer=officer, reason_code=reason_code, urgent=True, checkin=checkin, now=now)
    except IntegrityError:
        existing = CheckIn.objects.filter(submission=submission).first()
        if existing is None:
            raise
        if existing.officer_id != officer.pk:
            raise SubmissionReused from None
        return existing, False
    return checkin, True


def checkin_set_sharing(*, checkin: CheckIn, share: bool) -> CheckIn:
    """The officer changes whether their comment is shared with OH (only meaningful with a comment)."""
    checkin.share_comment_with_oh = share and bool(checkin.comment)
    checkin.save(update_fields=["share_comment_with_oh"])
    return checkin


def checkin_reminders_send(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Remind every officer of each overdue check-in, in the portal and by email, once per item
    (the item's stable key is the notification's dedupe key, so a rerun sends nothing new).
    The text names no questionnaire and no score. Returns how many reminders were new."""
    from wellbeing.checkins.selectors import due_for_officers

    now = now or timezone.now()
    link = reverse("wellbeing:index")
    sent = 0
    officers = User.objects.filter(is_active=True, is_officer=True).order_by("pk")
    last_pk = 0
    while True:
        batch = list(officers.filter(pk__gt=last_pk).only(
            "id", "organisation_id", "high_risk_role", "date_joined", "email", "language")[:batch_size])
        if not batch:
            return sent
        last_pk = batch[-1].pk
        due = due_for_officers(batch, now=now)
        for officer in batch:
            for item in due[officer.pk]:
                if item.status != OVERDUE:
                    continue
                with user_language(officer):
                    title = _("A wellbeing check-in is overdue")
                    body = _("You have a wellbeing check-in waiting. It takes a few minutes; your answers are "
                             "seen only by you and occupational health.")
                note = notification_send(
                    user=officer, title=title, body=body,
                    link=link, dedupe_key=f"checkin-reminder:{item.key}", email=True,
                )
                sent += note is not None
