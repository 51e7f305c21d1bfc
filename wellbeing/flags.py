"""Raising flags and routing them to the right people. The one place that decides who is told.

Operational reasons go to the supervisors of the person's team, with their category. Clinical
reasons go to occupational health; the supervisor is told only "welfare contact recommended".
Urgent flags reach OH at once, inside the request that raised them (no broker, no batch job)."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access
from portal.audit import audit_record
from portal.language import user_language
from portal.notify import notification_send
from wellbeing.models import Flag
from wellbeing.reasons import CLINICAL, WELFARE_CONTACT, reason


def flag_raise(*, officer, reason_code: str, urgent: bool = False, assessment=None,
               acknowledge_within_hours: float = 48, now=None) -> tuple[Flag, bool]:
    """Raise a flag unless one is already active for this person and reason. Returns
    (flag, created). Recipients are notified only when the flag is new."""
    now = now or timezone.now()
    r = reason(reason_code)
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                officer=officer, reason_code=reason_code, kind=r.kind, urgent=urgent, assessment=assessment,
                raised_at=now, acknowledge_by=now + timedelta(hours=acknowledge_within_hours),
            )
    except IntegrityError:
        existing = Flag.objects.get(officer=officer, reason_code=reason_code, status__in=Flag.ACTIVE)
        if urgent and not existing.urgent:
            Flag.objects.filter(pk=existing.pk).update(urgent=True)
            existing.urgent = True
            _notify_oh(existing)
        return existing, False
    audit_record(action="flag_raised", subject=officer, obj=flag, detail={"reason": reason_code, "urgent": urgent})
    _route(flag)
    return flag, True


def supervisor_label(flag: Flag) -> str:
    """What a supervisor may read about a flag: the category, or only "welfare contact recommended"."""
    r = reason(flag.reason_code)
    return str(WELFARE_CONTACT if r.kind == CLINICAL else r.category)


def _route(flag: Flag) -> None:
    name = flag.officer.get_full_name() or flag.officer.username
    for supervisor in access.supervisors_of(flag.officer):
        with user_language(supervisor):  # in the recipient's language, not the requester's
            title = _("%(label)s: %(name)s") % {"label": supervisor_label(flag), "name": name}
        notification_send(
            user=supervisor,
            title=title,
            link=reverse("team:index"),
            dedupe_key=f"flag:{flag.pk}:supervisor",
            email=True,
        )
    if flag.kind == CLINICAL or flag.urgent:
        _notify_oh(flag)


def _notify_oh(flag: Flag) -> None:
    name = flag.officer.get_full_name() or flag.officer.username
    for oh in access.oh_staff_for(flag.officer):
        with user_language(oh):
            title = (_("Urgent: contact %(name)s today") if flag.urgent
                     else _("Welfare review needed: %(name)s")) % {"name": name}
        notification_send(
            user=oh, title=title, link=reverse("oh:index"),
            dedupe_key=f"flag:{flag.pk}:oh{':urgent' if flag.urgent else ''}", email=True,
        )


def flag_escalate(*, flag_id: int, now=None) -> bool:
    """Move an open flag to OH. Returns False if someone else already acknowledged or escalated it."""
    now = now or timezone.now()
    claimed = Flag.objects.filter(pk=flag_id, status=Flag.Status.OPEN).update(
        status=Flag.Status.ESCALATED, escalated_at=now
    )
    if not claimed:
        return False
    flag = Flag.objects.select_related("officer").get(pk=flag_id)
    audit_record(action="flag_escalated", subject=flag.officer, obj=flag, detail={"reason": flag.reason_code})
    name = flag.officer.get_full_name() or flag.officer.username
    for oh in access.oh_staff_for(flag.officer):
        with user_language(oh):
            title = _("Escalated: %(name)s was not contacted in time") % {"name": name}
        notification_send(
            user=oh, title=title,
            link=reverse("oh:index"), dedupe_key=f"flag:{flag.pk}:escalated", email=True,
        )
    return True
