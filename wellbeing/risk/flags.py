"""The life of a flag, in one place: raising flags and routing them to the right people, and who
may do what to which flag (a small state machine with the role as a parameter).

Operational reasons go to the supervisors of the person's team, with their category. Clinical
reasons go to occupational health; the supervisor is told only "welfare contact recommended".
Urgent flags reach OH at once, inside the request that raised them (no broker, no batch job): the
flag and an in-app notification to every OH member are written in that transaction; their emails
follow through the notification outbox (portal/notify.py). A clinical or urgent flag whose
organisation has no OH member to tell is recorded as a TaskFailure at once, so an administrator
sees that it is in nobody's queue (docs/clinical-safety.md, H1).

Ownership: clinical and urgent flags belong to OH from the moment they are raised, and an
operational flag belongs to OH once it has been escalated; every other flag is the supervisor's.
The supervisor acknowledges, records welfare actions on and closes their own flags; on OH's flags
they may only record a welfare action (which OH sees), never acknowledge, close or escalate them.
Only OH closes OH's flags, always with an outcome. A flag that was wrong is closed by its owner as
"not applicable" or "false alarm" with a reason in words (`flag_dismiss`), which is kept on the flag
only: never logged, audited as text, exported or put in a URL. The system (the beat task) escalates an
operational flag nobody acknowledged in time; a clinical flag is never escalated: it is OH's
already. Team and OH views and services ask `flag_permitted`, and every change of status is one of
the functions below with the role as a parameter (`flag_acknowledge`, `flag_close`, `flag_escalate`,
all through `flag_transition`), so no other module decides this or names its audit event.

Audit: each transition writes one event named after it (`flag_acknowledged`, `flag_closed`,
`flag_dismissed`, `flag_escalated`) with the reason, the role that took it and the status it left. Before issue 16 an
OH close was recorded as `oh_flag_closed` (and a supervisor's close without its role): those older
events are left as they are and read the same ("Closed a flag")."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from portal import access, audit
from portal.language import user_language
from portal.models import Notification, TaskFailure, User
from portal.notify import notification_send, notifications_send_many
from wellbeing.models import Flag, WelfareAction
from wellbeing.risk import engine as risk
from wellbeing.risk import urgent as urgent_route
from wellbeing.risk.reasons import CLINICAL, HIDDEN_FROM_SUPERVISOR, WELFARE_CONTACT, reason

logger = logging.getLogger(__name__)

# ----------------------------------------------------------------------------- the state machine

SUPERVISOR, OH, SYSTEM = "supervisor", "oh", "system"  # who acts (the role, not the person)
ACKNOWLEDGE, RECORD_ACTION, CLOSE, ESCALATE = "acknowledge", "record_action", "close", "escalate"
DISMISS = "dismiss"  # close as "not applicable" or "false alarm", with a reason in words

_S = Flag.Status
ACTIVE = frozenset(Flag.ACTIVE)


@dataclass(frozen=True)
class Transition:
    action: str
    role: str  # who may take it
    owner: str  # on whose flags
    sources: frozenset  # from these statuses
    target: str | None  # to this status (None: the status does not change)


TRANSITIONS: tuple[Transition, ...] = (
    # The supervisor's own (operational, not escalated) flags: exactly as before.
    Transition(ACKNOWLEDGE, SUPERVISOR, SUPERVISOR, frozenset({_S.OPEN}), _S.ACKNOWLEDGED),
    Transition(RECORD_ACTION, SUPERVISOR, SUPERVISOR, frozenset({_S.OPEN, _S.ACKNOWLEDGED}), None),
    Transition(CLOSE, SUPERVISOR, SUPERVISOR, frozenset({_S.OPEN, _S.ACKNOWLEDGED}), _S.CLOSED),
    # The flag was wrong: its owner closes it as not applicable or a false alarm (issue 21). Only the
    # owner, so a clinical or urgent flag can be dismissed by OH alone (hazard H3).
    Transition(DISMISS, SUPERVISOR, SUPERVISOR, frozenset({_S.OPEN, _S.ACKNOWLEDGED}), _S.CLOSED),
    # Not acknowledged in time: the beat task hands it to OH.
    Transition(ESCALATE, SYSTEM, SUPERVISOR, frozenset({_S.OPEN}), _S.ESCALATED),
    # OH's flags (clinical, urgent, or escalated): the supervisor may only record what they did.
    Transition(RECORD_ACTION, SUPERVISOR, OH, ACTIVE, None),
    Transition(CLOSE, OH, OH, ACTIVE, _S.CLOSED),
    # OH says "seen, someone is on it" (issue 21): stops an urgent flag's on-call chain.
    Transition(ACKNOWLEDGE, OH, OH, frozenset({_S.OPEN}), _S.ACKNOWLEDGED),
    Transition(DISMISS, OH, OH, ACTIVE, _S.CLOSED),
)

# The same ownership as `flag_owner`, as a filter, so that each conditional UPDATE re-checks it
# in the database (a flag escalated a moment ago is no longer the supervisor's to acknowledge).
OWNER_FILTERS = {
    OH: Q(kind=CLINICAL) | Q(urgent=True) | Q(status=_S.ESCALATED),
    SUPERVISOR: ~Q(kind=CLINICAL) & Q(urgent=False) & ~Q(status=_S.ESCALATED),
}

# The flags a supervisor may see at all, as a filter (every team page, count, export and the
# supervisor's notices): never one raised by an urgent request for help (`reasons.HIDDEN_FROM_SUPERVISOR`).
SUPERVISOR_SEES = ~Q(reason_code__in=sorted(HIDDEN_FROM_SUPERVISOR))


def supervisor_sees(reason_code: str) -> bool:
    """Whether a flag for this reason may appear to a supervisor in any form. Pure."""
    return reason_code not in HIDDEN_FROM_SUPERVISOR


NOT_YOURS = gettext_lazy("This flag is with occupational health: they close it once they have been in touch. "
                         "You can record a welfare conversation on it.")
NOT_OH_YET = gettext_lazy("This flag is with the person's supervisor until it is escalated.")


class FlagNotPermitted(PermissionDenied):
    """The role may not do this to this flag, whatever its status (a 403 with a clear message)."""


def flag_owner(flag: Flag) -> str:
    """Whose flag it is now: OH's (clinical, urgent or escalated) or the supervisor's."""
    if flag.kind == CLINICAL or flag.urgent or flag.status == _S.ESCALATED:
        return OH
    return SUPERVISOR


def _transition(flag: Flag, role: str, action: str) -> Transition | None:
    owner = flag_owner(flag)
    return next((t for t in TRANSITIONS if (t.action, t.role, t.owner) == (action, role, owner)), None)


def flag_role_may(flag: Flag, role: str, action: str) -> bool:
    """Whether `role` may ever take `action` on this flag as it is owned now (whatever its status)."""
    return _transition(flag, role, action) is not None


def flag_permitted(flag: Flag, role: str, action: str) -> bool:
    """Whether `role` may take `action` on this flag now (its owner and its status)."""
    t = _transition(flag, role, action)
    return t is not None and flag.status in t.sources


def flag_require(flag: Flag, role: str, action: str) -> None:
    """Raise FlagNotPermitted (403) unless `role` may take `action` on this flag's kind and owner.
    A flag merely in another status (already acknowledged or closed) is not refused here: the
    caller says "already done"."""
    if not flag_role_may(flag, role, action):
        raise FlagNotPermitted(NOT_YOURS if role == SUPERVISOR else NOT_OH_YET)


def flag_transition(*, flag: Flag, role: str, action: str, now=None, **fields) -> bool:
    """Take `action` as `role`: one conditional UPDATE that re-checks the owner and the status, so
    a double click, a second tab or a race with the beat task changes the flag once. Sets the
    target status and `fields`. Returns whether it changed the flag (the caller audits it)."""
    t = _transition(flag, role, action)
    if t is None:
        raise FlagNotPermitted(NOT_YOURS if role == SUPERVISOR else NOT_OH_YET)
    if t.target is None:
        return False
    changed = Flag.objects.filter(OWNER_FILTERS[t.owner], pk=flag.pk, status__in=list(t.sources)).update(
        status=t.target, **fields)
    return bool(changed)


CLOSE_NEEDS_ACTION = gettext_lazy("Record what was done before closing the flag.")
CLOSE_NEEDS_OUTCOME = gettext_lazy("Choose the outcome before closing the flag.")


def _transition_audit(flag: Flag, *, action: str, role: str, was: str, actor, **detail) -> None:
    audit.record(action, actor=actor, subject=flag.officer, obj=flag,
                 detail={"reason": flag.reason_code, "role": role, "was": was, **detail})


def flag_acknowledge(*, flag: Flag, role: str, by, now=None) -> bool:
    """Open -> acknowledged: the supervisor on their own flags, OH on theirs (for an urgent flag this
    stops the on-call chain, wellbeing/risk/urgent.py); anyone else raises FlagNotPermitted.
    Returns False if it was already acknowledged or closed."""
    now = now or timezone.now()
    was = flag.status
    with transaction.atomic():
        changed = flag_transition(flag=flag, role=role, action=ACKNOWLEDGE, acknowledged_at=now, acknowledged_by=by)
        if changed:
            _transition_audit(flag, action="flag_acknowledged", role=role, was=was, actor=by)
    flag.refresh_from_db(fields=["status", "acknowledged_at", "acknowledged_by"])
    return changed


def flag_close(*, flag: Flag, role: str, by, outcome: str = "", now=None) -> bool:
    """Close a flag as `role`. Who may close which flag is the table's (FlagNotPermitted otherwise);
    what closing needs depends on the owner: the supervisor closes their own flag once a welfare
    action is recorded on it (and a flag closed straight from "open" counts as acknowledged too); OH
    closes its flags with an outcome, one of `Flag.Outcome` (ValidationError otherwise). One
    conditional UPDATE, so a second click or a colleague closing it at the same time closes it once.
    Returns False if it was not active any more."""
    flag_require(flag, role, CLOSE)
    fields: dict = {}
    if role == OH:
        if outcome not in Flag.Outcome.values or outcome in Flag.DISMISSALS:  # those need a reason: flag_dismiss
            raise ValidationError({"outcome": CLOSE_NEEDS_OUTCOME})
        fields["outcome"] = outcome
    elif not WelfareAction.objects.filter(flag=flag).exists():
        raise ValidationError(CLOSE_NEEDS_ACTION)
    now = now or timezone.now()
    if role == SUPERVISOR:
        fields.update(acknowledged_at=flag.acknowledged_at or now, acknowledged_by=flag.acknowledged_by or by)
    was = flag.status
    with transaction.atomic():
        changed = flag_transition(flag=flag, role=role, action=CLOSE, closed_at=now, closed_by=by, **fields)
        if changed:
            _transition_audit(flag, action="flag_closed", role=role, was=was, actor=by,
                              **({"outcome": outcome} if role == OH else {}))
    flag.refresh_from_db(fields=["status", "closed_at", "closed_by", "acknowledged_at", "acknowledged_by",
                                 "outcome"])
    return changed


DISMISS_NEEDS_OUTCOME = gettext_lazy("Choose whether the flag was not applicable or a false alarm.")
DISMISS_NEEDS_REASON = gettext_lazy("Say why the flag does not apply.")
DISMISS_REASON_MAX = 2000


def flag_dismiss(*, flag: Flag, role: str, by, outcome: str, reason_text: str, now=None) -> bool:
    """Close a flag as "not applicable" or "false alarm" (`Flag.DISMISSALS`) as `role`, with a reason
    in words (required). Only the flag's owner may (the table's DISMISS rows): the supervisor on their
    own operational flags, OH on clinical, urgent and escalated ones. The reason is stored on the flag
    and nowhere else: the audit event names the outcome, never the words. A flag dismissed straight
    from "open" by the supervisor counts as acknowledged then. Returns False if it was not active any more."""
    flag_require(flag, role, DISMISS)
    reason_text = (reason_text or "").strip()
    if outcome not in Flag.DISMISSALS:
        raise ValidationError({"outcome": DISMISS_NEEDS_OUTCOME})
    if not reason_text:
        raise ValidationError({"reason": DISMISS_NEEDS_REASON})
    now = now or timezone.now()
    was = flag.status
    fields = {"outcome": outcome, "dismiss_reason": reason_text[:DISMISS_REASON_MAX], "closed_at": now,
              "closed_by": by}
    if role == SUPERVISOR:  # as `flag_close`: the supervisor's close counts as acknowledging it
        fields.update(acknowledged_at=flag.acknowledged_at or now, acknowledged_by=flag.acknowledged_by or by)
    with transaction.atomic():
        changed = flag_transition(flag=flag, role=role, action=DISMISS, **fields)
        if changed:
            _transition_audit(flag, action="flag_dismissed", role=role, was=was, actor=by, outcome=outcome)
    flag.refresh_from_db(fields=["status", "closed_at", "closed_by", "acknowledged_at", "acknowledged_by",
                                 "outcome", "dismiss_reason"])
    return changed


# ----------------------------------------------------------------------------- raising


class FlagWanted(NamedTuple):
    """A flag the risk engine wants raised (`flags_raise_many`)."""

    officer_id: int
    reason_code: str
    urgent: bool = False
    assessment: object = None
    severity: int = 0  # 0: from the reason alone (`risk.reason_severity`)
    checkin_id: int | None = None


def default_severity(reason_code: str, urgent: bool) -> int:
    return risk.reason_severity(reason_code, risk.URGENT if urgent else risk.AMBER)


def _severity(reason_code: str, urgent: bool, severity: int | None) -> int:
    if urgent:
        return risk.SEVERITY_URGENT
    return severity or default_severity(reason_code, urgent)


def flag_raise(*, officer, reason_code: str, urgent: bool = False, assessment=None, checkin=None,
               severity: int | None = None, acknowledge_within_hours: float = 48, now=None) -> tuple[Flag, bool]:
    """Raise a flag unless one is already active for this person and reason. Returns
    (flag, created). Recipients are notified only when the flag is new; an active flag that is
    raised again more severely moves up OH's queue (and OH is told at once if it became urgent)."""
    now = now or timezone.now()
    r = reason(reason_code)
    severity = _severity(reason_code, urgent, severity)
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                officer=officer, reason_code=reason_code, kind=r.kind, urgent=urgent, assessment=assessment,
                checkin=checkin, severity=severity, raised_at=now,
                acknowledge_by=now + timedelta(hours=acknowledge_within_hours),
            )
    except IntegrityError:
        existing = Flag.objects.get(officer=officer, reason_code=reason_code, status__in=Flag.ACTIVE)
        if urgent and not existing.urgent:
            Flag.objects.filter(pk=existing.pk).update(urgent=True)
            existing.urgent = True
            _notify_oh(existing, now)
        if severity > existing.severity:
            flags_raise_severity([(officer.pk, reason_code, severity, checkin.pk if checkin else None)], now=now)
            existing.refresh_from_db(fields=["severity", "checkin"])
        return existing, False
    audit.record("flag_raised", subject=officer, obj=flag, actor=audit.SYSTEM,
                 detail={"reason": reason_code, "urgent": urgent, "severity": severity})
    _route([flag])
    return flag, True


def flags_raise_many(wanted: list, *, acknowledge_within_hours: float = 48, now=None) -> list[Flag]:
    """Raise many flags at once, for the nightly sweep: `wanted` holds `FlagWanted` rows (or tuples
    of officer id, reason code, urgent, assessment[, severity, check-in id]). One insert for the
    flags, one for their audit events and one for the notifications, routed exactly as
    `flag_raise` routes one. If one of them is already active (raised meanwhile by another path),
    falls back to `flag_raise` one at a time. Returns the new flags."""
    now = now or timezone.now()
    if not wanted:
        return []
    wanted = [FlagWanted(*w) for w in wanted]
    flags = [Flag(officer_id=w.officer_id, reason_code=w.reason_code, kind=reason(w.reason_code).kind,
                  urgent=w.urgent, assessment=w.assessment, checkin_id=w.checkin_id,
                  severity=_severity(w.reason_code, w.urgent, w.severity), raised_at=now,
                  acknowledge_by=now + timedelta(hours=acknowledge_within_hours))
             for w in wanted]
    try:
        with transaction.atomic():
            Flag.objects.bulk_create(flags)
    except IntegrityError:
        from wellbeing.models import CheckIn

        officers = User.objects.in_bulk({w.officer_id for w in wanted})
        checkins = CheckIn.objects.only("id").in_bulk({w.checkin_id for w in wanted if w.checkin_id})
        raised = (flag_raise(officer=officers[w.officer_id], reason_code=w.reason_code, urgent=w.urgent,
                             assessment=w.assessment, checkin=checkins.get(w.checkin_id), severity=w.severity,
                             acknowledge_within_hours=acknowledge_within_hours, now=now)
                  for w in wanted)
        return [flag for flag, created in raised if created]
    audit.record_many("flag_raised", flags, subject="officer_id", actor=audit.SYSTEM,
                      detail=lambda f: {"reason": f.reason_code, "urgent": f.urgent, "severity": f.severity})
    _route(flags)
    return flags


def flags_raise_severity(raises: list[tuple[int, str, int, int | None]], *, now=None) -> int:
    """Raise (never lower) the severity of active flags: `raises` holds (officer id, reason code,
    severity, check-in id). A flag that moves up also links to the check-in that moved it. One
    query to read the active flags, then one conditional UPDATE and one audit event per flag that
    actually moves (few: a result more severe than the one that raised the flag). Returns how many
    moved."""
    wanted: dict[tuple[int, str], tuple[int, int | None]] = {}
    for officer_id, code, severity, checkin_id in raises:
        if severity and severity > wanted.get((officer_id, code), (0, None))[0]:
            wanted[officer_id, code] = (severity, checkin_id)
    if not wanted:
        return 0
    moved = 0
    rows = Flag.objects.filter(officer_id__in={o for o, _c in wanted}, status__in=Flag.ACTIVE).values_list(
        "pk", "officer_id", "reason_code", "severity")
    for pk, officer_id, code, current in list(rows):
        severity, checkin_id = wanted.get((officer_id, code), (0, None))
        if severity <= current:
            continue
        fields = {"severity": severity, **({"checkin_id": checkin_id} if checkin_id else {})}
        if Flag.objects.filter(pk=pk, status__in=Flag.ACTIVE, severity__lt=severity).update(**fields):
            moved += 1
            audit.record("flag_severity_raised", subject=officer_id, obj=Flag(pk=pk), actor=audit.SYSTEM,
                         detail={"reason": code, "from": current, "to": severity})
    return moved


def supervisor_label(flag: Flag) -> str:
    """What a supervisor may read about a flag: the category, or only "welfare contact recommended"."""
    r = reason(flag.reason_code)
    return str(WELFARE_CONTACT if r.kind == CLINICAL else r.category)


WITH_OH = gettext_lazy("With occupational health")


def supervisor_status(flag: Flag) -> str:
    """What a supervisor may read of a flag's status: an active flag of OH's is "with occupational
    health" whatever OH's own status for it; the supervisor's own flags show their status."""
    if flag.is_active and flag_owner(flag) == OH:
        return str(WITH_OH)
    return str(flag.get_status_display())


def _route(flags: list[Flag]) -> None:
    """Tell the right people about new flags: the supervisors of each person's team, and OH for
    clinical and urgent flags, with titles that name nobody and no reason (the linked page does,
    behind sign-in). A few queries however many flags."""
    officers = User.objects.only("id", "team_id", "organisation_id").in_bulk(
        {f.officer_id for f in flags})
    supervisors = access.supervisors_by_team({o.team_id for o in officers.values() if o.team_id})
    needs_oh = {officers[f.officer_id].organisation_id for f in flags if f.kind == CLINICAL or f.urgent}
    oh_staff = access.oh_staff_by_organisation(needs_oh - {None}) if needs_oh else {}
    urgent_flags = [f for f in flags if f.urgent]
    organisation_of = {f.pk: officers[f.officer_id].organisation_id for f in urgent_flags}
    routes = urgent_route.routes_for(set(organisation_of.values()), oh_staff) if urgent_flags else {}
    on_call = urgent_route.on_call_ids(routes)
    notes, unrouted = [], []
    for flag in flags:
        officer = officers[flag.officer_id]
        for supervisor in supervisors.get(officer.team_id, []) if supervisor_sees(flag.reason_code) else []:
            with user_language(supervisor):  # in the recipient's language, not the requester's
                title = _(SUPERVISOR_TITLE)
            notes.append(Notification(user=supervisor, title=title, link=reverse("team:index"),
                                      dedupe_key=f"flag:{flag.pk}:supervisor"))
        if flag.kind == CLINICAL or flag.urgent:
            staff = oh_staff.get(officer.organisation_id, [])
            if not staff:
                unrouted.append(flag)
            # The on-call contact gets the on-call notice below instead of this one.
            on_call_id = on_call.get(officer.organisation_id) if officer.organisation_id is not None else None
            notes += [_oh_note(flag, oh) for oh in staff if not (flag.urgent and on_call_id == oh.pk)]
    if urgent_flags:
        notes += urgent_route.urgent_flags_routed(urgent_flags, organisation_of=organisation_of, routes=routes,
                                                  now=urgent_flags[0].raised_at)
    notifications_send_many(notes, email=True)
    _record_unrouted(unrouted)


# Notification titles are also email subjects, read on lock screens, in shared mailboxes and in
# mail server logs: they never carry a name, a reason or a clinical word. The link leads to the page
# that says who and why, behind sign-in and two-factor. Urgency reaches OH as the row's `urgent`
# marker (sent first, second OH contact if undeliverable) and a subject that says "today".
SUPERVISOR_TITLE = gettext_noop("A person in your team needs a welfare contact")
OH_TITLE = gettext_noop("Occupational health: a new item in your queue")
OH_URGENT_TITLE = gettext_noop("Urgent: a new item in your OH queue needs attention today")
OH_ESCALATED_TITLE = gettext_noop("Occupational health: an item was escalated to your queue")


def _oh_note(flag: Flag, oh) -> Notification:
    with user_language(oh):
        title = _(OH_URGENT_TITLE) if flag.urgent else _(OH_TITLE)
    return Notification(user=oh, title=title, link=reverse("oh:index"), urgent=flag.urgent,
                        dedupe_key=f"flag:{flag.pk}:oh{':urgent' if flag.urgent else ''}")


def _notify_oh(flag: Flag, now) -> None:
    """An active flag that has just become urgent: OH is told at once, the on-call contact with the
    on-call notice (wellbeing/risk/urgent.py)."""
    org = flag.officer.organisation_id
    staff = access.oh_staff_by_organisation([org]).get(org, []) if org else []
    routes = urgent_route.routes_for([org], {org: staff}) if org else {}
    on_call = urgent_route.on_call_ids(routes).get(org) if org is not None else None
    notes = [_oh_note(flag, oh) for oh in staff if oh.pk != on_call]
    notes += urgent_route.urgent_flags_routed([flag], organisation_of={flag.pk: org}, routes=routes, now=now)
    notifications_send_many(notes, email=True)
    if not staff:
        _record_unrouted([flag])


def _record_unrouted(flags: list[Flag]) -> None:
    """Clinical or urgent flags that no OH member was told about (the organisation has nobody with
    the OH role): a visible TaskFailure each, ids only, so an administrator can put someone in OH's
    place today. The flag itself waits in OH's queue for the first OH member appointed."""
    if not flags:
        return
    TaskFailure.objects.bulk_create([
        TaskFailure(task_name="wellbeing.flag_route", args=[flag.pk],
                    error=("no occupational health member covers this person's organisation: "
                           "the flag is in nobody's queue; give someone the OH role now"))
        for flag in flags])
    # A count and the first few ids: a new force's first sweep may raise thousands at once.
    logger.error("clinical or urgent flags with no occupational health recipient: %d (first flag_ids=%s)",
                 len(flags), [flag.pk for flag in flags[:10]])


def flag_escalate(*, flag_id: int, now=None) -> bool:
    """Move an open operational flag to OH (the beat task, when nobody acknowledged it in time).
    Returns False if it was acknowledged or escalated meanwhile, or is not the supervisor's to miss
    (a clinical or urgent flag is OH's from the start and is never escalated)."""
    now = now or timezone.now()
    flag = Flag.objects.select_related("officer").filter(pk=flag_id).first()
    if flag is None or not flag_permitted(flag, SYSTEM, ESCALATE):
        return False
    was = flag.status
    if not flag_transition(flag=flag, role=SYSTEM, action=ESCALATE, escalated_at=now):
        return False
    flag.refresh_from_db(fields=["status", "escalated_at"])
    _transition_audit(flag, action="flag_escalated", role=SYSTEM, was=was, actor=audit.SYSTEM)
    for oh in access.oh_staff_for(flag.officer):
        with user_language(oh):
            title = _(OH_ESCALATED_TITLE)
        notification_send(
            user=oh, title=title,
            link=reverse("oh:index"), dedupe_key=f"flag:{flag.pk}:escalated", email=True,
        )
    return True


def escalation_due(now) -> list[int]:
    """Ids of the flags the beat task should escalate now: open operational flags past their time."""
    return list(Flag.objects.filter(OWNER_FILTERS[SUPERVISOR], status=_S.OPEN, acknowledge_by__lte=now)
                .values_list("pk", flat=True))
