"""Urgent flags: a human within the hour, day or night (issue 21).

An urgent flag (PHQ-9 item 9, the PHQ-4 safety question, any flag raised urgent) is OH's from the
moment it is raised (wellbeing/risk/flags.py). On top of that, each organisation may name an
out-of-hours route (portal.Organisation):

1. its *on-call contact* is told at once, by email and in the portal, through the one outbox
   (portal/notify.py), in the transaction that raised the flag; every other OH member is told as
   before, so an urgent answer reaches OH whether or not anyone is on call;
2. the flag must be acknowledged within the organisation's `urgent_acknowledge_minutes` (60 by
   default): its `acknowledge_by` is set from that;
3. if it is still open then (nobody acknowledged or closed it), the beat task tells the *second
   contact*, or, with none set, every other OH member;
4. acknowledging (the on-call contact or any OH member, `flags.flag_acknowledge` with role OH) or
   closing the flag stops the chain: both steps look only at open flags.

Both contacts must be active OH members covering the organisation: they act on urgent flags like
any OH member and see the person's detail through the OH role (portal/access.py, every read
audited), so the route gives nobody access they did not already have. A contact who has since
left, been deactivated or lost the OH role is skipped (checked again at every send) and the flag
goes to every OH member as if no route were set. With no OH member at all, the flag is recorded as
a TaskFailure for an administrator (docs/clinical-safety.md, H1).

Each step is claimed with a conditional UPDATE of its timestamp on the flag before anyone is told,
and its notices carry a dedupe key, so a rerun, a second beat or a retried task tells nobody twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal import access, audit
from portal.language import user_language
from portal.models import Notification, Organisation, TaskFailure, User
from portal.notify import notifications_send_many
from wellbeing.models import Flag

logger = logging.getLogger(__name__)

DEFAULT_MINUTES = 60
# The sweep tells the on-call contact of urgent flags that missed the first step (their organisation
# named a contact after the flag was raised, or the flag became urgent on a path that could not).
# Older flags are not paged out again: they have been in OH's queue for a day already.
CATCH_UP = timedelta(hours=24)

FIRST, SECOND = "first", "second"  # the steps of the route

# No name, reason or clinical word (the titles are email subjects too): see flags.py.
ON_CALL_TITLE = gettext_noop("Urgent, you are on call: an item in the OH queue needs acknowledging")
SECOND_TITLE = gettext_noop("Urgent: an item in the OH queue was not acknowledged in time")
DEDUPE = {FIRST: "oncall", SECOND: "oncall-second"}


# ----------------------------------------------------------------------------- the rules (pure)


def next_step(*, urgent: bool, status: str, on_call: bool, on_call_notified_at, second_contact_notified_at,
              acknowledge_by, now) -> str | None:
    """The step of the route this flag is due for now, or None. Only an open urgent flag is routed
    (acknowledged or closed: the chain has stopped). The on-call contact first, if the organisation
    has one; the second step once the on-call contact was told and the deadline has passed."""
    if not urgent or status != Flag.Status.OPEN:
        return None
    if on_call_notified_at is None:
        return FIRST if on_call else None
    if second_contact_notified_at is None and acknowledge_by is not None and acknowledge_by <= now:
        return SECOND
    return None


@dataclass(frozen=True)
class Route:
    """An organisation's route as it stands now: contacts that are still valid, else None."""

    on_call: User | None = None
    second: User | None = None
    minutes: int = DEFAULT_MINUTES


def route_from(*, on_call_id, second_id, minutes, staff: list[User]) -> Route:
    """Keep a contact only if they are among `staff` (the active OH members covering the
    organisation, `access.oh_staff_by_organisation`): one who left, or lost the role, is dropped."""
    by_pk = {user.pk: user for user in staff}
    on_call = by_pk.get(on_call_id)
    second = by_pk.get(second_id) if on_call is None or second_id != on_call.pk else None
    return Route(on_call=on_call, second=second, minutes=minutes or DEFAULT_MINUTES)


def second_recipients(route: Route, staff: list[User]) -> list[User]:
    """Who is told when the on-call contact has not acknowledged in time: the second contact, or
    with none, every OH member covering the organisation except the on-call contact (or, if the
    on-call contact is the only one, them again)."""
    if route.second is not None:
        return [route.second]
    others = [user for user in staff if route.on_call is None or user.pk != route.on_call.pk]
    return others or list(staff)


# ----------------------------------------------------------------------------- reading the routes


def routes_for(organisation_ids, oh_staff: dict) -> dict[int, Route]:
    """The routes of these organisations, contacts checked against `oh_staff` (as returned by
    `access.oh_staff_by_organisation` for the same organisations). One query."""
    rows = Organisation.objects.filter(pk__in=set(organisation_ids) - {None}).values_list(
        "pk", "on_call_contact_id", "on_call_second_contact_id", "urgent_acknowledge_minutes")
    return {pk: route_from(on_call_id=first, second_id=second, minutes=minutes, staff=oh_staff.get(pk, []))
            for pk, first, second, minutes in rows}


# ----------------------------------------------------------------------------- step one


def _note(flag: Flag, user: User, step: str) -> Notification:
    with user_language(user):  # in the recipient's language
        title = _(ON_CALL_TITLE if step == FIRST else SECOND_TITLE)
    return Notification(user=user, title=title, link=reverse("oh:index"), urgent=True,
                        dedupe_key=f"flag:{flag.pk}:{DEDUPE[step]}")


def on_call_ids(routes: dict[int, Route]) -> dict[int, int]:
    """{organisation id: the on-call contact's id}, for the organisations that have a valid one."""
    return {org: route.on_call.pk for org, route in routes.items() if route.on_call is not None}


def urgent_flags_routed(flags: list[Flag], *, organisation_of: dict[int, int | None], routes: dict[int, Route],
                        now) -> list[Notification]:
    """Step one for urgent flags just raised (or just made urgent): set each one's deadline from its
    organisation's setting, mark the on-call contact told, and return their notices for the caller
    to send with the others (in the same transaction). One UPDATE per distinct deadline."""
    groups: dict[tuple[int, bool], list[int]] = defaultdict(list)
    notes = []
    for flag in flags:
        route = routes.get(organisation_of.get(flag.pk)) or Route()
        groups[route.minutes, route.on_call is not None].append(flag.pk)
        if route.on_call is not None:
            notes.append(_note(flag, route.on_call, FIRST))
    for (minutes, told), pks in groups.items():
        deadline = now + timedelta(minutes=minutes)
        Flag.objects.filter(pk__in=pks, on_call_notified_at__isnull=True).update(
            acknowledge_by=deadline, **({"on_call_notified_at": now} if told else {}))
    return notes


# ----------------------------------------------------------------------------- the sweep (beat)


def urgent_route_sweep(*, now=None) -> int:
    """The beat task's work: step one for urgent flags that missed it, step two for those whose
    deadline passed unacknowledged. Returns how many steps were taken. A few queries, plus a claim
    and an insert per step taken."""
    now = now or timezone.now()
    open_urgent = Flag.objects.filter(urgent=True, status=Flag.Status.OPEN)
    missed = list(open_urgent.filter(on_call_notified_at__isnull=True, raised_at__gte=now - CATCH_UP,
                                     officer__organisation__on_call_contact__isnull=False)
                  .select_related("officer").only("pk", "officer__organisation_id"))
    overdue = list(open_urgent.filter(on_call_notified_at__isnull=False, second_contact_notified_at__isnull=True,
                                      acknowledge_by__lte=now)
                   .select_related("officer").only("pk", "reason_code", "officer__organisation_id"))
    if not missed and not overdue:
        return 0
    organisations = {f.officer.organisation_id for f in missed + overdue} - {None}
    staff = access.oh_staff_by_organisation(organisations)
    routes = routes_for(organisations, staff)
    taken = _catch_up(missed, routes, now)
    for flag in overdue:
        org = flag.officer.organisation_id
        taken += _second_step(flag, routes.get(org) or Route(), staff.get(org, []), now)
    return taken


def _catch_up(flags: list[Flag], routes: dict[int, Route], now) -> int:
    """Step one, claimed flag by flag, for urgent flags the raising path could not route."""
    taken = 0
    for flag in flags:
        route = routes.get(flag.officer.organisation_id) or Route()
        if route.on_call is None:  # named, but no longer an active OH member: OH were all told already
            continue
        with transaction.atomic():
            if not Flag.objects.filter(pk=flag.pk, status=Flag.Status.OPEN, on_call_notified_at__isnull=True).update(
                    on_call_notified_at=now, acknowledge_by=now + timedelta(minutes=route.minutes)):
                continue
            notifications_send_many([_note(flag, route.on_call, FIRST)], email=True)
        taken += 1
    return taken


def _second_step(flag: Flag, route: Route, staff: list[User], now) -> int:
    """Claim step two of one flag, then tell its recipients, in one transaction (the outbox sends
    the emails after it commits): claimed twice, it is taken once."""
    with transaction.atomic():
        claimed = Flag.objects.filter(pk=flag.pk, status=Flag.Status.OPEN, urgent=True,
                                      second_contact_notified_at__isnull=True).update(second_contact_notified_at=now)
        if not claimed:
            return 0
        recipients = second_recipients(route, staff)
        notifications_send_many([_note(flag, user, SECOND) for user in recipients], email=True)
        audit.record("flag_on_call_escalated", subject=flag.officer_id, obj=flag, actor=audit.SYSTEM,
                     detail={"reason": flag.reason_code, "to": "second_contact" if route.second else "oh",
                             "recipients": len(recipients)})
        if not recipients:
            TaskFailure.objects.create(
                task_name="wellbeing.urgent_route_sweep", args=[flag.pk],
                error=("urgent flag not acknowledged in time and no occupational health member covers this "
                       "person's organisation: give someone the OH role now"))
            logger.error("urgent flag not acknowledged and nobody to tell flag_id=%s", flag.pk)
    return 1
