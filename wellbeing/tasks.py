"""Celery tasks of the wellbeing app. Tasks take ids only, never personal data, and are
idempotent: running one twice changes nothing the first run did not."""

from datetime import timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from portal.tasks import RecordedFailureTask

# Only errors that may pass are retried (a database restart, a dropped connection, a lock timeout);
# bad data and bugs (DataError, IntegrityError, ValueError...) fail at once into a TaskFailure row.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="wellbeing.recompute_risk",
    base=RecordedFailureTask,
    acks_late=True,  # idempotent, so a redelivery after a worker dies is safe
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def recompute_risk(officer_id: int) -> None:
    """Recompute one officer's risk, then clear their pending mark unless a newer request came in
    while this ran (that one stays pending and is enqueued or swept again)."""
    from portal.models import RecomputePending
    from wellbeing.risk.service import risk_recompute

    started = timezone.now()
    risk_recompute(officer_ids=[officer_id], now=started)
    RecomputePending.objects.filter(pk=officer_id, requested_at__lte=started).delete()


@shared_task(name="wellbeing.requeue_pending_recomputes")
def requeue_pending_recomputes(older_than_seconds: int = 60) -> int:
    """Enqueue again every recompute still pending after `older_than_seconds` (its enqueue was
    lost, or the broker was down or flushed). Returns how many were enqueued."""
    from portal.models import RecomputePending
    from portal.recompute import recompute_enqueue

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(RecomputePending.objects.filter(requested_at__lte=cutoff).values_list("officer_id", flat=True))
    return sum(1 for officer_id in ids if recompute_enqueue(officer_id))


def recompute_enqueue_receiver(sender, *, officer_id: int, **kwargs) -> None:
    """Receives `portal.recompute.recompute_wanted` (connected in WellbeingConfig.ready): the core asks
    for a recompute without importing the risk engine above it. A broker error propagates to
    `recompute_enqueue`, which keeps the pending mark for the sweep."""
    recompute_risk.apply_async(args=[officer_id], retry=False)


SWEEP_RETRIES = 48  # tries while another sweep holds the lease: with 15-minute leases, half a day


@shared_task(name="wellbeing.sweep_all_risk", base=RecordedFailureTask, acks_late=True,
             reject_on_worker_lost=True, bind=True, max_retries=SWEEP_RETRIES)
def sweep_all_risk(self, asked_at: str | None = None) -> int | None:
    """Nightly: recompute every officer in one pass (decay moves loads even with no new data). When
    another sweep holds the lease and none has finished since this one was asked for (the holder's
    worker was killed, so its lease stands until it lapses), try again once the lease lapses."""
    from datetime import datetime

    from wellbeing.risk.service import risk_sweep, sweep_retry_seconds

    asked = asked_at or timezone.now().isoformat()
    changed = risk_sweep()
    if changed is None:
        wait = sweep_retry_seconds(asked_at=datetime.fromisoformat(asked))
        if wait is not None:
            raise self.retry(args=[asked], countdown=wait)
    return changed


@shared_task(name="wellbeing.escalate_overdue_flags", base=RecordedFailureTask)
def escalate_overdue_flags() -> int:
    """Escalate to OH every open operational flag not acknowledged by its deadline (clinical and
    urgent flags are OH's from the moment they are raised: there is nothing to escalate). Each flag
    is claimed with a conditional UPDATE before anyone is told, so a rerun (or a second beat)
    escalates nothing twice."""
    from wellbeing.risk.flags import escalation_due, flag_escalate

    now = timezone.now()
    return sum(1 for pk in escalation_due(now) if flag_escalate(flag_id=pk, now=now))


@shared_task(name="wellbeing.urgent_route_sweep", base=RecordedFailureTask)
def urgent_route_sweep() -> int:
    """Every minute: the out-of-hours route of urgent flags (wellbeing/risk/urgent.py). Tells the
    second contact about an urgent flag nobody acknowledged by its deadline, and the on-call contact
    about one that missed them. Each step is claimed with a conditional UPDATE before anyone is
    told, so a rerun (or a second beat) tells nobody twice."""
    from wellbeing.risk.urgent import urgent_route_sweep as sweep

    return sweep()


@shared_task(name="wellbeing.send_checkin_reminders")
def send_checkin_reminders() -> int:
    """Daily: remind officers of overdue check-ins (in-app and email), once per overdue item."""
    from wellbeing.checkins.services import checkin_reminders_send

    return checkin_reminders_send()


@shared_task(name="wellbeing.retention_sweep", base=RecordedFailureTask, acks_late=True,
             reject_on_worker_lost=True)
def retention_sweep() -> dict:
    """Daily: erase records past their retention period (legal holds respected; audit events never
    touched), and HR import uploads older than a day. Idempotent: a rerun finds nothing more to
    erase. Returns the counts it erased."""
    from portal.hr_admin.uploads import uploads_clear_old
    from wellbeing.oh.services import retention_erase

    report = retention_erase()
    # HR files uploaded for an import and never confirmed (or confirmed: their counts) go after a day.
    return {"people": report.people, **report.counts, "hr_import_uploads": uploads_clear_old()}


@shared_task(name="wellbeing.welfare_followups_due", base=RecordedFailureTask)
def welfare_followups_due() -> int:
    """Daily: remind whoever recorded a welfare action of its follow-up, on the day (in-app and
    email). Each row is claimed before anyone is told, so a rerun reminds nobody twice."""
    from wellbeing.team.services import follow_ups_remind

    return follow_ups_remind(today=timezone.localdate())


@shared_task(name="wellbeing.trim_escalation_sweep", base=RecordedFailureTask)
def trim_escalation_sweep() -> dict:
    """Every 15 minutes: TRiM deadlines (wellbeing/trim/escalation.py). An initial assessment not
    held a day after it was due goes to the coordinators, a follow-up missed by a week to OH, and the
    practitioner is reminded a day before each. Each escalation is claimed with a conditional UPDATE
    before anyone is told, each reminder has a dedupe key: a rerun tells nobody twice. Returns counts."""
    from wellbeing.trim.escalation import escalation_sweep

    return escalation_sweep()


@shared_task(name="wellbeing.trim_logged_incidents_sweep", base=RecordedFailureTask)
def trim_logged_incidents_sweep() -> int:
    """Hourly safety net: a critical incident logged in the last week whose TRiM case did not open
    with the shift (the receiver failed) gets it now (wellbeing/trim/opening.py). Idempotent."""
    from wellbeing.trim.opening import logged_incidents_sweep

    return logged_incidents_sweep()


@shared_task(name="wellbeing.screening_sweep", base=RecordedFailureTask)
def screening_sweep() -> dict:
    """Daily: open the screening (and appointment) cycles now due, invite once, remind once when
    overdue, withdraw cycles no longer due (wellbeing/screening/services.py). A rerun sends nothing
    twice: each notice is claimed with a conditional UPDATE first. Returns the counts."""
    from wellbeing.screening.services import screening_sweep as sweep

    result = sweep()
    return {"opened": result.opened, "invited": result.invited, "reminded": result.reminded,
            "withdrawn": result.withdrawn}
