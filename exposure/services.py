"""Writes of the exposure app: shifts with their exposures, correction notes, viewing sessions.

Every change to a shift keeps a snapshot in `ShiftChange` and asks for the officer's risk to be
recomputed inside the same transaction (`portal.recompute.recompute_request`), which enqueues the
task only after commit and leaves a pending mark if the broker is down: the shift is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from exposure.dose import STANDARD_WEIGHTS, DoseWeights, entry_dose, entry_dose_many
from exposure.models import CorrectionNote, Exposure, ExposureCategory, ShiftChange, ShiftLog, ViewingSession
from portal import audit
from portal.recompute import recompute_request
from portal.roles import OTHER, SHIPPED, Role


@dataclass
class EntryData:
    """One exposure as a role form hands it to the service (already validated)."""

    category: ExposureCategory
    intensity: int
    minutes: int | None = None
    count: int = 1
    critical_incident: bool = False
    defined_task: bool | None = None
    mitigations: list[str] = field(default_factory=list)
    outcome_known: bool | None = None
    outcome_wanted: bool | None = None
    detail: dict = field(default_factory=dict)

    def dose(self, weights: DoseWeights = STANDARD_WEIGHTS) -> float:
        """Logged minutes measure the whole entry; without minutes, each counted event (a call)
        weighs the role's default minutes. `weights` are the role's (`role_weights`)."""
        kwargs: dict[str, Any] = {"intensity": self.intensity, "minutes": self.minutes, "mitigations": self.mitigations,
                                  "defined_task": self.defined_task, "critical_incident": self.critical_incident,
                                  "weights": weights}
        if self.minutes is None:
            return entry_dose_many(count=self.count, **kwargs)
        return entry_dose(**kwargs)


def role_weights(code: str) -> DoseWeights:
    """The dose weights of the role with this code (today's constants for a code without a row)."""
    return weights_of(Role.objects.filter(code=code).first())


def weights_of(role: Role | None) -> DoseWeights:
    """The dose weights of a role already read (today's constants for none)."""
    if role is None:
        return STANDARD_WEIGHTS
    return DoseWeights(
        default_minutes=role.default_minutes, defined_task_factor=role.defined_task_factor,
        critical_incident_factor=role.critical_incident_factor, mitigation_step=role.mitigation_step,
        mitigation_floor=role.mitigation_floor)


def shown_weights(code: str) -> DoseWeights:
    """The weights "How is this worked out?" gives a person in this role. The shipped roles' are
    today's constants, which the admin does not let anyone change (no query); an added role's are
    its own."""
    if not code or code in SHIPPED or code == OTHER:
        return STANDARD_WEIGHTS
    return role_weights(code)


def shift_snapshot(shift: ShiftLog, exposures: list[Exposure]) -> dict:
    return {
        "shift_date": shift.shift_date.isoformat(),
        "start_time": shift.start_time.isoformat(timespec="minutes"),
        "duration_minutes": shift.duration_minutes,
        "role": shift.role,
        "nothing_notable": shift.nothing_notable,
        "detail": shift.detail,
        "exposures": [
            {
                "category": e.category.code if e.category_id else None,
                "intensity": e.intensity, "minutes": e.minutes, "count": e.count,
                "critical_incident": e.critical_incident, "defined_task": e.defined_task,
                "mitigations": e.mitigations, "outcome_known": e.outcome_known,
                "outcome_wanted": e.outcome_wanted, "detail": e.detail, "dose": e.dose,
            }
            for e in exposures
        ],
    }


def _history(shift: ShiftLog, *, actor, action: str, exposures: list[Exposure]) -> None:
    ShiftChange.objects.create(
        shift_id=shift.pk, officer_id=shift.officer_id, actor=actor, action=action,
        snapshot=shift_snapshot(shift, exposures),
    )


def _audit_created(rows: list) -> None:
    """Rows inserted together (bulk_create sends no signals), audited as each save would be, in
    one insert: "exposure.shiftlog_created", "exposure.exposure_created", with their officer."""
    audit.record_many(lambda row: f"{row._meta.label_lower}_created", rows, subject="officer_id")


def _write_entries(shift: ShiftLog, entries: list[EntryData], *, new: bool = False,
                   weights: DoseWeights | None = None) -> tuple[list[Exposure], list[Exposure]]:
    """Make the shift's exposures equal `entries`, updating rows in place where the category
    matches so that anything pointing at an exposure (a flag, a follow-up) keeps pointing at it.
    `new`: the shift was created in this transaction, so it has no exposures yet. `weights`: the
    role's dose weights, if the caller has read them. Returns the shift's exposures and the new
    ones among them, which the caller audits (`_audit_created`)."""
    existing = [] if new else list(shift.exposures.select_related("category").order_by("id"))
    if weights is None:
        weights = role_weights(shift.role) if entries else STANDARD_WEIGHTS
    by_key: dict[tuple[int, bool], list[Exposure]] = {}
    for exp in existing:
        by_key.setdefault((exp.category_id, exp.critical_incident), []).append(exp)
    kept: list[Exposure] = []
    for entry in entries:
        bucket = by_key.get((entry.category.pk, entry.critical_incident)) or []
        exp = bucket.pop(0) if bucket else Exposure(shift=shift)
        exp.officer_id = shift.officer_id
        exp.shift_date = shift.shift_date
        exp.role = shift.role
        exp.category = entry.category
        exp.intensity = entry.intensity
        exp.minutes = entry.minutes
        exp.count = entry.count
        exp.critical_incident = entry.critical_incident
        exp.defined_task = entry.defined_task
        exp.mitigations = sorted(set(entry.mitigations))
        exp.outcome_known = entry.outcome_known
        exp.outcome_wanted = entry.outcome_wanted
        exp.detail = entry.detail
        exp.dose = entry.dose(weights)
        exp.full_clean(exclude=["shift", "officer", "category"])
        if exp.pk is not None:
            exp.save()  # its update is audited by the save signal (portal/record_audit.py)
        kept.append(exp)
    created = Exposure.objects.bulk_create([exp for exp in kept if exp.pk is None])  # new rows in one insert
    stale = [exp.pk for bucket in by_key.values() for exp in bucket]
    if stale:
        Exposure.objects.filter(pk__in=stale).delete()
    return kept, created


def _link_session(shift: ShiftLog, session: ViewingSession | None) -> None:
    if session is not None and session.officer_id == shift.officer_id:
        ViewingSession.objects.filter(pk=session.pk).update(shift=shift)


@transaction.atomic
def shift_create(
    *,
    officer,
    shift_date: date,
    start_time: time,
    duration_minutes: int,
    role: str,
    entries: list[EntryData],
    detail: dict | None = None,
    nothing_notable: bool = False,
    session: ViewingSession | None = None,
    weights: DoseWeights | None = None,
) -> ShiftLog:
    """A new shift with its exposures. `weights`: the role's dose weights, if the caller has read
    the role (otherwise read here)."""
    shift = ShiftLog(
        officer=officer, shift_date=shift_date, start_time=start_time, duration_minutes=duration_minutes,
        role=role, nothing_notable=nothing_notable or not entries, detail=detail or {},
    )
    shift.full_clean(exclude=["officer"])
    ShiftLog.objects.bulk_create([shift])  # audited with its exposures, one insert for all of them
    exposures, created = ([], []) if nothing_notable else _write_entries(shift, entries, new=True, weights=weights)
    _audit_created([shift, *created])
    _link_session(shift, session)
    _history(shift, actor=officer, action=ShiftChange.Action.CREATED, exposures=exposures)
    recompute_request(officer_id=officer.pk)
    return shift


@transaction.atomic
def shift_update(
    *,
    shift: ShiftLog,
    actor,
    shift_date: date,
    start_time: time,
    duration_minutes: int,
    role: str,
    entries: list[EntryData],
    detail: dict | None = None,
    nothing_notable: bool = False,
    session: ViewingSession | None = None,
    weights: DoseWeights | None = None,
) -> ShiftLog:
    shift.shift_date = shift_date
    shift.start_time = start_time
    shift.duration_minutes = duration_minutes
    shift.role = role
    shift.nothing_notable = nothing_notable or not entries
    shift.detail = detail or {}
    shift.full_clean(exclude=["officer"])
    shift.save()
    exposures, created = _write_entries(shift, [] if nothing_notable else entries, weights=weights)
    _audit_created(created)
    _link_session(shift, session)
    _history(shift, actor=actor, action=ShiftChange.Action.UPDATED, exposures=exposures)
    recompute_request(officer_id=shift.officer_id)
    return shift


@transaction.atomic
def shift_delete(*, shift: ShiftLog, actor) -> None:
    exposures = list(shift.exposures.select_related("category"))
    _history(shift, actor=actor, action=ShiftChange.Action.DELETED, exposures=exposures)
    officer_id = shift.officer_id
    shift.delete()
    recompute_request(officer_id=officer_id)


@transaction.atomic
def shift_correction_add(*, shift: ShiftLog, author, text: str) -> CorrectionNote:
    note = CorrectionNote.objects.create(shift=shift, author=author, text=text)
    # The snapshot records that a note was added, not its words: the note itself is the record.
    ShiftChange.objects.create(
        shift_id=shift.pk, officer_id=shift.officer_id, actor=author, action=ShiftChange.Action.CORRECTED,
        snapshot={"correction_note_id": note.pk},
    )
    return note


# --- Viewing sessions ---------------------------------------------------------------------------


def _close_segment(session: ViewingSession, now) -> None:
    elapsed = max(0, int((now - session.segment_started_at).total_seconds()))
    if session.state == ViewingSession.State.VIEWING:
        session.viewed_seconds += elapsed
        session.longest_viewing_seconds = max(session.longest_viewing_seconds, elapsed)
    elif session.state == ViewingSession.State.ON_BREAK:
        session.break_seconds += elapsed


def viewing_session_start(*, officer) -> ViewingSession:
    """Start a session, or return the one already open (a second tab must not double-count)."""
    with transaction.atomic():
        open_session = (
            ViewingSession.objects.select_for_update()
            .filter(officer=officer).exclude(state=ViewingSession.State.STOPPED).first()
        )
        if open_session is not None:
            return open_session
        now = timezone.now()
        return ViewingSession.objects.create(officer=officer, started_at=now, segment_started_at=now)


def viewing_session_break(*, session: ViewingSession) -> ViewingSession:
    return _viewing_transition(session, ViewingSession.State.VIEWING, ViewingSession.State.ON_BREAK)


def viewing_session_resume(*, session: ViewingSession) -> ViewingSession:
    return _viewing_transition(session, ViewingSession.State.ON_BREAK, ViewingSession.State.VIEWING)


def viewing_session_stop(*, session: ViewingSession) -> ViewingSession:
    return _viewing_transition(session, None, ViewingSession.State.STOPPED)


@transaction.atomic
def _viewing_transition(session: ViewingSession, from_state: str | None, to_state: str) -> ViewingSession:
    locked = ViewingSession.objects.select_for_update().get(pk=session.pk)
    if locked.state == ViewingSession.State.STOPPED or (from_state is not None and locked.state != from_state):
        return locked  # a repeated click or a second tab: nothing to do
    now = timezone.now()
    was_viewing = locked.state == ViewingSession.State.VIEWING
    _close_segment(locked, now)
    if to_state == ViewingSession.State.ON_BREAK:
        locked.break_count += 1
    if to_state == ViewingSession.State.STOPPED:
        locked.stopped_at = now
    locked.state = to_state
    locked.segment_started_at = now
    locked.save()
    if was_viewing:
        # A stretch of viewing just ended (a break or the stop): if it was long enough without a
        # break, the viewing-without-breaks reason should reach the line now, not at the night's sweep.
        recompute_request(officer_id=locked.officer_id)
    return locked
