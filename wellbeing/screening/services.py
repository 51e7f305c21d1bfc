"""Writes for screening: the daily sweep (open cycles, invite, remind, withdraw) and OH's record.

The sweep is safe to run again at any time: a cycle opens only where none is open (a unique
constraint holds it), and each invitation and reminder is claimed with a conditional UPDATE
before the notice is written (and carries a dedupe key), so nobody is told twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.language import user_language
from portal.models import User
from portal.notify import notification_send
from wellbeing.models import Screening, ScreeningKind
from wellbeing.screening import due
from wellbeing.screening.selectors import in_role, standings


@dataclass
class SweepResult:
    opened: int = 0
    invited: int = 0
    reminded: int = 0
    withdrawn: int = 0


def screening_sweep(*, today: date | None = None, now: datetime | None = None) -> SweepResult:
    """Daily: withdraw cycles no longer due, open the cycles now due, send each invitation and
    reminder once. `today`/`now` for tests (a fixed clock)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    result = SweepResult()
    people = list(in_role(User.objects.filter(is_active=True)).only(
        "id", "organisation_id", "high_risk_role", "high_risk_role_since", "email", "language"))
    current = standings(people, today=today)
    result.withdrawn = _withdraw_stale(current, today=today)
    opened = [Screening(person=item.person, kind=item.kind, role=item.person.high_risk_role,
                        role_since=item.person.high_risk_role_since, due_on=item.standing.due_on)
              for item in current if item.open is None and item.standing.in_window]
    # ignore_conflicts: a cycle opened meanwhile by another run is kept, not duplicated.
    Screening.objects.bulk_create(opened, ignore_conflicts=True)
    result.opened = len(opened)
    for row in Screening.objects.filter(completed_on__isnull=True, withdrawn_on__isnull=True).filter(
            Q(invited_at__isnull=True) | Q(reminded_at__isnull=True)).select_related("person"):
        if due.invitation_due(row.due_on, today, invited=row.invited_at is not None):
            result.invited += _notify_once(row, "invited_at", now=now)
        elif due.reminder_due(row.due_on, today, reminded=row.reminded_at is not None,
                              booked=row.appointment_at is not None,
                              invited_on=timezone.localdate(row.invited_at) if row.invited_at else None):
            result.reminded += _notify_once(row, "reminded_at", now=now)
    return result


def _withdraw_stale(current, *, today: date) -> int:
    """Close, as no longer due, every open cycle that is not the current cycle of an active person
    in the same role with the same start date for a kind still active for that role."""
    keep = [item.open.pk for item in current if item.open is not None]
    return Screening.objects.filter(completed_on__isnull=True, withdrawn_on__isnull=True).exclude(
        pk__in=keep).update(withdrawn_on=today)


def _notify_once(row: Screening, field: str, *, now: datetime) -> bool:
    claimed = Screening.objects.filter(pk=row.pk, completed_on__isnull=True, withdrawn_on__isnull=True,
                                       **{f"{field}__isnull": True}).update(**{field: now})
    if not claimed:
        return False
    person = row.person
    screening = row.kind == ScreeningKind.SCREENING
    with user_language(person):
        if field == "invited_at":
            title = _("Your routine screening is due") if screening else _("Your routine wellbeing appointment is due")
            body = _("Occupational health will contact you to arrange it. Your screening page shows when it "
                     "is due.")
        else:
            title = (_("Your routine screening is overdue") if screening
                     else _("Your routine wellbeing appointment is overdue"))
            body = _("Please contact occupational health to arrange it. Your screening page shows when it "
                     "was due.")
    note = notification_send(user=person, title=title, body=body, link=reverse("screening:mine"),
                             dedupe_key=f"screening:{row.pk}:{field}", email=True)
    return note is not None


def screening_record(*, screening: Screening, by: User, appointment_at, attended: str, completed_on,
                     outcome: str) -> Screening:
    """OH records the appointment, attendance, completion and outcome band (validated by the form)."""
    screening.appointment_at = appointment_at
    screening.attended = attended
    screening.completed_on = completed_on
    screening.outcome = outcome if screening.kind == ScreeningKind.SCREENING else ""
    screening.recorded_by = by
    screening.recorded_at = timezone.now()
    screening.save(update_fields=["appointment_at", "attended", "completed_on", "outcome", "recorded_by",
                                  "recorded_at"])
    # Codes only: which fields are set, never the outcome itself.
    audit.record("screening_recorded", actor=by, subject=screening.person_id, obj=screening,
                 detail={"kind": screening.kind, "booked": appointment_at is not None,
                         "attended": attended or "unknown", "completed": completed_on is not None,
                         "outcome_recorded": bool(screening.outcome)})
    return screening
