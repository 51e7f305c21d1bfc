"""The access module's answers about people, for each purpose."""

import pytest
from django.http import Http404

from portal import access


def names(qs):
    return sorted(qs.values_list("username", flat=True))


def test_an_officer_sees_only_themself(officer, teammate):
    assert names(access.people_visible_to(officer, access.OWN)) == ["officer"]
    for purpose in (access.TEAM_SUMMARY, access.CLINICAL_DETAIL, access.TRAINING_RECORDS):
        assert names(access.people_visible_to(officer, purpose)) == []


def test_a_supervisor_sees_the_people_of_the_teams_they_supervise(supervisor, officer, teammate, outsider):
    assert names(access.people_visible_to(supervisor, access.TEAM_SUMMARY)) == ["officer", "teammate"]
    assert names(access.people_visible_to(supervisor, access.CLINICAL_DETAIL)) == []


def test_a_supervisor_of_two_teams_sees_both(supervisor, team_b, officer, outsider):
    team_b.supervisors.add(supervisor)
    assert names(access.people_visible_to(supervisor, access.TEAM_SUMMARY)) == ["officer", "outsider"]


def test_oh_sees_its_own_organisation_only(oh, officer, outsider, foreign_officer):
    visible = names(access.people_visible_to(oh, access.CLINICAL_DETAIL))
    assert "officer" in visible and "outsider" in visible
    assert "foreign_officer" not in visible


def test_an_admin_grant_opens_another_organisation(oh, other_force, foreign_officer):
    oh.granted_organisations.add(other_force)
    assert "foreign_officer" in names(access.people_visible_to(oh, access.CLINICAL_DETAIL))


def test_a_trainer_sees_training_records_but_no_wellbeing_detail(trainer, officer):
    assert "officer" in names(access.people_visible_to(trainer, access.TRAINING_RECORDS))
    assert names(access.people_visible_to(trainer, access.CLINICAL_DETAIL)) == []
    assert names(access.people_visible_to(trainer, access.TEAM_SUMMARY)) == []


def test_get_person_or_404_hides_people_outside_the_scope(supervisor, outsider, officer):
    assert access.get_person_or_404(supervisor, officer.pk, access.TEAM_SUMMARY) == officer
    with pytest.raises(Http404):
        access.get_person_or_404(supervisor, outsider.pk, access.TEAM_SUMMARY)
    with pytest.raises(Http404):
        access.get_person_or_404(supervisor, "not-a-number", access.TEAM_SUMMARY)


def test_supervisors_and_oh_of_a_person(officer, supervisor, other_supervisor, oh, foreign_oh):
    assert list(access.supervisors_of(officer)) == [supervisor]
    assert list(access.oh_staff_for(officer)) == [oh]


def test_supervisors_and_oh_for_many_teams_and_organisations_at_once(
        officer, outsider, supervisor, other_supervisor, team_a, team_b, oh, foreign_oh, force, other_force):
    inactive = type(supervisor).objects.create(username="gone", organisation=force, is_supervisor=True,
                                               is_active=False)
    team_b.supervisors.add(supervisor, inactive)
    assert access.supervisors_by_team([team_a.pk, team_b.pk]) == {
        team_a.pk: [supervisor], team_b.pk: sorted([supervisor, other_supervisor], key=lambda u: u.pk)}
    oh.granted_organisations.add(other_force)
    assert access.oh_staff_by_organisation([force.pk, other_force.pk]) == {
        force.pk: [oh], other_force.pk: sorted([oh, foreign_oh], key=lambda u: u.pk)}
    assert access.oh_staff_by_organisation([other_force.pk]) == {other_force.pk: sorted([oh, foreign_oh],
                                                                                    key=lambda u: u.pk)}


def test_an_unknown_purpose_is_a_programming_error(officer):
    with pytest.raises(ValueError):
        access.people_visible_to(officer, "curiosity")
