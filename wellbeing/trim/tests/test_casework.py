"""The casework services, the pure stage and due-date rules, and who may see which case."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import access
from portal.models import AuditEvent, Notification
from wellbeing.models import Referral, TrimAssessment, TrimCase
from wellbeing.risk.tests.test_notification_titles import names_in
from wellbeing.trim import casework
from wellbeing.trim.tests.coord_factories import make_case, make_coordinator, make_incident, make_practitioner

S, R, A, B = TrimCase.Stage, TrimCase.Response, TrimAssessment.Action, TrimAssessment.Band
INITIAL, FOLLOW_UP = TrimAssessment.Stage.INITIAL, TrimAssessment.Stage.FOLLOW_UP
T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


# ----------------------------------------------------------------------------- pure rules


def _due(now, **kw):
    args = {"stage": S.OFFERED, "response": R.ASSESSMENT, "assessment_due_at": T0 + timedelta(hours=72),
            "followup_due_at": T0 + timedelta(days=28), "has_initial": False, "has_followup": False, "now": now}
    args.update(kw)
    return casework.next_due(**args)


def test_the_initial_assessment_is_due_first_and_overdue_only_once_its_time_has_passed():
    assert _due(T0 + timedelta(hours=72)) == casework.Due(INITIAL, T0 + timedelta(hours=72), False)
    assert _due(T0 + timedelta(hours=72, seconds=1)).overdue


def test_after_the_initial_assessment_the_follow_up_is_due():
    due = _due(T0 + timedelta(days=29), has_initial=True)
    assert (due.stage, due.overdue) == (FOLLOW_UP, True)
    assert _due(T0 + timedelta(days=27), has_initial=True).overdue is False


@pytest.mark.parametrize("kw", [{"stage": S.CLOSED}, {"response": R.BRIEFING}, {"response": R.NONE},
                                {"has_initial": True, "has_followup": True}])
def test_nothing_is_due_on_a_closed_case_a_briefing_no_response_or_once_both_are_held(kw):
    assert _due(T0 + timedelta(days=60), **kw) == casework.NOTHING_DUE


@pytest.mark.parametrize(("response", "has_practitioner", "stage"), [
    (R.NONE, False, S.CLOSED), (R.NONE, True, S.CLOSED), (R.BRIEFING, True, S.PLANNED),
    (R.ASSESSMENT, False, S.PLANNED), (R.ASSESSMENT, True, S.OFFERED)])
def test_the_stage_after_planning(response, has_practitioner, stage):
    assert casework.stage_after_planning(response, has_practitioner=has_practitioner) == stage


@pytest.mark.parametrize(("stage", "band", "action", "after"), [
    (INITIAL, B.LOW, A.NONE, S.IN_PROGRESS), (INITIAL, B.RAISED, A.OH_REFERRAL, S.IN_PROGRESS),
    (FOLLOW_UP, B.LOW, A.NONE, S.CLOSED), (FOLLOW_UP, B.LOW, A.PEER_SUPPORT, S.CLOSED),
    (FOLLOW_UP, B.LOW, A.NAMED_SERVICE, S.IN_PROGRESS), (FOLLOW_UP, B.LOW, A.LINE_MANAGER, S.IN_PROGRESS),
    (FOLLOW_UP, B.RAISED, A.NONE, S.IN_PROGRESS), (FOLLOW_UP, B.RAISED, A.PEER_SUPPORT, S.IN_PROGRESS)])
def test_the_stage_after_an_assessment(stage, band, action, after):
    assert casework.stage_after_assessment(current=S.OFFERED, stage=stage, band=band, action=action) == after


@pytest.mark.parametrize(("stage", "band", "action", "refer"), [
    (INITIAL, B.RAISED, A.PEER_SUPPORT, False), (INITIAL, B.LOW, A.OH_REFERRAL, True),
    (FOLLOW_UP, B.RAISED, A.NONE, True), (FOLLOW_UP, B.RAISED, A.NAMED_SERVICE, True),
    (FOLLOW_UP, B.LOW, A.NONE, False), (FOLLOW_UP, B.LOW, A.OH_REFERRAL, True)])
def test_an_oh_referral_follows_an_oh_action_or_a_raised_follow_up(stage, band, action, refer):
    assert casework.needs_oh_referral(stage=stage, band=band, action=action) is refer


# ----------------------------------------------------------------------------- who sees which case


@pytest.fixture
def world(force, team_a, team_b, supervisor, other_supervisor, officer, outsider):
    # supervisor (team A's) sits in team B: other_supervisor is officer's supervisor's supervisor
    supervisor.team = team_b
    supervisor.save(update_fields=["team"])
    incident = make_incident(force)
    return {"incident": incident, "case": make_case(incident, officer), "outsider_case": make_case(incident, outsider)}


def _visible(user):
    return set(access.trim_cases_visible_to(user, TrimCase.objects.all()))


def test_a_coordinator_sees_every_case_of_their_organisation_and_none_of_another(world, force, other_force):
    assert _visible(make_coordinator(force)) == {world["case"], world["outsider_case"]}
    assert _visible(make_coordinator(other_force, username="elsewhere")) == set()


def test_a_practitioner_sees_only_the_cases_assigned_to_them(world, force):
    practitioner = make_practitioner(force)
    TrimCase.objects.filter(pk=world["case"].pk).update(practitioner=practitioner)
    assert _visible(practitioner) == {world["case"]}
    assert _visible(make_practitioner(force, username="idle")) == set()


def test_trim_result_reaches_the_line_never_supervisors_trainers_oh_or_officers(world, supervisor, trainer, oh,
                                                                               officer, outsider):
    for user in (supervisor, trainer, oh, officer, outsider):
        assert _visible(user) == set(), user


def test_trim_result_reaches_the_line_not_through_a_coordinator_who_supervises_the_person(world, supervisor):
    supervisor.is_trim_coordinator = True
    supervisor.save(update_fields=["is_trim_coordinator"])
    assert _visible(supervisor) == {world["outsider_case"]}
    hidden = access.trim_cases_visible_to(supervisor, TrimCase.objects.all(), own_line=True)
    assert list(hidden) == [world["case"]]


def test_trim_result_reaches_the_line_not_through_a_coordinator_higher_up_the_chain(world, other_supervisor):
    other_supervisor.is_trim_coordinator = True
    other_supervisor.save(update_fields=["is_trim_coordinator"])
    # officer (team A, supervised by supervisor, who is in team B) and outsider (team B): both below
    assert _visible(other_supervisor) == set()
    with pytest.raises(Exception) as exc:
        access.get_trim_case_or_404(other_supervisor, TrimCase.objects.all(), world["case"].pk)
    assert exc.typename == "Http404"


def test_nobody_sees_their_own_case_through_the_coordinators_pages(world, force, officer):
    officer.is_trim_coordinator = True
    officer.save(update_fields=["is_trim_coordinator"])
    assert _visible(officer) == {world["outsider_case"]}


def test_teams_below_is_the_inverse_of_the_line_chain(world, supervisor, other_supervisor, officer, outsider):
    for boss in (supervisor, other_supervisor):
        for person in (officer, outsider):
            assert (person.team_id in access.teams_below(boss)) == (boss in access.line_chain(person))


def test_candidates_are_practitioners_of_the_organisation_outside_the_line(world, force, other_force, officer,
                                                                          supervisor, other_supervisor):
    ok = make_practitioner(force)
    for boss in (supervisor, other_supervisor):
        boss.is_trim_practitioner = True
        boss.save(update_fields=["is_trim_practitioner"])
    make_practitioner(force, username="gone", is_active=False)
    make_practitioner(other_force, username="foreign")
    officer.is_trim_practitioner = True
    officer.save(update_fields=["is_trim_practitioner"])
    assert list(access.trim_practitioner_candidates(officer)) == [ok]


# ----------------------------------------------------------------------------- assigning


def test_trim_practitioner_in_line_chain_the_direct_supervisor_is_refused(world, supervisor, force):
    supervisor.is_trim_practitioner = True
    supervisor.save(update_fields=["is_trim_practitioner"])
    with pytest.raises(casework.InLineChain) as exc:
        casework.practitioner_assign(case=world["case"], practitioner=supervisor, by=make_coordinator(force))
    assert exc.value.supervisor == supervisor
    assert TrimCase.objects.get(pk=world["case"].pk).practitioner is None


def test_trim_practitioner_in_line_chain_the_supervisors_supervisor_is_refused(world, other_supervisor, force):
    other_supervisor.is_trim_practitioner = True
    other_supervisor.save(update_fields=["is_trim_practitioner"])
    with pytest.raises(casework.InLineChain):
        casework.practitioner_assign(case=world["case"], practitioner=other_supervisor, by=make_coordinator(force))
    assert TrimCase.objects.get(pk=world["case"].pk).practitioner is None


def test_trim_practitioner_in_line_chain_the_person_themself_is_refused(world, officer, force):
    officer.is_trim_practitioner = True
    officer.save(update_fields=["is_trim_practitioner"])
    with pytest.raises(casework.NotAllowed):
        casework.practitioner_assign(case=world["case"], practitioner=officer, by=make_coordinator(force))


def test_trim_result_reaches_the_line_not_by_notice_assigning_tells_practitioner_and_person_no_detail(
        world, force, officer):
    case, practitioner = world["case"], make_practitioner(force)
    TrimCase.objects.filter(pk=case.pk).update(response=R.ASSESSMENT, stage=S.PLANNED)
    case.refresh_from_db()
    casework.practitioner_assign(case=case, practitioner=practitioner, by=make_coordinator(force))
    case.refresh_from_db()
    assert (case.practitioner, case.stage) == (practitioner, S.OFFERED)
    to_practitioner = Notification.objects.get(user=practitioner)
    assert to_practitioner.link == f"/trim/cases/{case.pk}/"
    to_person = Notification.objects.get(user=officer)
    assert to_person.link == "/trim/mine/"
    for note in (to_practitioner, to_person):
        text = f"{note.title} {note.body}"
        assert not names_in(text, officer, ("last_name",)) and "A40" not in text and "raised" not in text.lower()
    assert AuditEvent.objects.filter(action="trim_practitioner_assigned", subject_id=officer.pk).exists()


def test_assigning_before_the_planning_meeting_offers_nothing_yet(world, force, officer):
    casework.practitioner_assign(case=world["case"], practitioner=make_practitioner(force),
                                 by=make_coordinator(force))
    assert TrimCase.objects.get(pk=world["case"].pk).stage == S.NEW
    assert not Notification.objects.filter(user=officer).exists()


# ----------------------------------------------------------------------------- planning


def test_the_planning_meeting_sets_each_response_and_stage(world, force, officer, outsider):
    practitioner, coordinator = make_practitioner(force), make_coordinator(force)
    TrimCase.objects.filter(pk=world["case"].pk).update(practitioner=practitioner)
    held_on = timezone.localdate()
    casework.planning_record(incident=world["incident"], held_on=held_on, by=coordinator,
                             responses={world["case"].pk: R.ASSESSMENT, world["outsider_case"].pk: R.NONE})
    world["incident"].refresh_from_db()
    assert (world["incident"].planning_held_on, world["incident"].planning_recorded_by) == (held_on, coordinator)
    case, other = (TrimCase.objects.get(pk=c.pk) for c in (world["case"], world["outsider_case"]))
    assert (case.stage, case.response) == (S.OFFERED, R.ASSESSMENT)
    assert (other.stage, other.response) == (S.CLOSED, R.NONE) and other.closed_at is not None
    assert Notification.objects.filter(user=officer, link="/trim/mine/").count() == 1
    assert not Notification.objects.filter(user=outsider).exists()
    assert AuditEvent.objects.filter(action="trim_case_planned").count() == 2


def test_the_planning_meeting_leaves_a_case_under_way_alone(world, force):
    TrimCase.objects.filter(pk=world["case"].pk).update(stage=S.IN_PROGRESS, response=R.ASSESSMENT)
    casework.planning_record(incident=world["incident"], held_on=timezone.localdate(), by=make_coordinator(force),
                             responses={world["case"].pk: R.NONE})
    assert TrimCase.objects.get(pk=world["case"].pk).stage == S.IN_PROGRESS


# ----------------------------------------------------------------------------- assessments


@pytest.fixture
def offered(world, force):
    practitioner = make_practitioner(force)
    TrimCase.objects.filter(pk=world["case"].pk).update(practitioner=practitioner, stage=S.OFFERED,
                                                        response=R.ASSESSMENT)
    world["case"].refresh_from_db()
    return world["case"], practitioner


def _record(case, by, stage=INITIAL, band=B.LOW, action=A.NONE, **kw):
    return casework.assessment_record(case=case, stage=stage, held_on=timezone.localdate(), band=band,
                                      action=action, by=by, **kw)


def test_an_initial_assessment_puts_the_case_in_progress_and_the_offer_accepted(offered):
    case, practitioner = offered
    _record(case, practitioner)
    assert (case.stage, case.offer) == (S.IN_PROGRESS, TrimCase.Offer.ACCEPTED)
    event = AuditEvent.objects.get(action="trim_assessment_recorded")
    assert event.detail == {"case": case.pk, "stage": INITIAL}  # never the band


def test_a_low_follow_up_with_no_further_action_closes_the_case(offered):
    case, practitioner = offered
    _record(case, practitioner)
    _record(case, practitioner, stage=FOLLOW_UP, action=A.PEER_SUPPORT)
    assert case.stage == S.CLOSED and case.closed_at is not None
    assert not Referral.objects.exists()


def test_trim_result_reaches_the_line_not_by_notice_a_raised_follow_up_refers_to_oh_without_band_or_name(
        offered, oh, officer):
    case, practitioner = offered
    _record(case, practitioner)
    _record(case, practitioner, stage=FOLLOW_UP, band=B.RAISED, action=A.PEER_SUPPORT)
    referral = Referral.objects.get()
    assert (referral.person, referral.kind, referral.referred_on, referral.recorded_by) == (
        officer, Referral.Kind.TRIM, timezone.localdate(), practitioner)
    assert case.stage == S.IN_PROGRESS
    note = Notification.objects.get(user=oh)
    text = f"{note.title} {note.body}"
    assert "raised" not in text.lower() and "band" not in text.lower()
    assert not names_in(text, officer, ("last_name",))
    assert note.link == reverse("oh:case", args=[officer.pk])


def test_an_oh_referral_action_on_the_initial_assessment_creates_a_referral(offered, oh):
    case, practitioner = offered
    _record(case, practitioner, band=B.LOW, action=A.OH_REFERRAL)
    assert Referral.objects.filter(kind=Referral.Kind.TRIM).count() == 1
    assert Notification.objects.filter(user=oh).count() == 1


def test_a_raised_initial_assessment_with_peer_support_creates_no_referral(offered, oh):
    case, practitioner = offered
    _record(case, practitioner, band=B.RAISED, action=A.PEER_SUPPORT)
    assert not Referral.objects.exists() and not Notification.objects.filter(user=oh).exists()


def test_a_follow_up_before_the_initial_assessment_a_second_of_a_stage_and_a_closed_case_are_refused(offered):
    case, practitioner = offered
    with pytest.raises(casework.NotAllowed):
        _record(case, practitioner, stage=FOLLOW_UP)
    _record(case, practitioner)
    with pytest.raises(casework.NotAllowed):
        _record(case, practitioner)
    casework.case_close(case=case, by=practitioner)
    with pytest.raises(casework.NotAllowed):
        _record(case, practitioner, stage=FOLLOW_UP)
    assert TrimAssessment.objects.count() == 1


def test_line_manager_boxes_are_kept_only_for_that_action(offered):
    case, practitioner = offered
    assessment = _record(case, practitioner, action=A.PEER_SUPPORT, line_manager_consent=True, service="EAP")
    assert (assessment.line_manager_consent, assessment.service) == (False, "")


def test_closing_a_case_is_audited_once(offered, force):
    case, _practitioner = offered
    coordinator = make_coordinator(force)
    assert casework.case_close(case=case, by=coordinator) is True
    assert casework.case_close(case=case, by=coordinator) is False
    assert AuditEvent.objects.filter(action="trim_case_closed").count() == 1
