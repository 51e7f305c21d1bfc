"""TRiM deadlines, run by beat every 15 minutes (`wellbeing.trim_escalation_sweep`).

The rules are pure (wellbeing/trim/deadlines.py); this module reads the cases they may apply to,
tells people and marks what was done:

1. an initial assessment not held 24 hours after it was due goes to the TRiM coordinators of the
   case's organisation; with no active coordinator (other than the person themself) it goes to
   occupational health instead, so it is never lost;
2. a follow-up not held 7 days after it was due goes to occupational health (a notice pointing to
   the person's OH page; a raised score's referral is made where the follow-up is recorded);
3. the assigned practitioner is reminded once per assessment from 24 hours before it is due.

Each escalation is claimed with a conditional UPDATE of its marker (`assessment_escalated_at`,
`followup_escalated_at`) that re-checks the case is still open, declined by nobody and not held,
in the same transaction as its notices and audit event: two workers, a rerun or a second beat tell
nobody twice. A reminder's marker is its notice's dedupe key (unique per recipient), so a new
practitioner is reminded too and nobody twice. If there is nobody at all to tell (no coordinator and
no OH member), the case is not marked: a TaskFailure asks an administrator to give someone the
role, once, and the next sweep after that sends it.

Notices carry no name and no health detail: a title, a sentence and a link to a page the recipient
may open (docs/trim.md)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal import access, audit
from portal.language import user_language
from portal.models import Notification, TaskFailure, User
from portal.notify import notification_send, notifications_send_many
from wellbeing.models import TrimAssessment, TrimCase
from wellbeing.trim import deadlines as rules

logger = logging.getLogger(__name__)

TASK_NAME = "wellbeing.trim_escalation_sweep"
BATCH = 500  # cases read per sweep; any left over are read by the next one, 15 minutes later

ASSESSMENT_TITLE = gettext_noop("A TRiM assessment is more than a day overdue")
UNDECIDED_TITLE = gettext_noop("A TRiM case has no agreed response and its assessment is more than a day overdue")
FOLLOWUP_TITLE = gettext_noop("A TRiM follow-up is more than a week overdue")
REMINDER_TITLE = gettext_noop("A TRiM assessment assigned to you is due")
ESCALATION_BODY = gettext_noop("Open the page to see the dates and arrange what is needed.")
REMINDER_BODY = gettext_noop("Open the case to see when it is due, and record it once it is held.")

COORDINATOR, OH = "coordinator", "oh"
MARKERS = {rules.INITIAL: "assessment_escalated_at", rules.FOLLOW_UP: "followup_escalated_at"}


def case_path(case_pk: int) -> str:
    """The case page of coordinators and practitioners (wellbeing/trim, `trim:case`)."""
    return reverse("trim:case", args=[case_pk])


def reminder_key(case_pk: int, stage: str) -> str:
    return f"trim:{case_pk}:remind:{stage}"


def escalation_key(case_pk: int, stage: str) -> str:
    return f"trim:{case_pk}:late:{stage}"


# ----------------------------------------------------------------------------- who is told


def recipients_for(stage: str, *, person_id: int, coordinators: list[User], oh_staff: list[User]) \
        -> tuple[str, list[User]]:
    """(to whom, who): a late assessment to the coordinators, or OH when there is none; a late
    follow-up to OH. Never the person the case is about, whatever roles they hold."""
    coordinators = [u for u in coordinators if u.pk != person_id]
    oh_staff = [u for u in oh_staff if u.pk != person_id]
    if stage == rules.INITIAL and coordinators:
        return COORDINATOR, coordinators
    return OH, oh_staff


# ----------------------------------------------------------------------------- reading the cases


def _held(stage: str) -> Exists:
    return Exists(TrimAssessment.objects.filter(case=OuterRef("pk"), stage=stage))


def live_cases() -> QuerySet:
    """Cases whose deadlines apply (`rules.deadlines_apply`), as a query."""
    return (TrimCase.objects.exclude(stage=rules.CLOSED).exclude(offer=rules.DECLINED)
            .exclude(response__in=rules.NO_TRIM_RESPONSES))


def candidates(now) -> QuerySet:
    """The cases that may have something due at `now`: live, and an assessment not yet escalated
    or held that is due before the reminder horizon. The two partial indexes on the due times
    (open, not escalated) serve it; held assessments are checked per row in those few."""
    limit = rules.horizon(now)
    return (live_cases().alias(assessment_held=_held(rules.INITIAL), followup_held=_held(rules.FOLLOW_UP))
            .filter(Q(assessment_escalated_at__isnull=True, assessment_due_at__lte=limit, assessment_held=False)
                    | Q(followup_escalated_at__isnull=True, followup_due_at__lte=limit, followup_held=False))
            .annotate(assessment_done=_held(rules.INITIAL), followup_done=_held(rules.FOLLOW_UP))
            .select_related("incident", "practitioner").order_by("assessment_due_at", "pk"))


def facts(case: TrimCase, reminded: set[tuple[int, str]]) -> rules.CaseDeadlines:
    """The plain values the rules read, from a case of `candidates` and the (user id, dedupe key)
    pairs of the reminders already sent."""
    practitioner = case.practitioner
    active = practitioner is not None and practitioner.is_active and practitioner.is_trim_practitioner
    return rules.CaseDeadlines(
        assessment_due_at=case.assessment_due_at, followup_due_at=case.followup_due_at, stage=case.stage,
        response=case.response, offer=case.offer, assessment_held=case.assessment_done,
        followup_held=case.followup_done, assessment_escalated_at=case.assessment_escalated_at,
        followup_escalated_at=case.followup_escalated_at, has_practitioner=active,
        assessment_reminded=(case.practitioner_id, reminder_key(case.pk, rules.INITIAL)) in reminded,
        followup_reminded=(case.practitioner_id, reminder_key(case.pk, rules.FOLLOW_UP)) in reminded)


def reminders_sent(cases: list[TrimCase]) -> set[tuple[int, str]]:
    """(user id, dedupe key) of the reminders already sent about `cases`. One query."""
    keys = [reminder_key(c.pk, stage) for c in cases for stage in (rules.INITIAL, rules.FOLLOW_UP)]
    users = {c.practitioner_id for c in cases if c.practitioner_id}
    if not users:
        return set()
    return set(Notification.objects.filter(user_id__in=users, dedupe_key__in=keys)
               .values_list("user_id", "dedupe_key"))


# ----------------------------------------------------------------------------- the sweep


def escalation_sweep(now=None) -> dict[str, int]:
    """The beat task's work. Returns what it did: escalations to coordinators and to OH, reminders,
    and escalations left for lack of anyone to tell. A rerun at the same time does nothing."""
    now = now or timezone.now()
    counts = {"to_coordinator": 0, "to_oh": 0, "reminders": 0, "nobody_to_tell": 0}
    cases = list(candidates(now)[:BATCH])
    if not cases:
        return counts
    reminded = reminders_sent(cases)
    organisations = {c.incident.organisation_id for c in cases}
    coordinators = access.trim_coordinators_by_organisation(organisations)
    oh_staff = access.oh_staff_by_organisation(organisations)
    for case in cases:
        due = rules.due_now(facts(case, reminded), now)
        org = case.incident.organisation_id
        for stage, code in ((rules.INITIAL, rules.ESCALATE_ASSESSMENT), (rules.FOLLOW_UP, rules.ESCALATE_FOLLOWUP)):
            if code in due:
                to, people = recipients_for(stage, person_id=case.person_id, coordinators=coordinators.get(org, []),
                                            oh_staff=oh_staff.get(org, []))
                outcome = escalate(case, stage, to=to, recipients=people, now=now)
                if outcome:
                    counts[outcome] += 1
        for stage, code in ((rules.INITIAL, rules.REMIND_ASSESSMENT), (rules.FOLLOW_UP, rules.REMIND_FOLLOWUP)):
            if code in due and remind(case, stage):
                counts["reminders"] += 1
    return counts


def escalate(case: TrimCase, stage: str, *, to: str, recipients: list[User], now) -> str | None:
    """Claim one escalation, tell its recipients and record it, in one transaction (the outbox
    emails after it commits). Returns the count it adds to ("to_coordinator", "to_oh",
    "nobody_to_tell"), or None when it was no longer due (claimed by another run, held, closed,
    declined in the meantime)."""
    if not recipients:
        return "nobody_to_tell" if _nobody_to_tell(case, stage) else None
    marker = MARKERS[stage]
    with transaction.atomic():
        claimed = (live_cases().filter(pk=case.pk, **{f"{marker}__isnull": True})
                   .exclude(assessments__stage=stage).update(**{marker: now}))
        if not claimed:
            return None
        notifications_send_many([_escalation_note(case, stage, user, to) for user in recipients], email=True)
        audit.record(f"trim_{'assessment' if stage == rules.INITIAL else 'followup'}_escalated",
                     subject=case.person_id, obj=case, actor=audit.SYSTEM,
                     detail={"to": to, "recipients": len(recipients)})
    return "to_coordinator" if to == COORDINATOR else "to_oh"


def _escalation_note(case: TrimCase, stage: str, user: User, to: str) -> Notification:
    if stage == rules.FOLLOW_UP:
        title = FOLLOWUP_TITLE
    else:
        title = UNDECIDED_TITLE if case.response == rules.UNDECIDED else ASSESSMENT_TITLE
    link = case_path(case.pk) if to == COORDINATOR else reverse("oh:case", args=[case.person_id])
    with user_language(user):  # in the recipient's language
        return Notification(user=user, title=_(title), body=_(ESCALATION_BODY), link=link,
                            dedupe_key=escalation_key(case.pk, stage))


def _nobody_to_tell(case: TrimCase, stage: str) -> bool:
    """No coordinator and no OH member covers the case's organisation. The case stays unmarked (the
    next sweep sends it once someone holds the role); an administrator sees one TaskFailure."""
    args = [case.pk, stage]
    if TaskFailure.objects.filter(task_name=TASK_NAME, args=args).exists():
        return False
    TaskFailure.objects.create(
        task_name=TASK_NAME, args=args,
        error=("TRiM deadline missed and no TRiM coordinator or occupational health member covers this "
               "organisation: give someone the role now; it is sent at the next sweep"))
    logger.error("TRiM escalation has nobody to tell case_id=%s stage=%s", case.pk, stage)
    return True


def remind(case: TrimCase, stage: str) -> bool:
    """Remind the case's practitioner of the `stage` assessment, once (the dedupe key)."""
    user = case.practitioner
    with user_language(user):
        title, body = _(REMINDER_TITLE), _(REMINDER_BODY)
    return notification_send(user=user, title=title, body=body, link=case_path(case.pk),
                             dedupe_key=reminder_key(case.pk, stage), email=True) is not None
