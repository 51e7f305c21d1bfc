"""Recomputing risk and saving the result: the thin shell around the pure rules.

`risk_recompute(officer_ids=[...])` serves the Celery task after each save; `risk_sweep()` serves
the nightly pass over everyone. Both gather inputs the same way and evaluate with the same pure
function. A new finding (level, reasons or rules version) is stored as a new RiskAssessment and
raises its flags once (the database keeps one active flag per person and reason); the same
finding with new numbers (a decaying load, one more day since a check-in) refreshes the current
assessment in place, so history holds the changes that matter; an equal result writes nothing, so
a rerun changes nothing."""

from __future__ import annotations

import gc
import io
import json
import logging
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from exposure import shift_times
from portal import audit
from portal.heartbeats import RISK_SWEEP, heartbeat_record, heartbeats
from portal.leases import lease_held
from portal.models import Lease
from wellbeing.models import Flag, RiskAssessment, RoleBaseline, RuleSet
from wellbeing.risk import engine as risk
from wellbeing.risk import inputs as risk_inputs
from wellbeing.risk.flags import FlagWanted, flags_raise_many, flags_raise_severity
from wellbeing.risk.rules import DEFAULT_RULES, with_defaults
from wellbeing.risk.selectors import rules_in_force

logger = logging.getLogger(__name__)

SWEEP_LOCK_KEY = 0x52495348  # any constant; a session holding it keeps every sweep off
SWEEP_LEASE = "risk_sweep"  # the portal.Lease row: one sweep at a time across every beat and worker
_NO_FLAG = 1 << 30  # above every severity: no active flag, nothing to raise


def current_rules() -> tuple[int, dict]:
    """The rules in force (`risk.selectors.rules_in_force`); version 1, the defaults, is saved on the
    engine's first run."""
    version, rules = rules_in_force()
    if version == 0:
        latest, _ = RuleSet.objects.get_or_create(version=1, defaults={"rules": DEFAULT_RULES,
                                                                       "note": "Initial rules"})
        return latest.version, with_defaults(latest.rules)
    return version, rules


def latest_assessments(officer_ids) -> dict[int, RiskAssessment]:
    """Each officer's current assessment (all officers when `officer_ids` is None)."""
    qs = RiskAssessment.objects.filter(is_current=True)
    if officer_ids is not None:
        qs = qs.filter(officer_id__in=list(officer_ids))
    return {a.officer_id: a for a in qs}


def _lock_officers(officer_ids) -> None:
    """Serialise recomputes of the same officers (transaction-scoped advisory locks, PostgreSQL;
    one round trip for the whole chunk). SQLite allows one writer at a time anyway."""
    if connection.vendor == "postgresql" and officer_ids:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(1, pk) FROM unnest(%s::integer[]) AS pk ORDER BY pk",
                           [sorted(officer_ids)])


def _peer_context(inputs: dict, roles_needed: set[str], *, now, rules, baselines: dict | None):
    if baselines is None:
        baselines = {b.role: (b.median_load, b.officers) for b in RoleBaseline.objects.filter(role__in=roles_needed)}
        for role in roles_needed - set(baselines):
            baselines.update(role_baselines_refresh(now=now, rules=rules, role=role))
    return baselines


def role_baselines_refresh(*, now, rules, role=None) -> dict[str, tuple[float, int]]:
    roles = risk_inputs.officers(role=role)
    loads = risk_inputs.exposure_loads(None, today=shift_times.local_date(now),
                                       half_life_days=rules["dose_half_life_days"], role=role)
    medians = risk_inputs.role_medians(loads, roles)
    _baselines_save(medians, now=now)
    return medians


def _baselines_save(medians: dict[str, tuple[float, int]], *, now) -> None:
    """Store each role's median load: one upsert for every role (a role is unique)."""
    RoleBaseline.objects.bulk_create(
        [RoleBaseline(role=role, median_load=median, officers=count, computed_at=now)
         for role, (median, count) in medians.items()],
        update_conflicts=True, unique_fields=["role"], update_fields=["median_load", "officers", "computed_at"])


def _rows(qs) -> list[tuple]:
    """The rows of a `values_list` of plain integer and text columns, fetched with the query's own
    SQL and without Django's per-row conversion (none is needed for such columns): a sweep reads
    tens of thousands of them."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _current(officer_ids=None) -> dict[int, tuple[int, str, str]]:
    """Each officer's current assessment as (id, finding, digest)."""
    qs = RiskAssessment.objects.filter(is_current=True)
    if officer_ids is not None:
        qs = qs.filter(officer_id__in=list(officer_ids))
    return {pk: (aid, finding, digest) for pk, aid, finding, digest in
            _rows(qs.values_list("officer_id", "id", "finding_digest", "inputs_digest").order_by())}


def _active_flags(officer_ids) -> dict[tuple[int, str], int]:
    """The severity of each active flag of these officers, by (officer id, reason code). For many
    officers (a sweep's chunk) the query asks for the range of their ids, one cheap condition: the
    other officers in the range are never looked up."""
    ids = list(officer_ids)
    if not ids:
        return {}
    qs = Flag.objects.filter(status__in=Flag.ACTIVE)
    qs = qs.filter(officer_id__in=ids) if len(ids) <= 100 else qs.filter(officer_id__gte=min(ids),
                                                                           officer_id__lte=max(ids))
    rows = _rows(qs.values_list("officer_id", "reason_code", "severity").order_by())
    return {(pk, code): severity for pk, code, severity in rows}


def _retire_current(officer_ids: list[int]) -> None:
    """The officers' current assessments stop being current (by officer, not by row, so a reading
    taken before the officers were locked cannot leave two current rows)."""
    if not officer_ids:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE wellbeing_riskassessment SET is_current = false "
                           "WHERE is_current AND officer_id = ANY(%s::bigint[])", [officer_ids])
    else:
        RiskAssessment.objects.filter(is_current=True, officer_id__in=officer_ids).update(is_current=False)


# json.dumps's output (default separators, ASCII), without its check for circular references: the
# results are plain trees of dicts, lists, strings and numbers, and a sweep writes tens of thousands.
_json = json.JSONEncoder(check_circular=False).encode


def _copy_text(value: str) -> str:
    """A value for COPY's text format. JSON from json.dumps holds no raw tab or newline (they are
    escaped inside strings), so only the backslash needs doubling."""
    return value.replace("\\", "\\\\")


def _refresh(rows: list[tuple[int, risk.Assessment, str]], *, now) -> int:
    """Bring the numbers of current assessments up to date (same finding). Only a row that is still
    current is touched: if another recompute moved on meanwhile, its newer row stands. Returns how
    many rows were refreshed. On PostgreSQL the new numbers go in with COPY and one UPDATE joins
    them (about three times quicker than an UPDATE from a VALUES list at 10,000 rows), finding the rows by
    primary key."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        return sum(RiskAssessment.objects.filter(pk=aid, is_current=True).update(
            score=result.score, reasons=result.as_json(), exposure=result.exposure, inputs_digest=digest,
            refreshed_at=now)
            for aid, result, digest in rows)
    data = io.StringIO()
    for aid, result, digest in rows:
        data.write(f"{aid}\t{result.score!r}\t{_copy_text(_json(result.as_json()))}\t"
                   f"{_copy_text(_json(result.exposure))}\t{digest}\n")
    data.seek(0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE risk_refresh (id bigint, score float8, reasons jsonb, exposure jsonb, "
                       "digest text) ON COMMIT DROP")
        cursor.cursor.copy_expert("COPY risk_refresh FROM STDIN", data)
        # The ids again as an array: the rows are found by primary key. Joined with the temporary
        # table alone (no statistics), the planner hashes every assessment ever stored, a whole
        # scan of the growing history for each chunk.
        cursor.execute("UPDATE wellbeing_riskassessment AS a "
                       "SET score = r.score, reasons = r.reasons, exposure = r.exposure, inputs_digest = r.digest, "
                       "refreshed_at = %s "
                       "FROM risk_refresh AS r WHERE a.id = ANY(%s::bigint[]) AND a.id = r.id AND a.is_current",
                       [now, [aid for aid, _, _ in rows]])
        refreshed = cursor.rowcount
        cursor.execute("DROP TABLE risk_refresh")
    return refreshed


def _save(inputs: dict, *, now, rules, rules_version, baselines, current: dict) -> tuple[list, int]:
    """Evaluate each officer and store what changed: a new finding as a new assessment (with its
    flags), new numbers for the same finding as a refresh of the current one. `current` may be
    read before the officers were locked: a stale reading costs at most a redundant row, never a
    second current row (a constraint sees to that). The active flags are read here, with the
    officers locked, just before flags are raised. Returns the new assessments and how many were
    refreshed."""
    created, refreshed = [], []
    changed = []  # (officer id, result) of every new or refreshed assessment
    for pk, officer_inputs in inputs.items():
        median, count = baselines.get(officer_inputs.role, (None, 0))
        result = risk.evaluate(officer_inputs, peer_median=median, peer_count=count, rules=rules, now=now)
        digest = result.digest(rules_version)
        known = current.get(pk)
        if known is not None and known[2] == digest:
            continue
        finding = result.finding(rules_version)
        changed.append((pk, result))
        if known is not None and known[1] == finding:
            refreshed.append((known[0], result, digest))
            continue
        assessment = RiskAssessment(officer_id=pk, computed_at=now, level=result.level, score=result.score,
                                    reasons=result.as_json(), exposure=result.exposure, rules_version=rules_version,
                                    inputs_digest=digest, finding_digest=finding, is_current=True)
        created.append((assessment, result))
    _retire_current([a.officer_id for a, _ in created])
    RiskAssessment.objects.bulk_create([a for a, _ in created])
    audit.record_many("wellbeing.riskassessment_created", [a for a, _ in created], subject="officer_id")
    count = _refresh(refreshed, now=now)
    if count:
        # Content-free: the numbers of an unchanged finding moved on (no person did anything).
        audit.record("riskassessment_refreshed", obj=RiskAssessment, detail={"count": count}, actor=audit.SYSTEM)
    active = _active_flags(inputs) if changed else {}
    wanted = [FlagWanted(a.officer_id, reason.code, reason.level == risk.URGENT, a if a.pk else None,
                         reason.severity, reason.checkin_id)
              for a, result in created for reason in result.reasons if (a.officer_id, reason.code) not in active]
    flags_raise_many(wanted, acknowledge_within_hours=rules["acknowledge_within_hours"], now=now)
    # A flag already active keeps its place, but moves up OH's queue if the new result is more
    # severe (a PHQ-9 of 12 followed by one of 22 is the same finding, at a higher severity).
    # Only results above the flag's severity as just read are passed on (severities only rise);
    # flags_raise_severity reads and checks again.
    flags_raise_severity([(pk, reason.code, reason.severity, reason.checkin_id) for pk, result in changed
                          for reason in result.reasons if reason.severity > active.get((pk, reason.code), _NO_FLAG)],
                         now=now)
    return [a for a, _ in created], count


def risk_recompute(*, officer_ids, now=None) -> list[RiskAssessment]:
    """Recompute the given officers now. Returns their assessments that changed: new ones, and
    current ones whose numbers were refreshed (none when nothing changed)."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_officers(officer_ids)
        rules_version, rules = current_rules()
        inputs = risk_inputs.gather(list(officer_ids), now=now, rules=rules)
        baselines = _peer_context(inputs, {i.role for i in inputs.values()}, now=now, rules=rules, baselines=None)
        created, refreshed = _save(inputs, now=now, rules=rules, rules_version=rules_version, baselines=baselines,
                                   current=_current(inputs))
        if refreshed:
            created += RiskAssessment.objects.filter(officer_id__in=list(inputs), is_current=True, refreshed_at=now)
        return created


@contextmanager
def _sweep_lock():
    """One sweep at a time across every beat and worker: a lease row (portal/leases.py) taken in a
    short transaction and renewed with each chunk, so it works through PgBouncer in transaction
    mode (a session advisory lock would not). A session holding SWEEP_LOCK_KEY (an operator's
    maintenance hold) also keeps the sweep off: taking the lease tries it, transaction-scoped.
    Yields the held lease, or None when somebody else has it."""
    with lease_held(SWEEP_LEASE, seconds=settings.RISK_SWEEP_LEASE_SECONDS, advisory_key=SWEEP_LOCK_KEY) as held:
        yield held


@contextmanager
def _aggregate_settings():
    """For the sweep's few large aggregates (inside a transaction): enough memory to hash 20,000
    officers without spilling to disk, and no JIT compilation (it costs more than it saves on
    statements that run once a night)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
    yield


@contextmanager
def _collector_paused():
    """Python's cycle collector off for the length of the sweep. The sweep allocates a few objects
    per officer and creates no cycles of its own, yet every collection would walk all of them (and
    everything Django holds): about a fifth of the sweep's time at 20,000 officers. Turned back on
    (and left to run at its own pace) when the sweep ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def risk_sweep(*, now=None) -> int | None:
    """Recompute every active officer in one pass. Returns how many assessments changed (new or
    refreshed), or None when another sweep holds the lease."""
    now = now or timezone.now()
    with _sweep_lock() as got, _collector_paused():
        if not got:
            logger.info("risk sweep skipped: another sweep is running")
            return None
        rules_version, rules = current_rules()
        with transaction.atomic(), _aggregate_settings():
            inputs = risk_inputs.gather(None, now=now, rules=rules)
        medians = risk_inputs.role_medians_of({pk: i.load_now for pk, i in inputs.items()},
                                              {pk: i.role for pk, i in inputs.items()})
        _baselines_save(medians, now=now)
        current = _current()
        changed = 0
        ids = sorted(inputs)
        size = settings.RISK_SWEEP_CHUNK
        for start in range(0, len(ids), size):
            chunk = {pk: inputs[pk] for pk in ids[start:start + size]}
            with transaction.atomic():
                if not got.renew():  # the lease lapsed and another sweep took it: it does the rest
                    logger.warning("risk sweep stopped: its lease lapsed and another sweep holds it")
                    return changed
                _lock_officers(chunk)
                created, refreshed = _save(chunk, now=now, rules=rules, rules_version=rules_version,
                                           baselines=medians, current=current)
                changed += len(created) + refreshed
        heartbeat_record(RISK_SWEEP, at=timezone.now())
        return changed


def demo_seeded_receiver(sender, **kwargs) -> None:
    """Receives portal.demo.demo_seeded: assess everyone from the demo history just seeded, first
    night by night over the past twelve weeks (`risk.demo`), then now."""
    from wellbeing.risk.demo import seed_history

    seed_history()
    risk_sweep()


def sweep_retry_seconds(*, asked_at) -> float | None:
    """For a sweep that found the lease held: None when a sweep has finished since `asked_at` (its
    work is done), otherwise how long until the lease lapses (then it may run: the holder died, or
    has finished and released it). A sweep whose worker was killed holds the lease until it lapses,
    and its message comes back at once (reject_on_worker_lost): without a second try the night's
    sweep would be lost."""
    finished = heartbeats().get(RISK_SWEEP)
    if finished is not None and finished >= asked_at:
        return None
    lease = Lease.objects.filter(name=SWEEP_LEASE).first()
    now = timezone.now()
    if lease is None or lease.expires_at is None or lease.expires_at <= now:
        return 1.0
    return min((lease.expires_at - now).total_seconds() + 1.0, float(settings.RISK_SWEEP_LEASE_SECONDS) + 1.0)
