"""How a TRiM case opens, and the person's answer to an offered assessment (docs/trim.md).

A case opens in one of three ways, each a service here:

- `open_from_logged_incident`: an officer logs a critical incident on a shift. Exposure never
  imports wellbeing, so `shift_change_receiver` (connected in WellbeingConfig.ready) listens for
  the history row every shift save writes, inside the same transaction: the officer's case exists
  as soon as their shift is saved. Editing the shift again opens nothing new (one case per person
  and shift). `logged_incidents_sweep` opens any the receiver missed.
- `declare_incident`: a supervisor declares an incident for everyone involved, across teams and
  units of one organisation; nobody needs to have logged anything.
- `refer`: an officer refers themself, or a supervisor refers someone of their organisations.

Every opening tells the organisation's TRiM coordinators at once (in the portal and by email): the
notice names no one and carries no health detail, it points to their queue. Every opening and
answer is audited with ids and codes only (never the incident's title: it is free text)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exposure import shift_times
from portal import access, audit
from portal.language import user_language
from portal.notify import notification_send
from wellbeing.models.trim import TrimCase, TrimIncident
from wellbeing.trim import selectors
from wellbeing.trim.deadlines import due_dates

logger = logging.getLogger(__name__)

# A logged critical incident whose shift start is unknown is taken to be at this time of its day.
LOGGED_DEFAULT_TIME = time(9, 0)
# How far back the sweep looks for critical incidents whose case did not open.
SWEEP_DAYS = 7


class NotAllowed(Exception):
    """The person may not be chosen by this user (another organisation, not active, not theirs)."""


@dataclass
class Declared:
    incident: TrimIncident
    opened: list[TrimCase] = field(default_factory=list)  # cases this declaration opened
    existing: list[TrimCase] = field(default_factory=list)  # people who already had a case for it


# ----------------------------------------------------------------------------- pure helpers

def logged_incident_time(shift_date: date, start_time: time | None = None) -> datetime:
    """When a logged critical incident is taken to have happened: the shift's start if known,
    otherwise 09:00 on the shift's date (Europe/London), as an aware datetime."""
    return shift_times.shift_start(shift_date, start_time or LOGGED_DEFAULT_TIME)


def shift_key_for(shift_id: int) -> str:
    """The key that ties a case to the shift whose critical incident opened it."""
    return f"shift:{shift_id}"


def logged_incident_title(shift_date: date) -> str:
    """A neutral title, in the site's language (it is stored, and read by coordinators)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Critical incident logged for the shift of %(date)s") % {
            "date": date_format(shift_date, "j F Y")}


def is_offer_open(case: TrimCase) -> bool:
    """Whether the person can answer (accept or decline) an assessment offered on this case: while
    an assessment is offered or under way, never before it is offered or once the case is closed.
    A declined offer stays open: the person may accept later."""
    return case.stage in (TrimCase.Stage.OFFERED, TrimCase.Stage.IN_PROGRESS)


# ----------------------------------------------------------------------------- opening

def _new_case(incident: TrimIncident, person, *, referred_by=None, shift_key: str = "") -> TrimCase:
    organisation = incident.organisation
    assessment_due, followup_due = due_dates(
        incident.occurred_at, assessment_hours=organisation.trim_assessment_hours,
        followup_days=organisation.trim_followup_days)
    return TrimCase.objects.create(
        incident=incident, person=person, referred_by=referred_by, shift_key=shift_key,
        assessment_due_at=assessment_due, followup_due_at=followup_due)


def _audit_opened(cases: list[TrimCase], source: str, by) -> None:
    audit.record_many("trim_case_opened", cases, subject="person_id", actor=by,
                      detail=lambda c: {"incident": c.incident_id, "source": source})


def notify_coordinators(incident: TrimIncident, cases: list[TrimCase]) -> int:
    """Tell every active coordinator of the incident's organisation that cases opened: once per
    opening (the key is the first new case's, so a rerun tells nobody twice). No name, no health
    detail: the notice points to their queue. With no coordinator, occupational health is told
    instead, so that a new case never waits unseen (docs/trim.md). Returns how many were told."""
    if not cases:
        return 0
    org = incident.organisation_id
    coordinators = access.trim_coordinators_by_organisation([org]).get(org, [])
    key = f"trim-case-opened:{min(c.pk for c in cases)}"
    if not coordinators:
        logger.warning("TRiM case opened with no coordinator to tell organisation_id=%s incident_id=%s",
                       org, incident.pk)
        return _tell_oh_no_coordinator(access.oh_staff_by_organisation([org]).get(org, []), len(cases), key)
    told = 0
    for coordinator in coordinators:
        with user_language(coordinator):
            title = ngettext("A new TRiM case has opened", "%(n)d new TRiM cases have opened",
                             len(cases)) % {"n": len(cases)}
            body = _("Sign in to the portal and open TRiM cases to plan the response.")
        if notification_send(user=coordinator, title=title, body=body, link=reverse("trim:index"),
                             dedupe_key=key, email=True):
            told += 1
    return told


def _tell_oh_no_coordinator(oh_staff, count: int, key: str) -> int:
    told = 0
    for member in oh_staff:
        with user_language(member):
            title = ngettext("A new TRiM case has opened", "%(n)d new TRiM cases have opened", count) % {"n": count}
            body = _("Your organisation has no active TRiM coordinator, so nobody can plan the response. Ask an "
                     "administrator to give someone the TRiM coordinator role today.")
        if notification_send(user=member, title=title, body=body, link=reverse("oh:index"), dedupe_key=key,
                             email=True):
            told += 1
    return told


def open_from_logged_incident(officer, shift_key: str, occurred_at: datetime) -> TrimCase | None:
    """The case for a critical incident `officer` logged on a shift (`shift_key`): opened once, so
    logging or editing the same shift again returns the case already open. None for an officer with
    no organisation."""
    if not officer.organisation_id:
        return None
    with transaction.atomic():
        existing = TrimCase.objects.filter(person=officer, shift_key=shift_key).select_related("incident").first()
        if existing is not None:
            return existing
        shift_date = timezone.localtime(occurred_at).date()
        incident = TrimIncident.objects.create(
            organisation_id=officer.organisation_id, title=logged_incident_title(shift_date),
            occurred_at=occurred_at, source=TrimIncident.Source.LOGGED, created_by=officer)
        case = _new_case(incident, officer, shift_key=shift_key)
        _audit_opened([case], TrimIncident.Source.LOGGED, officer)
        notify_coordinators(incident, [case])
    return case


def _check_people(by, people) -> int:
    """The one organisation of `people`, all of whom `by` may choose; NotAllowed otherwise."""
    ids = {p.pk for p in people}
    allowed = set(selectors.declarable_people(by).filter(pk__in=ids).values_list("pk", flat=True))
    if not ids or ids - allowed:
        raise NotAllowed
    organisations = {p.organisation_id for p in people}
    if len(organisations) != 1:
        raise NotAllowed
    return organisations.pop()


def add_people(incident: TrimIncident, people, *, by, source: str) -> Declared:
    """Open a case on `incident` for each of `people` who has none on it yet (no duplicates)."""
    result = Declared(incident=incident)
    have = {c.person_id: c for c in incident.cases.all()}
    for person in people:
        if person.pk in have:
            result.existing.append(have[person.pk])
        else:
            have[person.pk] = _new_case(incident, person)
            result.opened.append(have[person.pk])
    _audit_opened(result.opened, source, by)
    notify_coordinators(incident, result.opened)
    return result


def declare_incident(by, title: str, occurred_at: datetime, people) -> Declared:
    """A supervisor declares an incident for everyone involved: one case per person. The people
    are active officers of one of `by`'s organisations (any team or unit); NotAllowed otherwise.
    Declaring the same incident again (same title and time) adds only the people not on it yet."""
    people = list({p.pk: p for p in people}.values())
    organisation_id = _check_people(by, people)
    title = title.strip()
    if not title or len(title) > TrimIncident._meta.get_field("title").max_length:
        raise ValueError("a title of 1 to 200 characters")
    with transaction.atomic():
        incident, created = TrimIncident.objects.select_for_update().get_or_create(
            organisation_id=organisation_id, source=TrimIncident.Source.DECLARED, title=title,
            occurred_at=occurred_at, defaults={"created_by": by})
        result = add_people(incident, people, by=by, source=TrimIncident.Source.DECLARED)
        audit.record("trim_incident_declared", obj=incident, actor=by,
                     detail={"opened": len(result.opened), "existing": len(result.existing), "new": created})
    return result


def refer(by, person, incident_title: str, occurred_at: datetime) -> TrimCase:
    """Refer someone to TRiM: an officer themself, or a supervisor anyone of their organisations.
    Opens an incident (source "referred") and the person's case, with who referred."""
    if by.pk == person.pk:
        if not access.can_enter(by, "trim_own") or not by.organisation_id:
            raise NotAllowed
    elif not selectors.declarable_people(by).filter(pk=person.pk).exists():
        raise NotAllowed
    title = incident_title.strip()
    if not title or len(title) > TrimIncident._meta.get_field("title").max_length:
        raise ValueError("a title of 1 to 200 characters")
    with transaction.atomic():
        incident = TrimIncident.objects.create(
            organisation_id=person.organisation_id, title=title, occurred_at=occurred_at,
            source=TrimIncident.Source.REFERRED, created_by=by)
        case = _new_case(incident, person, referred_by=by)
        _audit_opened([case], TrimIncident.Source.REFERRED, by)
        notify_coordinators(incident, [case])
    return case


# ----------------------------------------------------------------------------- the exposure hook

def shift_change_receiver(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of exposure's ShiftChange (the history row every shift save writes, in the save's
    transaction): a shift logged or edited with a critical incident opens its case at once. A
    failure here must not lose the officer's shift: it is rolled back to a savepoint and logged
    (ids only), and `logged_incidents_sweep` opens the case later."""
    if raw or not created or instance.action not in ("created", "updated"):
        return
    snapshot = instance.snapshot or {}
    if not any(e.get("critical_incident") for e in snapshot.get("exposures", [])):
        return
    try:
        day = date.fromisoformat(snapshot["shift_date"])
        start = time.fromisoformat(snapshot["start_time"]) if snapshot.get("start_time") else None
        with transaction.atomic():
            open_from_logged_incident(instance.officer, shift_key_for(instance.shift_id),
                                      logged_incident_time(day, start))
    except Exception:  # the shift is saved whatever happens here; the sweep is the safety net
        logger.exception("TRiM case not opened for shift_id=%s; the sweep will retry", instance.shift_id)


def logged_incidents_sweep(*, days: int = SWEEP_DAYS, now: datetime | None = None) -> int:
    """Open the case of every critical incident logged in the last `days` days that has none (the
    receiver failed). Idempotent. Returns how many cases it opened."""
    from exposure.models import Exposure, ShiftLog

    since = timezone.localtime(now or timezone.now()).date() - timedelta(days=days)
    shift_ids = set(Exposure.objects.filter(critical_incident=True, shift_date__gte=since)
                    .values_list("shift_id", flat=True))
    have = set(TrimCase.objects.filter(shift_key__in=[shift_key_for(pk) for pk in shift_ids])
               .values_list("shift_key", flat=True))
    opened = 0
    for shift in ShiftLog.objects.filter(pk__in=shift_ids).select_related("officer").order_by("pk"):
        if shift_key_for(shift.pk) in have:
            continue
        case = open_from_logged_incident(shift.officer, shift_key_for(shift.pk),
                                         logged_incident_time(shift.shift_date, shift.start_time))
        opened += case is not None
    return opened


# ----------------------------------------------------------------------------- the person's answer

def offer_accept(*, case: TrimCase, by, now: datetime | None = None) -> bool:
    """The person accepts the assessment offered. False if there is nothing to accept."""
    return _answer(case, by, TrimCase.Offer.ACCEPTED, "trim_offer_accepted", now)


def offer_decline(*, case: TrimCase, by, now: datetime | None = None) -> bool:
    """The person declines: recorded with its time and respected (no chasing). The offer stays
    open: they may accept later."""
    return _answer(case, by, TrimCase.Offer.DECLINED, "trim_offer_declined", now)


def _answer(case: TrimCase, by, answer: str, action: str, now) -> bool:
    if by.pk != case.person_id or not is_offer_open(case) or case.offer == answer:
        return False
    now = now or timezone.now()
    with transaction.atomic():
        changed = TrimCase.objects.filter(pk=case.pk, stage=case.stage).exclude(offer=answer).update(
            offer=answer, offer_answered_at=now)
        if changed:
            case.offer, case.offer_answered_at = answer, now
            audit.record(action, subject=case.person_id, obj=case, actor=by)
    return bool(changed)
