"""The TRiM coordinator's and practitioners' casework: the planning meeting, assigning a
practitioner, recording an assessment (date, band and action only), closing a case.

Who may read or change which case is `portal.access`'s decision (`trim_cases_visible_to`); this
module also refuses, whatever the form said, a practitioner in the person's line management chain.
Notices name nobody and carry no band: they point to a page behind sign-in. An OH referral goes to
OH's existing referrals (`wellbeing.oh.services.referral_record`), never to the line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal import access, audit
from portal.language import user_language
from portal.notify import notification_send
from wellbeing.models import Referral, TrimAssessment, TrimCase, TrimIncident

Stage = TrimCase.Stage
Response = TrimCase.Response
Action = TrimAssessment.Action

# Cases whose response the planning meeting may still set or change (nothing held yet).
PLANNABLE = (Stage.NEW, Stage.PLANNED, Stage.OFFERED)
# Actions after which a low follow-up closes the case by itself.
SETTLED_ACTIONS = (Action.NONE, Action.PEER_SUPPORT)
# The person's own page (wellbeing/trim/open_urls.py, name "trim:mine").
OWN_CASES_PATH = "/trim/mine/"

OH_TITLE = gettext_noop("Occupational health: a new item in your queue")
OH_BODY = gettext_noop("A referral has been recorded for someone you support. Sign in to see it.")


class NotAllowed(Exception):
    """The change is refused (a case closed meanwhile, an assessment already recorded)."""


class InLineChain(NotAllowed):
    """The chosen practitioner is in the person's line management chain."""

    def __init__(self, supervisor):
        super().__init__("practitioner in the line management chain")
        self.supervisor = supervisor


# ----------------------------------------------------------------------------- due dates (pure)


@dataclass(frozen=True)
class Due:
    """What is due next on a case and whether it is late."""

    stage: str  # TrimAssessment.Stage, or "" when nothing is due
    at: datetime | None
    overdue: bool


NOTHING_DUE = Due("", None, False)


def next_due(*, stage: str, response: str, assessment_due_at: datetime, followup_due_at: datetime,
             has_initial: bool, has_followup: bool, now: datetime) -> Due:
    """The assessment due next on a case (initial, then follow-up) and whether its time has passed.
    Nothing is due on a closed case, nor where the agreed response is not a risk assessment."""
    if stage == Stage.CLOSED or response in (Response.BRIEFING, Response.NONE):
        return NOTHING_DUE
    if not has_initial:
        return Due(TrimAssessment.Stage.INITIAL, assessment_due_at, now > assessment_due_at)
    if not has_followup:
        return Due(TrimAssessment.Stage.FOLLOW_UP, followup_due_at, now > followup_due_at)
    return NOTHING_DUE


def stage_after_planning(response: str, *, has_practitioner: bool) -> str:
    """A case's stage once the planning meeting agreed `response`."""
    if response == Response.NONE:
        return Stage.CLOSED
    if response == Response.ASSESSMENT and has_practitioner:
        return Stage.OFFERED
    return Stage.PLANNED


def stage_after_assessment(*, current: str, stage: str, band: str, action: str) -> str:
    """A case's stage once an assessment is recorded: in progress after the initial one; closed
    after a low follow-up needing nothing more than peer support; otherwise unchanged (the
    coordinator closes it once the referral or support is under way)."""
    if stage == TrimAssessment.Stage.INITIAL:
        return Stage.IN_PROGRESS
    if band == TrimAssessment.Band.LOW and action in SETTLED_ACTIONS:
        return Stage.CLOSED
    return Stage.IN_PROGRESS if current != Stage.CLOSED else current


def needs_oh_referral(*, stage: str, band: str, action: str) -> bool:
    """An OH referral is created when the practitioner refers to OH, and after any follow-up whose
    band is raised (persistent difficulties: DOMAIN.md section 2), whatever the action."""
    raised_follow_up = stage == TrimAssessment.Stage.FOLLOW_UP and band == TrimAssessment.Band.RAISED
    return action == Action.OH_REFERRAL or raised_follow_up


# ----------------------------------------------------------------------------- planning


def planning_record(*, incident: TrimIncident, held_on: date, responses: dict[int, str], by,
                    now: datetime | None = None) -> list[TrimCase]:
    """Record the planning meeting: its date, and the response agreed for each case in `responses`
    (case id -> response). Only cases not yet under way change. Returns the cases changed."""
    now = now or timezone.now()
    with transaction.atomic():
        TrimIncident.objects.filter(pk=incident.pk).update(planning_held_on=held_on, planning_recorded_by=by)
        incident.planning_held_on, incident.planning_recorded_by = held_on, by
        cases = list(TrimCase.objects.select_for_update().select_related("person")
                     .filter(incident=incident, pk__in=list(responses), stage__in=PLANNABLE))
        for case in cases:
            case.response = responses[case.pk]
            case.stage = stage_after_planning(case.response, has_practitioner=case.practitioner_id is not None)
            case.closed_at = now if case.stage == Stage.CLOSED else None
            case.save(update_fields=["response", "stage", "closed_at"])
        audit.record("trim_planning_recorded", actor=by, obj=incident, detail={"cases": len(cases)})
        audit.record_many("trim_case_planned", cases, subject="person_id", actor=by,
                          detail=lambda c: {"response": c.response, "stage": c.stage})
        for case in cases:
            if case.stage == Stage.OFFERED:
                _notify_offer(case)
    return cases


# ----------------------------------------------------------------------------- practitioner


def practitioner_assign(*, case: TrimCase, practitioner, by) -> TrimCase:
    """Assign `practitioner` to `case`. Refuses (InLineChain) anyone in the person's line
    management chain, and (NotAllowed) anyone else not among the candidates or a closed case."""
    chain = {s.pk: s for s in access.line_chain(case.person)}
    if practitioner.pk in chain:
        raise InLineChain(chain[practitioner.pk])
    if not access.trim_practitioner_candidates(case.person).filter(pk=practitioner.pk).exists():
        raise NotAllowed("not a candidate")
    with transaction.atomic():
        locked = TrimCase.objects.select_for_update().get(pk=case.pk)
        if locked.stage == Stage.CLOSED:
            raise NotAllowed("closed")
        case.practitioner = practitioner
        fields = ["practitioner"]
        if locked.response == Response.ASSESSMENT and locked.stage in (Stage.NEW, Stage.PLANNED):
            case.stage = Stage.OFFERED
            fields.append("stage")
        case.save(update_fields=fields)
        audit.record("trim_practitioner_assigned", actor=by, subject=case.person_id, obj=case,
                     detail={"practitioner": practitioner.pk})
        with user_language(practitioner):
            title = _("A TRiM case has been assigned to you")
            body = _("Sign in to the portal and open TRiM cases to see it.")
        notification_send(user=practitioner, title=title, body=body, link=reverse("trim:case", args=[case.pk]),
                          email=True, dedupe_key=f"trim-assigned:{case.pk}:{practitioner.pk}")
        if case.stage == Stage.OFFERED:
            _notify_offer(case)
    return case


def _notify_offer(case: TrimCase) -> None:
    """Tell the person an assessment is offered: no incident, no name, a link to their own page."""
    person = case.person
    with user_language(person):
        title = _("An offer of support after a recent incident")
        body = _("Open your TRiM page to see the dates, who your practitioner is, and to accept or decline.")
    notification_send(user=person, title=title, body=body, link=OWN_CASES_PATH, email=True,
                      dedupe_key=f"trim-offer:{case.pk}")


# ----------------------------------------------------------------------------- assessments


def assessment_record(*, case: TrimCase, stage: str, held_on: date, band: str, action: str, by,
                      line_manager_consent: bool = False, line_manager_urgent: bool = False,
                      service: str = "", now: datetime | None = None) -> TrimAssessment:
    """Record an assessment held (date, band, action) and move the case on; an OH referral when
    `needs_oh_referral`. Raises NotAllowed on a closed case, a follow-up before the initial one, or
    a second assessment of the same stage."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = TrimCase.objects.select_for_update().select_related("person").get(pk=case.pk)
        held = set(locked.assessments.values_list("stage", flat=True))
        if locked.stage == Stage.CLOSED or stage in held or (
                stage == TrimAssessment.Stage.FOLLOW_UP and TrimAssessment.Stage.INITIAL not in held):
            raise NotAllowed(stage)
        try:
            with transaction.atomic():
                assessment = TrimAssessment.objects.create(
                    case=locked, stage=stage, held_on=held_on, band=band, action=action,
                    line_manager_consent=line_manager_consent and action == Action.LINE_MANAGER,
                    line_manager_urgent=line_manager_urgent and action == Action.LINE_MANAGER,
                    service=service if action == Action.NAMED_SERVICE else "", recorded_by=by, recorded_at=now)
        except IntegrityError as exc:
            raise NotAllowed(stage) from exc
        _case_moves_on(locked, stage=stage, band=band, action=action, now=now)
        # The band is not in the audit detail: the audit log has readers who may not see it.
        audit.record("trim_assessment_recorded", actor=by, subject=locked.person_id, obj=assessment,
                     detail={"case": locked.pk, "stage": stage})
        if needs_oh_referral(stage=stage, band=band, action=action):
            referral_to_oh(case=locked, referred_on=held_on, by=by)
    case.refresh_from_db()
    return assessment


def _case_moves_on(case: TrimCase, *, stage: str, band: str, action: str, now: datetime) -> None:
    case.stage = stage_after_assessment(current=case.stage, stage=stage, band=band, action=action)
    case.closed_at = now if case.stage == Stage.CLOSED else None
    fields = ["stage", "closed_at"]
    if case.response != Response.ASSESSMENT:  # an assessment was held: that was the response
        case.response = Response.ASSESSMENT
        fields.append("response")
    if case.offer != TrimCase.Offer.ACCEPTED:  # the person took part
        case.offer, case.offer_answered_at = TrimCase.Offer.ACCEPTED, now
        fields += ["offer", "offer_answered_at"]
    case.save(update_fields=fields)


def referral_to_oh(*, case: TrimCase, referred_on: date, by) -> Referral:
    """A TRiM referral in OH's existing referrals for the person, and a notice to the OH staff of
    their organisation (no name, no band: the link opens the person's OH case behind sign-in)."""
    from wellbeing.oh.services import referral_record

    person = case.person
    referral = referral_record(person=person, kind=Referral.Kind.TRIM, referred_on=referred_on, by=by,
                               purpose="trim_assessment")
    link = reverse("oh:case", args=[person.pk])
    for oh in access.oh_staff_for(person):
        with user_language(oh):
            title, body = _(OH_TITLE), _(OH_BODY)
        notification_send(user=oh, title=title, body=body, link=link, email=True,
                          dedupe_key=f"trim-referral:{referral.pk}")
    return referral


# ----------------------------------------------------------------------------- closing


def case_close(*, case: TrimCase, by, now: datetime | None = None) -> bool:
    """Close a case (the coordinator). False if it was already closed."""
    now = now or timezone.now()
    changed = TrimCase.objects.filter(pk=case.pk).exclude(stage=Stage.CLOSED).update(stage=Stage.CLOSED,
                                                                                     closed_at=now)
    if changed:
        case.refresh_from_db()
        audit.record("trim_case_closed", actor=by, subject=case.person_id, obj=case)
    return bool(changed)


# ----------------------------------------------------------------------------- reads

PAGE_SIZE = 25


def cases_for(user, *, closed: bool = False, incident_id: int | None = None):
    """The cases `user` sees on /trim/: open ones (or closed ones), new ones first, then by the
    initial assessment's due date; with whether each assessment is held. A fixed number of queries."""
    cases = access.trim_cases_visible_to(user, TrimCase.objects.all())
    cases = cases.filter(stage=Stage.CLOSED) if closed else cases.exclude(stage=Stage.CLOSED)
    if incident_id is not None:
        cases = cases.filter(incident_id=incident_id)
    held = TrimAssessment.objects.filter(case=OuterRef("pk"))
    cases = cases.select_related("incident", "person", "practitioner").annotate(
        has_initial=Exists(held.filter(stage=TrimAssessment.Stage.INITIAL)),
        has_followup=Exists(held.filter(stage=TrimAssessment.Stage.FOLLOW_UP)),
        new_first=Case(When(stage=Stage.NEW, then=Value(0)), default=Value(1), output_field=IntegerField()))
    if closed:
        return cases.order_by("-closed_at", "-pk")
    return cases.order_by("new_first", "assessment_due_at", "pk")


def incidents_for(user, *, closed: bool = False) -> list[dict]:
    """The incidents of the cases `user` sees (to filter by), most recent first, with how many of
    those cases each has. One query."""
    cases = access.trim_cases_visible_to(user, TrimCase.objects.all())
    cases = cases.filter(stage=Stage.CLOSED) if closed else cases.exclude(stage=Stage.CLOSED)
    return list(cases.order_by().values("incident_id", "incident__title", "incident__occurred_at")
                .annotate(cases=Count("pk")).order_by("-incident__occurred_at", "-incident_id")[:100])


def due_of(case: TrimCase, now: datetime) -> Due:
    has = getattr(case, "has_initial", None)
    if has is None:
        stages = {a.stage for a in case.assessments.all()}
        has_initial, has_followup = TrimAssessment.Stage.INITIAL in stages, TrimAssessment.Stage.FOLLOW_UP in stages
    else:
        has_initial, has_followup = case.has_initial, case.has_followup
    return next_due(stage=case.stage, response=case.response, assessment_due_at=case.assessment_due_at,
                    followup_due_at=case.followup_due_at, has_initial=has_initial, has_followup=has_followup,
                    now=now)


def may_coordinate(user, case: TrimCase) -> bool:
    """Whether `user` plans, assigns and closes this (visible) case: a coordinator of its organisation."""
    return bool(user.is_trim_coordinator and case.incident.organisation_id in access.organisation_ids(user))
