"""Help requests: sending one, and answering it (accept, record a contact, close).

Who receives a request is decided here and nowhere else: the peer supporter the officer chose,
occupational health when the officer asked for OH, and occupational health as well whenever the
officer marked it urgent (an urgent request never rests with a peer alone: docs/clinical-safety.md,
H11). The supervisor is never a recipient. Notifications name nobody and carry no health detail:
they say that someone has asked to talk, and link to the request (which only a recipient can open).

An urgent request also raises an urgent clinical flag owned by OH (reason `self_referral_urgent`,
through `wellbeing.risk.flags.flag_raise`), so it takes the urgent route of any urgent answer: the
on-call contact is told at once, a deadline to acknowledge, the second contact after it, and
acknowledging or closing the flag stops the chain (wellbeing/risk/urgent.py, H8). OH is then told once,
by the flag's notices (the on-call notice, or "an urgent item in your OH queue"), not by this
module's as well; the peer, if any, still gets this module's notice. If a flag of that reason is
already active (an earlier urgent request not yet closed), no new flag is raised and OH gets this
module's urgent notice instead, so a second urgent request is never silent. The flag is never shown
to the supervisor in any form (`wellbeing.risk.reasons.HIDDEN_FROM_SUPERVISOR`)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access, audit
from portal.language import user_language
from portal.notify import notification_send
from wellbeing.models import CheckIn, HelpContact, HelpRequest, RiskAssessment
from wellbeing.risk.flags import flag_raise
from wellbeing.risk.reasons import SELF_REFERRAL_URGENT

# What "my recent check-ins" sends: the check-ins of this many days, at most this many.
RECENT_CHECKIN_DAYS = 90
RECENT_CHECKIN_LIMIT = 10


class NotAllowed(Exception):
    """The chosen peer supporter is not in the officer's directory (any more)."""


def shared_snapshot(officer, shares: str, *, now) -> tuple[str, list[dict]]:
    """(level code, check-in rows) as they are now, for what the officer chose to send. Check-ins go
    as categories only: the questionnaire, the date, its result band and whether it was above the
    screening cut-off; never answers, scores or comments. An urgent check-in goes without a band
    (an urgent answer is never summarised by a band: hazard H6)."""
    level, checkins = "", []
    if shares == HelpRequest.Shares.LEVEL:
        level = (RiskAssessment.objects.filter(officer=officer, is_current=True)
                 .values_list("level", flat=True).first()) or ""
    elif shares == HelpRequest.Shares.CHECKINS:
        rows = (CheckIn.objects.filter(officer=officer, completed_at__gte=now - timedelta(days=RECENT_CHECKIN_DAYS))
                .order_by("-completed_at").values("instrument", "completed_at", "band", "positive", "urgent")
                [:RECENT_CHECKIN_LIMIT])
        checkins = [{"instrument": r["instrument"], "on": timezone.localdate(r["completed_at"]).isoformat(),
                     "band": "" if r["urgent"] else r["band"], "positive": r["positive"]} for r in rows]
    return level, checkins


def help_request_send(*, officer, peer=None, to_oh: bool, shares: str, urgent: bool, now=None) -> HelpRequest:
    """Send a request for help. `peer` must be in the officer's directory; an urgent request always
    reaches occupational health too."""
    now = now or timezone.now()
    if peer is not None and not access.peer_supporters_for(officer).filter(pk=peer.pk).exists():
        raise NotAllowed
    to_oh = bool(to_oh or urgent or peer is None)
    level, checkins = shared_snapshot(officer, shares, now=now)
    with transaction.atomic():
        request = HelpRequest.objects.create(
            officer=officer, organisation_id=officer.organisation_id, peer=peer, to_oh=to_oh, urgent=urgent,
            shares=shares, shared_level=level, shared_checkins=checkins, created_at=now)
        audit.record("help_request_sent", subject=officer, obj=request,
                     detail={"peer": peer.pk if peer else None, "to_oh": to_oh, "urgent": urgent, "shares": shares})
        oh_told = False
        if urgent:  # the urgent route: OH is told by the flag's notices (on-call contact first)
            _flag, oh_told = flag_raise(officer=officer, reason_code=SELF_REFERRAL_URGENT, urgent=True, now=now)
        _notify(request, oh_told=oh_told)
    return request


def recipients(request: HelpRequest, *, oh: bool = True) -> list:
    """Everyone told of a request: its peer supporter, and occupational health when it reaches OH
    (unless `oh` is False: OH was told by the urgent flag's notices)."""
    people = [request.peer] if request.peer_id else []
    if request.to_oh and oh:
        people += access.oh_staff_by_organisation([request.organisation_id]).get(request.organisation_id, [])
    return people


def _notify(request: HelpRequest, *, oh_told: bool = False) -> None:
    link = reverse("help:detail", args=[request.pk])
    for person in recipients(request, oh=not oh_told):
        with user_language(person):
            if request.urgent:
                title = _("Urgent: a colleague has asked to talk to someone today")
            else:
                title = _("A colleague has asked to talk")
            body = _("Sign in to the portal and open Help requests to see the request and reply.")
        notification_send(user=person, title=title, body=body, link=link, email=True,
                          urgent=request.urgent and person.is_oh, dedupe_key=f"help-request:{request.pk}")


def help_request_accept(*, request: HelpRequest, by) -> bool:
    """Say that `by` will make contact. False if it was already accepted or is closed."""
    changed = HelpRequest.objects.filter(pk=request.pk, status=HelpRequest.Status.OPEN).update(
        status=HelpRequest.Status.ACCEPTED, accepted_at=timezone.now(), accepted_by=by)
    if changed:
        request.refresh_from_db()
        audit.record("help_request_accepted", subject=request.officer_id, obj=request)
    return bool(changed)


def help_contact_record(*, request: HelpRequest, by, on, kind: str) -> HelpContact:
    """A contact made: its date and kind, nothing of what was said. Accepts an open request."""
    with transaction.atomic():
        contact = HelpContact.objects.create(request=request, on=on, kind=kind, recorded_by=by)
        if request.status == HelpRequest.Status.OPEN:
            help_request_accept(request=request, by=by)
        audit.record("help_contact_recorded", subject=request.officer_id, obj=request, detail={"kind": kind})
    return contact


def help_request_close(*, request: HelpRequest, by) -> bool:
    changed = HelpRequest.objects.filter(pk=request.pk).exclude(status=HelpRequest.Status.CLOSED).update(
        status=HelpRequest.Status.CLOSED, closed_at=timezone.now())
    if changed:
        request.refresh_from_db()
        audit.record("help_request_closed", subject=request.officer_id, obj=request)
    return bool(changed)
