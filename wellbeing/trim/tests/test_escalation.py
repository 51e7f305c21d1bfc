"""The TRiM deadline sweep against the database, with a fixed clock (`now=`): who is told, once,
with what, and what is marked."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from portal.models import AuditEvent, Notification, TaskFailure
from portal.tests.factories import OrganisationFactory, UserFactory
from wellbeing.models import TrimCase
from wellbeing.trim import escalation
from wellbeing.trim.escalation import escalation_sweep
from wellbeing.trim.tests.factories import (
    TrimAssessmentFactory,
    TrimCaseFactory,
    TrimCoordinatorFactory,
    TrimPractitionerFactory,
)

LONDON = ZoneInfo("Europe/London")
H = timedelta(hours=1)
S = timedelta(seconds=1)
INCIDENT = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
A_DUE = INCIDENT + 72 * H
F_DUE = INCIDENT + 28 * 24 * H
A_LATE = A_DUE + 24 * H
F_LATE = F_DUE + 7 * 24 * H
NOTHING = {"to_coordinator": 0, "to_oh": 0, "reminders": 0, "nobody_to_tell": 0}


@pytest.fixture
def coordinator(force):
    return TrimCoordinatorFactory(username="coordinator", organisation=force)


@pytest.fixture
def practitioner(force):
    return TrimPractitionerFactory(username="practitioner", organisation=force)


@pytest.fixture
def trim_case(officer):
    return TrimCaseFactory(person=officer)


def counts(**changes):
    return {**NOTHING, **changes}


def told(user):
    return list(Notification.objects.filter(user=user))


# ----------------------------------------------------------------------------- the initial assessment


def test_trim_deadline_missed_an_assessment_not_held_a_day_after_it_was_due_reaches_the_coordinator(
        trim_case, coordinator, oh, officer, supervisor):
    assert escalation_sweep(now=A_LATE - S) == NOTHING
    assert escalation_sweep(now=A_LATE) == counts(to_coordinator=1)
    (note,) = told(coordinator)
    assert note.link == f"/trim/cases/{trim_case.pk}/"
    assert note.dedupe_key == f"trim:{trim_case.pk}:late:initial"
    assert note.email_wanted
    assert not told(oh) and not told(officer) and not told(supervisor)
    trim_case.refresh_from_db()
    assert trim_case.assessment_escalated_at == A_LATE and trim_case.followup_escalated_at is None
    event = AuditEvent.objects.get(action="trim_assessment_escalated")
    assert (event.subject_id, event.object_id, event.actor_id) == (officer.pk, str(trim_case.pk), None)
    assert event.detail == {"to": "coordinator", "recipients": 1}


def test_trim_deadline_missed_the_sweep_is_idempotent(trim_case, coordinator):
    escalation_sweep(now=A_LATE)
    assert escalation_sweep(now=A_LATE) == NOTHING
    assert escalation_sweep(now=A_LATE + 5 * H) == NOTHING
    assert Notification.objects.count() == 1
    assert AuditEvent.objects.filter(action="trim_assessment_escalated").count() == 1


def test_trim_deadline_missed_every_coordinator_of_the_organisation_is_told_and_nobody_elsewhere(
        trim_case, coordinator, force, other_force):
    granted = TrimCoordinatorFactory(organisation=other_force)
    granted.granted_organisations.add(force)
    foreign = TrimCoordinatorFactory(organisation=other_force)
    retired = TrimCoordinatorFactory(organisation=force, is_active=False)
    escalation_sweep(now=A_LATE)
    assert set(Notification.objects.values_list("user_id", flat=True)) == {coordinator.pk, granted.pk}
    assert not told(foreign) and not told(retired)


def test_trim_deadline_missed_with_no_coordinator_the_assessment_goes_to_oh_instead(
        trim_case, oh, foreign_oh, other_force, officer):
    TrimCoordinatorFactory(organisation=other_force)  # another force's coordinator is nobody here
    assert escalation_sweep(now=A_LATE) == counts(to_oh=1)
    (note,) = told(oh)
    assert note.link == reverse("oh:case", args=[officer.pk])
    assert not told(foreign_oh)
    assert AuditEvent.objects.get(action="trim_assessment_escalated").detail == {"to": "oh", "recipients": 1}


def test_trim_deadline_missed_a_coordinator_is_never_told_about_their_own_case(force, oh):
    own = TrimCaseFactory(person=TrimCoordinatorFactory(organisation=force, is_officer=True))
    assert escalation_sweep(now=A_LATE) == counts(to_oh=1)
    assert not told(own.person) and len(told(oh)) == 1


def test_a_case_with_no_response_decided_tells_the_coordinator_the_planning_is_late(officer, coordinator):
    TrimCaseFactory(person=officer, response="", stage=TrimCase.Stage.NEW)
    assert escalation_sweep(now=A_LATE) == counts(to_coordinator=1)
    assert "no agreed response" in told(coordinator)[0].title


def test_an_assessment_held_is_not_escalated(trim_case, coordinator):
    TrimAssessmentFactory(case=trim_case)
    assert escalation_sweep(now=A_LATE + 48 * H) == NOTHING
    trim_case.refresh_from_db()
    assert trim_case.assessment_escalated_at is None


@pytest.mark.parametrize("changes", [
    {"offer": TrimCase.Offer.DECLINED}, {"response": TrimCase.Response.BRIEFING},
    {"response": TrimCase.Response.NONE}, {"stage": TrimCase.Stage.CLOSED},
], ids=["declined", "briefing", "no-trim-response", "closed"])
def test_trim_deadline_missed_a_declined_briefing_only_or_closed_case_tells_nobody(
        changes, officer, coordinator, oh, practitioner):
    TrimCaseFactory(person=officer, practitioner=practitioner, **changes)
    for now in (A_DUE - H, A_LATE, F_DUE, F_LATE, F_LATE + 300 * 24 * H):
        assert escalation_sweep(now=now) == NOTHING
    assert not Notification.objects.exists()


def test_the_claim_refuses_a_case_another_run_has_escalated_or_that_was_held_meanwhile(trim_case, coordinator):
    stale = TrimCase.objects.get(pk=trim_case.pk)
    TrimCase.objects.filter(pk=trim_case.pk).update(assessment_escalated_at=A_LATE)  # another worker won
    assert escalation.escalate(stale, "initial", to="coordinator", recipients=[coordinator], now=A_LATE) is None
    TrimAssessmentFactory(case=trim_case, stage="follow_up")
    assert escalation.escalate(stale, "follow_up", to="oh", recipients=[coordinator], now=F_LATE) is None
    assert not Notification.objects.exists() and not AuditEvent.objects.exists()


# ----------------------------------------------------------------------------- the follow-up


def test_trim_deadline_missed_a_follow_up_missed_by_seven_days_reaches_oh_once(trim_case, coordinator, oh, officer):
    TrimAssessmentFactory(case=trim_case)
    assert escalation_sweep(now=F_LATE - S) == NOTHING
    assert escalation_sweep(now=F_LATE) == counts(to_oh=1)
    assert escalation_sweep(now=F_LATE + H) == NOTHING
    (note,) = told(oh)
    assert note.link == reverse("oh:case", args=[officer.pk])
    assert note.dedupe_key == f"trim:{trim_case.pk}:late:follow_up"
    assert not told(coordinator)
    trim_case.refresh_from_db()
    assert trim_case.followup_escalated_at == F_LATE
    assert AuditEvent.objects.get(action="trim_followup_escalated").detail == {"to": "oh", "recipients": 1}


def test_a_sweep_that_finds_both_missed_sends_both_once(trim_case, coordinator, oh):
    assert escalation_sweep(now=F_LATE) == counts(to_coordinator=1, to_oh=1)
    assert escalation_sweep(now=F_LATE) == NOTHING


def test_the_follow_up_held_is_not_escalated(trim_case, oh):
    TrimAssessmentFactory(case=trim_case)
    TrimAssessmentFactory(case=trim_case, stage="follow_up")
    assert escalation_sweep(now=F_LATE + 30 * 24 * H) == NOTHING


def test_trim_deadline_missed_with_nobody_to_tell_an_administrator_sees_it_once_and_it_goes_when_someone_can(
        trim_case, force):
    assert escalation_sweep(now=A_LATE) == counts(nobody_to_tell=1)
    assert escalation_sweep(now=A_LATE + H) == NOTHING
    (failure,) = TaskFailure.objects.all()
    assert failure.task_name == "wellbeing.trim_escalation_sweep" and failure.args == [trim_case.pk, "initial"]
    trim_case.refresh_from_db()
    assert trim_case.assessment_escalated_at is None  # not lost: waiting for someone to tell
    oh = UserFactory(organisation=force, is_oh=True)
    assert escalation_sweep(now=A_LATE + 2 * H) == counts(to_oh=1)
    assert len(told(oh)) == 1


# ----------------------------------------------------------------------------- reminders


def test_trim_deadline_missed_the_practitioner_is_reminded_once_a_day_before_each_assessment(
        officer, practitioner, coordinator):
    case = TrimCaseFactory(person=officer, practitioner=practitioner)
    assert escalation_sweep(now=A_DUE - 24 * H - S) == NOTHING
    assert escalation_sweep(now=A_DUE - 24 * H) == counts(reminders=1)
    assert escalation_sweep(now=A_DUE - H) == NOTHING
    (note,) = told(practitioner)
    assert note.link == f"/trim/cases/{case.pk}/" and note.dedupe_key == f"trim:{case.pk}:remind:initial"
    TrimAssessmentFactory(case=case)
    assert escalation_sweep(now=F_DUE - 24 * H) == counts(reminders=1)
    assert escalation_sweep(now=F_DUE) == NOTHING
    assert len(told(practitioner)) == 2 and not told(coordinator)


def test_a_new_practitioner_is_reminded_too(officer, practitioner, force):
    case = TrimCaseFactory(person=officer, practitioner=practitioner)
    escalation_sweep(now=A_DUE - H)
    successor = TrimPractitionerFactory(organisation=force)
    TrimCase.objects.filter(pk=case.pk).update(practitioner=successor)
    assert escalation_sweep(now=A_DUE) == counts(reminders=1)
    assert len(told(successor)) == 1 and len(told(practitioner)) == 1


def test_a_practitioner_who_left_or_lost_the_role_is_not_reminded(officer, force):
    for gone in (TrimPractitionerFactory(organisation=force, is_active=False),
                 TrimPractitionerFactory(organisation=force, is_trim_practitioner=False)):
        TrimCaseFactory(person=officer, practitioner=gone, incident__title=f"incident {gone.pk}")
    assert escalation_sweep(now=A_DUE - H) == NOTHING


def test_a_case_due_beyond_tomorrow_is_not_even_read(officer, practitioner, django_assert_max_num_queries):
    TrimCaseFactory.create_batch(5, person=officer, practitioner=practitioner)
    assert list(escalation.candidates(A_DUE - 24 * H - S)) == []
    with django_assert_max_num_queries(1):
        assert escalation_sweep(now=A_DUE - 24 * H - S) == NOTHING


def test_reading_the_cases_does_not_grow_with_them(force, coordinator, django_assert_max_num_queries):
    people = [TrimPractitionerFactory(organisation=force) for _ in range(6)]
    for person in people:
        TrimCaseFactory(person=person, practitioner=coordinator, assessment_escalated_at=A_LATE)
    coordinator.is_trim_practitioner = True
    coordinator.save()
    escalation_sweep(now=A_DUE)  # nothing due but reminders: one insert each, already sent below
    with django_assert_max_num_queries(5):  # cases, reminders sent, coordinators (+ prefetch), OH
        assert escalation_sweep(now=A_DUE) == NOTHING


# ----------------------------------------------------------------------------- clocks and timings


def test_trim_deadline_missed_escalation_counts_real_hours_across_the_clock_change(officer, coordinator, force):
    TrimCaseFactory(person=officer, incident__occurred_at=datetime(2026, 3, 25, 12, 0, tzinfo=LONDON))
    # due 12:00 GMT on 28 March; the clocks go forward that night: late from 13:00 BST on the 29th
    assert escalation_sweep(now=datetime(2026, 3, 29, 12, 59, tzinfo=LONDON)) == NOTHING
    assert escalation_sweep(now=datetime(2026, 3, 29, 13, 0, tzinfo=LONDON)) == counts(to_coordinator=1)


def test_trim_deadline_missed_the_organisations_own_timings_set_when_it_escalates(officer, coordinator, oh, force):
    force.trim_assessment_hours, force.trim_followup_days = 48, 21
    force.save()
    case = TrimCaseFactory(person=officer)
    assert case.assessment_due_at == INCIDENT + 48 * H
    assert escalation_sweep(now=INCIDENT + 72 * H - S) == NOTHING
    assert escalation_sweep(now=INCIDENT + 72 * H) == counts(to_coordinator=1)
    assert escalation_sweep(now=INCIDENT + 28 * 24 * H - S) == NOTHING
    assert escalation_sweep(now=INCIDENT + 28 * 24 * H) == counts(to_oh=1)


# ----------------------------------------------------------------------------- what the notices say


def test_trim_deadline_missed_notices_carry_no_name_and_no_health_detail(
        officer, practitioner, coordinator, oh):
    officer.first_name, officer.last_name = "Sentinelfirst", "Sentinellast"
    officer.save()
    case = TrimCaseFactory(person=officer, practitioner=practitioner, incident__title="Sentinel incident")
    escalation_sweep(now=A_DUE - H)
    escalation_sweep(now=F_DUE - H)
    escalation_sweep(now=F_LATE)
    assert Notification.objects.count() == 4  # reminders of both, and both escalations
    for note in Notification.objects.all():
        text = f"{note.title} {note.body} {note.link}".lower()
        assert "sentinel" not in text and officer.username not in text
        for word in ("raised", "low", "band", "declined", "referral", "score"):
            assert not re.search(rf"\b{word}\b", text), (word, text)
    assert str(case.pk) in Notification.objects.get(user=coordinator).link


def test_each_recipient_reads_the_notice_in_their_own_language(trim_case, coordinator, force):
    welsh = TrimCoordinatorFactory(organisation=force, language="cy")
    escalation_sweep(now=A_LATE)
    english, cymraeg = told(coordinator)[0], told(welsh)[0]
    assert english.title == escalation.ASSESSMENT_TITLE
    assert cymraeg.title != english.title and cymraeg.body != english.body


def test_the_beat_task_runs_the_sweep(trim_case, coordinator):
    from wellbeing.tasks import trim_escalation_sweep

    OrganisationFactory()  # an organisation with nothing due changes nothing
    result = trim_escalation_sweep.delay().get()
    assert result["to_coordinator"] == 1
    assert trim_escalation_sweep.delay().get() == NOTHING
