"""An invented help request for the demo force: demo.officer asked demo.peer for a talk a few days
ago, sending their recent check-ins; the peer supporter accepted and rang them the next day, and
demo.officer chose on their privacy page to let demo.peer see their overall level. Idempotent:
left alone if demo.officer already has a request."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from portal import access, disclosure
from portal.models import User
from wellbeing.models import HelpContact, HelpRequest
from wellbeing.talk.services import shared_snapshot


def seed(ctx) -> None:
    peer = User.objects.filter(username="demo.peer", is_peer_supporter=True).first()
    if peer is None or HelpRequest.objects.filter(officer=ctx.officer).exists():
        return
    sent_at = timezone.now() - timedelta(days=4)
    level, checkins = shared_snapshot(ctx.officer, HelpRequest.Shares.CHECKINS, now=sent_at)
    request = HelpRequest.objects.create(
        officer=ctx.officer, organisation=ctx.organisation, peer=peer, shares=HelpRequest.Shares.CHECKINS,
        shared_level=level, shared_checkins=checkins, created_at=sent_at, status=HelpRequest.Status.ACCEPTED,
        accepted_at=sent_at + timedelta(hours=3), accepted_by=peer)
    HelpContact.objects.create(request=request, on=timezone.localdate(sent_at + timedelta(days=1)),
                               kind=HelpContact.Kind.PHONE, recorded_by=peer)
    disclosure.choose(officer=ctx.officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL,
                      peer_supporter=peer, now=sent_at + timedelta(days=1))


def seed_receiver(sender, *, ctx, **kwargs) -> None:
    """Receives portal.demo.demo_seed (connected in this app's AppConfig.ready)."""
    seed(ctx)
