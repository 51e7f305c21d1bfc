"""Invented occupational health history for the demo force (called from seed_demo after the
wellbeing demo): demo.oh may read the audit log (the "OH lead" permission); one officer has an
escalated flag waiting in OH's queue; demo.officer has a past referral with its outcome, an OH note
and one recorded case view, so their "who has looked at my records" page has something true to
show. Idempotent: each piece is made only if it is missing."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from portal.models import AuditEvent, User
from wellbeing.models import Flag, OHCaseNote, Referral

NOTE = "Spoke by phone. Sleeping better since the rota change; agreed to review after the next PHQ-9."


def seed(ctx) -> None:
    from wellbeing.risk.flags import flag_escalate, flag_raise

    ctx.oh.user_permissions.add(Permission.objects.get(codename="view_auditevent", content_type__app_label="portal"))
    now = timezone.now()

    waiting = User.objects.filter(username="m.kowalski").first() or ctx.officers[1]
    if not Flag.objects.filter(officer=waiting, status=Flag.Status.ESCALATED).exists():
        flag, _created = flag_raise(officer=waiting, reason_code="checkins_overdue",
                                    now=now - timedelta(days=3), acknowledge_within_hours=48)
        flag_escalate(flag_id=flag.pk, now=now - timedelta(days=1))

    officer = ctx.officer
    if not Referral.objects.filter(person=officer).exists():
        Referral.objects.create(person=officer, kind=Referral.Kind.TRIM, referred_on=ctx.today - timedelta(days=60),
                                outcome=Referral.Outcome.COMPLETED, outcome_on=ctx.today - timedelta(days=45),
                                recorded_by=ctx.oh)
    if not OHCaseNote.objects.filter(person=officer).exists():
        OHCaseNote.objects.create(person=officer, author=ctx.oh, text=NOTE, created_at=now - timedelta(days=45))
    if not AuditEvent.objects.filter(subject=officer, actor=ctx.oh, action="oh_case_view").exists():
        AuditEvent.objects.create(actor=ctx.oh, subject=officer, action="oh_case_view", reason="referral",
                                  at=now - timedelta(days=60))


def seed_receiver(sender, *, ctx, **kwargs) -> None:
    """Receives portal.demo.demo_seed (connected in this app's AppConfig.ready)."""
    seed(ctx)
