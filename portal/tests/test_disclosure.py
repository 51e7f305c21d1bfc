"""Graduated disclosure (issue 21): the choices, their history and audit, and the lookups in
`portal.access` that every page asks."""

import pytest
from django.utils import timezone

from portal import access, disclosure
from portal import notices as who_sees
from portal.models import AuditEvent, Disclosure
from portal.tests.factories import OfficerFactory


@pytest.fixture
def teammate(teammate):
    """The officer's teammate, here also a trained peer supporter (only peer supporters can be named)."""
    teammate.is_peer_supporter = True
    teammate.save(update_fields=["is_peer_supporter"])
    return teammate


def test_a_choice_is_dated_audited_and_in_force_until_withdrawn(officer, team_a):
    made = disclosure.choose(officer=officer, audience=access.SUPERVISOR, choice=access.CLINICAL_CATEGORY)
    assert made.chosen_by == officer and made.withdrawn_at is None and made.chosen_at <= timezone.now()
    assert access.clinical_category_shared([officer.pk]) == {officer.pk}
    event = AuditEvent.objects.get(action="disclosure_chosen")
    assert event.subject_id == officer.pk and event.detail["choice"] == access.CLINICAL_CATEGORY

    withdrawn = disclosure.withdraw(officer=officer, audience=access.SUPERVISOR)
    assert withdrawn.pk == made.pk and withdrawn.withdrawn_at is not None
    assert access.clinical_category_shared([officer.pk]) == set()
    assert AuditEvent.objects.get(action="disclosure_withdrawn").detail == {
        "audience": access.SUPERVISOR, "choice": access.CLINICAL_CATEGORY}
    assert Disclosure.objects.count() == 1  # the history is kept


def test_choosing_the_default_withdraws_and_the_same_choice_again_changes_nothing(officer):
    disclosure.choose(officer=officer, audience=access.OCCUPATIONAL_HEALTH, choice=access.ALL_COMMENTS)
    disclosure.choose(officer=officer, audience=access.OCCUPATIONAL_HEALTH, choice=access.ALL_COMMENTS)
    assert Disclosure.objects.count() == 1
    assert AuditEvent.objects.filter(action="disclosure_chosen").count() == 1
    assert access.all_comments_for_oh(officer)
    assert disclosure.choose(officer=officer, audience=access.OCCUPATIONAL_HEALTH, choice=access.PER_CHECKIN) is None
    assert not access.all_comments_for_oh(officer)
    assert AuditEvent.objects.filter(action="disclosure_withdrawn").count() == 1
    assert disclosure.withdraw(officer=officer, audience=access.OCCUPATIONAL_HEALTH) is None  # nothing in force
    assert AuditEvent.objects.filter(action="disclosure_withdrawn").count() == 1


def test_a_peer_supporter_must_be_named_from_the_officers_own_organisation(officer, teammate, foreign_officer):
    with pytest.raises(disclosure.InvalidChoice):
        disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL)
    with pytest.raises(disclosure.InvalidChoice):
        disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL,
                          peer_supporter=foreign_officer)
    with pytest.raises(disclosure.InvalidChoice):
        disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL, peer_supporter=officer)
    disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL, peer_supporter=teammate)
    assert list(access.level_shared_with(teammate)) == [officer]
    assert list(access.level_shared_with(foreign_officer)) == []
    # naming someone else replaces the first choice (dated, both kept)
    with pytest.raises(disclosure.InvalidChoice):  # a colleague who is not a trained peer supporter
        disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL,
                          peer_supporter=OfficerFactory(organisation=officer.organisation))
    other = OfficerFactory(organisation=officer.organisation, is_peer_supporter=True)
    disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL, peer_supporter=other)
    assert list(access.level_shared_with(teammate)) == [] and list(access.level_shared_with(other)) == [officer]
    assert Disclosure.objects.filter(officer=officer).count() == 2


def test_unknown_audiences_and_choices_are_refused(officer):
    with pytest.raises(disclosure.InvalidChoice):
        disclosure.choose(officer=officer, audience="everyone", choice="everything")
    with pytest.raises(disclosure.InvalidChoice):
        disclosure.choose(officer=officer, audience=access.SUPERVISOR, choice=access.ALL_COMMENTS)
    with pytest.raises(disclosure.InvalidChoice):
        disclosure.withdraw(officer=officer, audience="everyone")


def test_the_lookup_is_one_query_however_many_people(officer, supervisor, django_assert_num_queries, team_a):
    people = [OfficerFactory(organisation=officer.organisation, team=team_a) for _ in range(12)]
    for person in people[::2]:
        disclosure.choose(officer=person, audience=access.SUPERVISOR, choice=access.CLINICAL_CATEGORY)
    visible = access.people_visible_to(supervisor, access.TEAM_SUMMARY)
    with django_assert_num_queries(1):
        shared = access.clinical_category_shared(visible)
    assert shared == {p.pk for p in people[::2]}


def test_misleading_result_wording_notices_say_what_the_officer_chose(officer, teammate):
    default = who_sees.notices_for(officer)
    assert default == {k: str(v) for k, v in who_sees.NOTICES.items()}
    disclosure.choose(officer=officer, audience=access.SUPERVISOR, choice=access.CLINICAL_CATEGORY)
    disclosure.choose(officer=officer, audience=access.OCCUPATIONAL_HEALTH, choice=access.ALL_COMMENTS)
    disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL, peer_supporter=teammate)
    notices = who_sees.notices_for(officer)
    assert "which kind of questionnaire scored above its cut-off" in notices["checkin"]
    assert "all your check-in comments" in notices["checkin_comment"]
    assert f"{teammate}, the peer supporter you named, also sees your overall level" in notices["exposure"]
    assert f"{teammate}, the peer supporter you named" in notices["checkin"]
    for audience in access.DISCLOSURE_CHOICES:
        disclosure.withdraw(officer=officer, audience=audience)
    assert who_sees.notices_for(officer) == default


@pytest.mark.parametrize("role, told", [("firearms", True), ("counter_terrorism", True),
                                        ("cse_review", False), ("call_handling", False)])
def test_misleading_result_wording_deployment_roles_are_told_their_supervisor_sees_deployments_to_debrief(
        officer, role, told):
    officer.high_risk_role = role
    notice = who_sees.notices_for(officer)["exposure"]
    assert ("your supervisor also sees its date and kind" in notice) is told
    assert notice.startswith(str(who_sees.NOTICES["exposure"]))
