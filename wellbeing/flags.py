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
from portal.models import AuditEvent, Notification, User
from portal.notify import notification_send, notifications_send_many
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
    _route([flag])
    return flag, True


def flags_raise_many(wanted: list[tuple[int, str, bool, object]], *, acknowledge_within_hours: float = 48,
                     now=None) -> list[Flag]:
    """Raise many flags at once, for the nightly sweep: `wanted` holds (officer id, reason code,
    urgent, assessment). One insert for the flags, one for their audit events and one for the
    notifications, routed exactly as `flag_raise` routes one. If one of them is already active
    (raised meanwhile by another path), falls back to `flag_raise` one at a time. Returns the new flags."""
    now = now or timezone.now()
    if not wanted:
        return []
    flags = [Flag(officer_id=officer_id, reason_code=code, kind=reason(code).kind, urgent=urgent,
                  assessment=assessment, raised_at=now, acknowledge_by=now + timedelta(hours=acknowledge_within_hours))
             for officer_id, code, urgent, assessment in wanted]
    try:
        with transaction.atomic():
            Flag.objects.bulk_create(flags)
    except IntegrityError:
        officers = User.objects.in_bulk({officer_id for officer_id, *_ in wanted})
        raised = (flag_raise(officer=officers[officer_id], reason_code=code, urgent=urgent, assessment=assessment,
                             acknowledge_within_hours=acknowledge_within_hours, now=now)
                  for officer_id, code, urgent, assessment in wanted)
        return [flag for flag, created in raised if created]
    AuditEvent.objects.bulk_create([
        AuditEvent(action="flag_raised", subject_id=f.officer_id, object_type=f._meta.label_lower, object_id=str(f.pk),
                   detail={"reason": f.reason_code, "urgent": f.urgent}) for f in flags])
    _route(flags)
    return flags


def supervisor_label(flag: Flag) -> str:
    """What a supervisor may read about a flag: the category, or only "welfare contact recommended"."""
    r = reason(flag.reason_code)
    return str(WELFARE_CONTACT if r.kind == CLINICAL else r.category)


def _route(flags: list[Flag]) -> None:
    """Tell the right people about new flags: the supervisors of each person's team (the category,
    or only "welfare contact recommended"), and OH for clinical and urgent flags. A few queries
    however many flags."""
    officers = User.objects.only("id", "first_name", "last_name", "username", "team_id", "organisation_id").in_bulk(
        {f.officer_id for f in flags})
    supervisors = access.supervisors_by_team({o.team_id for o in officers.values() if o.team_id})
    needs_oh = {officers[f.officer_id].organisation_id for f in flags if f.kind == CLINICAL or f.urgent}
    oh_staff = access.oh_staff_by_organisation(needs_oh - {None}) if needs_oh else {}
    notes = []
    for flag in flags:
        officer = officers[flag.officer_id]
        name = officer.get_full_name() or officer.username
        for supervisor in supervisors.get(officer.team_id, []):
            with user_language(supervisor):  # in the recipient's language, not the requester's
                title = _("%(label)s: %(name)s") % {"label": supervisor_label(flag), "name": name}
            notes.append(Notification(user=supervisor, title=title, link=reverse("team:index"),
                                      dedupe_key=f"flag:{flag.pk}:supervisor"))
        if flag.kind == CLINICAL or flag.urgent:
            notes += [_oh_note(flag, name, oh) for oh in oh_staff.get(officer.organisation_id, [])]
    notifications_send_many(notes, email=True)


def _oh_note(flag: Flag, name: str, oh) -> Notification:
    with user_language(oh):
        title = (_("Urgent: contact %(name)s today") if flag.urgent
                 else _("Welfare review needed: %(name)s")) % {"name": name}
    return Notification(user=oh, title=title, link=reverse("oh:index"), urgent=flag.urgent,
                        dedupe_key=f"flag:{flag.pk}:oh{':urgent' if flag.urgent else ''}")


def _notify_oh(flag: Flag) -> None:
    """An active flag that has just become urgent: OH is told at once."""
    name = flag.officer.get_full_name() or flag.officer.username
    notifications_send_many([_oh_note(flag, name, oh) for oh in access.oh_staff_for(flag.officer)], email=True)


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
