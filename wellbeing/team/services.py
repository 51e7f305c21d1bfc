"""Writes of the supervisor's team pages: recording welfare actions (which may acknowledge and close
the flag, through `wellbeing.risk.flags`), closing the loop on call outcomes and follow-ups. Each
changes state with a conditional UPDATE (a double click or a second tab changes nothing twice) and
writes one audit event when it did change something. Callers have already fetched the flag, person
or exposure through `portal.access`; which flags a supervisor may acknowledge or close is
`wellbeing.risk.flags`' to say."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exposure.models import Exposure
from portal import audit
from wellbeing.models import DeploymentFollowUp, Flag, WelfareAction
from wellbeing.risk.flags import (
    ACKNOWLEDGE,
    CLOSE,
    RECORD_ACTION,
    SUPERVISOR,
    flag_acknowledge,
    flag_close,
    flag_permitted,
    flag_require,
)


def welfare_action_record(*, officer, by, kind: str, flag: Flag | None = None, follow_up_on: date | None = None,
                          close_flag: bool = False, now=None) -> WelfareAction:
    """Record what was done for `officer`. An action on the supervisor's own open flag also
    acknowledges it, and with `close_flag` closes it (it now has an action). On OH's flags
    (clinical, urgent, escalated) the action is recorded for OH to see and the flag is left as it
    is; asking to close one raises FlagNotPermitted and records nothing."""
    if kind not in WelfareAction.Kind.values:
        raise ValidationError({"kind": _("Choose what was done.")})
    if flag is not None and flag.officer_id != officer.pk:
        raise ValidationError(_("This flag belongs to someone else."))
    if flag is not None:
        flag_require(flag, SUPERVISOR, RECORD_ACTION)
        if close_flag:
            flag_require(flag, SUPERVISOR, CLOSE)
    now = now or timezone.now()
    with transaction.atomic():
        action = WelfareAction.objects.create(officer=officer, flag=flag, recorded_by=by, kind=kind,
                                              recorded_at=now, follow_up_on=follow_up_on)
        audit.record("welfare_action_recorded", actor=by, subject=officer, obj=action,
                     detail={"kind": kind, "flag": flag.pk if flag else None,
                             "follow_up_on": follow_up_on.isoformat() if follow_up_on else None})
        if flag is not None:
            if flag_permitted(flag, SUPERVISOR, ACKNOWLEDGE):
                flag_acknowledge(flag=flag, role=SUPERVISOR, by=by, now=now)
            if close_flag:
                flag_close(flag=flag, role=SUPERVISOR, by=by, now=now)
    return action


def outcome_mark_shared(*, exposure: Exposure, by, now=None) -> bool:
    """The supervisor has told the call handler what happened. Returns False if already marked."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = Exposure.objects.filter(pk=exposure.pk, outcome_wanted=True, outcome_shared_at__isnull=True).update(
            outcome_shared_at=now, outcome_shared_by=by
        )
        if changed:
            audit.record("outcome_shared", actor=by, subject=exposure.officer, obj=exposure)
    return bool(changed)


def deployment_mark_followed_up(*, exposure: Exposure, by, now=None) -> bool:
    """The supervisor has debriefed and checked in with the person after a deployment without a
    defined task. Returns False if it was already marked (by them or anyone else): one mark each."""
    with transaction.atomic():
        mark, created = DeploymentFollowUp.objects.get_or_create(
            exposure=exposure, defaults={"officer_id": exposure.officer_id, "done_by": by,
                                         "done_at": now or timezone.now()})
        if created:
            audit.record("deployment_followed_up", actor=by, subject=exposure.officer, obj=exposure)
    return created


def follow_up_mark_done(*, action: WelfareAction, by) -> bool:
    with transaction.atomic():
        changed = WelfareAction.objects.filter(pk=action.pk, follow_up_done=False,
                                               follow_up_on__isnull=False).update(follow_up_done=True)
        if changed:
            audit.record("welfare_follow_up_done", actor=by, subject=action.officer,
                         obj=action)
    return bool(changed)


def follow_ups_remind(*, today: date) -> int:
    """Tell each recorder, on the day, of every follow-up due and not done. Each row is claimed with
    a conditional UPDATE before anyone is told, and the notification has a dedupe key, so a rerun
    (or a second beat) reminds nobody twice. Returns how many reminders went out."""
    from django.urls import reverse

    from portal.language import user_language
    from portal.notify import notification_send

    due = list(WelfareAction.objects.filter(follow_up_on__lte=today, follow_up_done=False,
                                            follow_up_reminded_at__isnull=True, recorded_by__isnull=False)
               .values_list("pk", flat=True))
    sent = 0
    for pk in due:
        claimed = WelfareAction.objects.filter(pk=pk, follow_up_reminded_at__isnull=True).update(
            follow_up_reminded_at=timezone.now())
        if not claimed:
            continue
        action = WelfareAction.objects.select_related("officer", "recorded_by").get(pk=pk)
        # No name in the title (it is also the email subject): the linked page says who.
        with user_language(action.recorded_by):
            title = _("A welfare follow-up you planned is due today")
        note = notification_send(
            user=action.recorded_by,
            title=title,
            link=reverse("team:person", args=[action.officer_id]),
            dedupe_key=f"welfare:{pk}:follow_up", email=True,
        )
        sent += note is not None
    return sent
