"""Groups as Entra provisions them: "Team: Unit / Team" moves people between teams (a mover, as in
an HR file: the new supervisor sees them from then on, the old one no longer), "Role: code" gives
and takes a role, "Supervises: Unit / Team" makes a supervisor of a team; other groups change
nothing."""

import pytest

from portal import access
from portal.models import AuditEvent, ScimGroup, Team, User
from portal.scim.groups import GroupMeaning, group_meaning
from portal.scim.tests import entra

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "meaning"), [
    ("Team: Response / Alpha", GroupMeaning("team", unit="Response", team="Alpha")),
    ("team:  Contact Centre/ Night  ", GroupMeaning("team", unit="Contact Centre", team="Night")),
    ("Supervises: Response / A", GroupMeaning("supervises", unit="Response", team="A")),
    ("Role: trainer", GroupMeaning("role", role="trainer")),
    ("Role: TRiM Coordinator", GroupMeaning("role", role="trim_coordinator")),
    ("Role: admin", GroupMeaning("none")),
    ("Role: wizard", GroupMeaning("none")),
    ("Team: no slash", GroupMeaning("none")),
    ("All staff", GroupMeaning("none")),
    ("", GroupMeaning("none")),
])
def test_scim_group_names_map_onto_teams_and_roles(name, meaning):
    assert group_meaning(name) == meaning


def _group(scim, name):
    response = scim.post("Groups", entra.group_create(name))
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_scim_entra_group_sequence_lookup_create_add_remove_delete(scim, force, provisioned, team_a, supervisor):
    # Entra looks the group up by displayName (without members), finds nothing, creates it
    lookup = scim.get('Groups?excludedAttributes=members&filter=displayName eq "Team: Response / Night"')
    assert lookup.status_code == 200 and lookup.json()["totalResults"] == 0
    group_id = _group(scim, "Team: Response / Night")
    found = scim.get('Groups?excludedAttributes=members&filter=displayName eq "Team: Response / Night"').json()
    assert [r["id"] for r in found["Resources"]] == [group_id] and "members" not in found["Resources"][0]
    # a member is added: a mover from Response / A to the new team Response / Night
    assert supervisor in access.supervisors_of(provisioned)
    added = scim.patch(f"Groups/{group_id}", entra.patch(entra.members("Add", provisioned.pk)))
    assert added.status_code == 200, added.content
    provisioned.refresh_from_db()
    night = Team.objects.get(unit__organisation=force, unit__name="Response", name="Night")
    assert provisioned.team == night
    assert supervisor not in access.supervisors_of(provisioned)
    assert not access.people_visible_to(supervisor, access.TEAM_SUMMARY).filter(pk=provisioned.pk).exists()
    assert [m["value"] for m in scim.get(f"Groups/{group_id}").json()["members"]] == [str(provisioned.pk)]
    # removed again: no team (their history stays theirs)
    removed = scim.patch(f"Groups/{group_id}", entra.patch(entra.members("Remove", provisioned.pk)))
    assert removed.status_code == 200
    provisioned.refresh_from_db()
    assert provisioned.team is None and provisioned.is_active
    # the group is deleted: the mapping goes, people are not changed
    assert scim.delete(f"Groups/{group_id}").status_code == 204
    assert not ScimGroup.objects.filter(pk=group_id).exists()
    assert AuditEvent.objects.filter(action="scim_group_members_changed").count() == 2
    assert AuditEvent.objects.filter(action="scim_group_deleted").count() == 1


def test_scim_mover_is_seen_by_the_new_supervisor_from_the_move_on(scim, force, provisioned, team_a, team_b,
                                                                   supervisor, other_supervisor):
    group_id = _group(scim, "Team: Response / B")
    assert access.people_visible_to(supervisor, access.TEAM_SUMMARY).filter(pk=provisioned.pk).exists()
    scim.patch(f"Groups/{group_id}", entra.patch(entra.members("Add", provisioned.pk)))
    provisioned.refresh_from_db()
    assert provisioned.team == team_b
    assert access.people_visible_to(other_supervisor, access.TEAM_SUMMARY).filter(pk=provisioned.pk).exists()
    assert not access.people_visible_to(supervisor, access.TEAM_SUMMARY).filter(pk=provisioned.pk).exists()


def test_scim_removal_from_the_old_team_after_the_move_does_not_undo_it(scim, provisioned, team_a, team_b):
    old = _group(scim, "Team: Response / A")
    new = _group(scim, "Team: Response / B")
    scim.patch(f"Groups/{new}", entra.patch(entra.members("Add", provisioned.pk)))
    scim.patch(f"Groups/{old}", entra.patch(entra.members("Remove", provisioned.pk)))
    provisioned.refresh_from_db()
    assert provisioned.team == team_b


def test_scim_role_group_gives_and_takes_a_role(scim, provisioned):
    group_id = _group(scim, "Role: trainer")
    scim.patch(f"Groups/{group_id}", entra.patch(entra.members("Add", provisioned.pk)))
    provisioned.refresh_from_db()
    assert provisioned.is_trainer and provisioned.is_officer
    # Entra's older form: remove one member by a filtered path
    scim.patch(f"Groups/{group_id}", entra.patch({"op": "Remove", "path": f'members[value eq "{provisioned.pk}"]'}))
    provisioned.refresh_from_db()
    assert not provisioned.is_trainer and provisioned.is_officer


def test_scim_supervises_group_makes_a_supervisor_of_that_team(scim, provisioned, team_b):
    group_id = _group(scim, "Supervises: Response / B")
    response = scim.patch(f"Groups/{group_id}", entra.patch(entra.members("Add", provisioned.pk)))
    assert response.status_code == 200, response.content
    provisioned.refresh_from_db()
    assert provisioned.is_supervisor and list(provisioned.supervised_teams.all()) == [team_b]


def test_scim_admin_rights_are_never_given_from_the_identity_provider(scim, provisioned):
    group_id = _group(scim, "Role: admin")
    scim.patch(f"Groups/{group_id}", entra.patch(entra.members("Add", provisioned.pk)))
    provisioned.refresh_from_db()
    assert not provisioned.is_staff


def test_scim_group_created_with_members(scim, provisioned, team_b):
    body = entra.group_create("Team: Response / B")
    body["members"] = [{"value": str(provisioned.pk)}]
    assert scim.post("Groups", body).status_code == 201
    provisioned.refresh_from_db()
    assert provisioned.team == team_b


def test_scim_group_rename_is_a_replace_of_display_name(scim):
    group_id = _group(scim, "All staff")
    response = scim.patch(f"Groups/{group_id}", entra.patch(entra.replace("displayName", "Everyone")))
    assert response.status_code == 200 and response.json()["displayName"] == "Everyone"


def test_scim_duplicate_group_name_is_409(scim):
    _group(scim, "All staff")
    assert scim.post("Groups", entra.group_create("All staff")).status_code == 409


def test_scim_group_of_another_force_is_404_and_its_people_cannot_be_added(scim, foreign_scim, provisioned,
                                                                           foreign_provisioned):
    mine = _group(scim, "Role: trainer")
    theirs = _group(foreign_scim, "Role: trainer")
    assert scim.get(f"Groups/{theirs}").status_code == 404
    assert scim.patch(f"Groups/{theirs}", entra.patch(entra.members("Add", provisioned.pk))).status_code == 404
    assert scim.delete(f"Groups/{theirs}").status_code == 404
    response = scim.patch(f"Groups/{mine}", entra.patch(entra.members("Add", foreign_provisioned.pk)))
    assert response.status_code == 400
    foreign_provisioned.refresh_from_db()
    assert not foreign_provisioned.is_trainer
    assert ScimGroup.objects.filter(pk=theirs).exists()


def test_scim_unknown_member_is_400_and_changes_nothing(scim, provisioned):
    group_id = _group(scim, "Role: trainer")
    response = scim.patch(f"Groups/{group_id}", entra.patch(entra.members("Add", provisioned.pk, 999999)))
    assert response.status_code == 400
    provisioned.refresh_from_db()
    assert not provisioned.is_trainer
    assert User.objects.filter(is_trainer=True).count() == 0


def test_scim_a_write_racing_another_is_409_not_500(scim, provisioned, monkeypatch):
    from django.db import IntegrityError

    from portal.scim import people

    def racing(plan, *, by):
        raise IntegrityError("UNIQUE constraint failed: portal_team.unit_id, portal_team.name")

    monkeypatch.setattr(people, "apply_plan", racing)
    group_id = _group(scim, "Team: Response / Night")
    response = scim.patch(f"Groups/{group_id}", entra.patch(entra.members("Add", provisioned.pk)))
    assert response.status_code == 409 and response.json()["scimType"] == "uniqueness"
