"""Reads for the help-request pages. Each runs a fixed number of queries however many rows."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from portal import access
from portal.models import Disclosure
from wellbeing.instruments import INSTRUMENTS
from wellbeing.models import HelpContact, HelpRequest, RiskAssessment
from wellbeing.models.risk import Level
from wellbeing.talk.counts import RequestRow, monthly_counts, months_back, suppressed
from wellbeing.team.selectors import LEVEL_LABELS, supervisor_level

QUEUE_LIMIT = 200


def queue_for(user) -> dict:
    """The requests `user` may answer: active ones (urgent first, then oldest first) and the most
    recently closed. Two queries."""
    visible = access.help_requests_visible_to(user, HelpRequest.objects.all())
    rows = (visible.select_related("officer", "peer").annotate(contact_count=Count("contacts"))
            .order_by("-urgent", "created_at"))
    active = list(rows.exclude(status=HelpRequest.Status.CLOSED)[:QUEUE_LIMIT])
    closed = list(rows.filter(status=HelpRequest.Status.CLOSED).order_by("-closed_at")[:20])
    return {"active": active, "closed": closed}


def levels_shared_with(peer) -> list:
    """The people who named `peer` as the peer supporter who sees their overall level, by name, each
    with `shared_level` (their current level as a supervisor reads it: urgent reads as red; None
    when not assessed), `level_label` and `shared_since` (when they chose it). Only the level: never
    its reasons, scores, answers or flags. One query, however many people."""
    current = RiskAssessment.objects.filter(officer=OuterRef("pk"), is_current=True).order_by()
    chosen = Disclosure.objects.filter(officer=OuterRef("pk"), audience=access.PEER_SUPPORTER, choice=access.LEVEL,
                                       withdrawn_at__isnull=True).order_by()
    people = list(access.level_shared_with(peer).annotate(
        current_level=Subquery(current.values("level")[:1]), shared_since=Subquery(chosen.values("chosen_at")[:1]),
    ).order_by("last_name", "first_name", "username"))
    for person in people:
        person.shared_level = supervisor_level(person.current_level) if person.current_level else None
        person.level_label = LEVEL_LABELS.get(person.shared_level)
    return people


def own_requests(officer) -> list[HelpRequest]:
    return list(access.scope(officer, HelpRequest.objects.select_related("peer")).annotate(
        contact_count=Count("contacts"))[:20])


def shared_rows(request: HelpRequest) -> dict:
    """What the officer sent, in words: their level's label, and each check-in's questionnaire,
    date, band label and whether it was above the cut-off."""
    level = Level(request.shared_level).label if request.shared_level in Level.values else None
    checkins = []
    for row in request.shared_checkins:
        definition = INSTRUMENTS.get(row.get("instrument"))
        if definition is None:
            continue
        band = next((b.label for b in definition.bands if b.code == row.get("band")), None)
        checkins.append({"name": definition.short_name, "on": date.fromisoformat(row["on"]), "band": band,
                         "positive": bool(row.get("positive"))})
    return {"level": level, "checkins": checkins}


def counts_for(user, *, months: int = 12, today: date | None = None) -> list[dict]:
    """Monthly counts for the organisations `user` covers, suppressed under five. Two queries."""
    today = today or timezone.localdate()
    wanted = months_back(today, months)
    organisations = access.organisation_ids(user)
    since = timezone.make_aware(datetime.combine(wanted[0], time.min))
    requests = [
        RequestRow(month=timezone.localdate(at).replace(day=1), to_peer=peer_id is not None, to_oh=to_oh,
                   urgent=urgent)
        for at, peer_id, to_oh, urgent in HelpRequest.objects.filter(
            organisation_id__in=organisations, created_at__gte=since).values_list(
            "created_at", "peer_id", "to_oh", "urgent")
    ]
    contacts = [(on.replace(day=1), kind) for on, kind in HelpContact.objects.filter(
        Q(request__organisation_id__in=organisations), on__gte=wanted[0]).values_list("on", "kind")]
    return [suppressed(row) for row in reversed(monthly_counts(wanted, requests, contacts))]
