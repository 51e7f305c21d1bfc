"""Users as Entra provisions them: look up, create, change, deactivate, delete; all through the HR
import's plan and apply, so the same rules hold for joiners, movers and leavers."""

import pytest
from django.test import override_settings

from portal.models import AuditEvent, User
from portal.scim.tests import entra

pytestmark = pytest.mark.django_db


def test_scim_entra_user_sequence_lookup_create_update_deactivate(scim, force):
    # 1. Entra looks the person up by its matching attribute: nobody yet
    empty = scim.get('Users?filter=userName eq "TS2001"')
    assert empty.status_code == 200
    assert empty.json()["totalResults"] == 0 and empty.json()["Resources"] == []
    # 2. it creates them
    created = scim.post("Users", entra.user_create("TS2001"))
    assert created.status_code == 201, created.content
    body = created.json()
    person = User.objects.get(organisation=force, staff_number="TS2001")
    assert body["id"] == str(person.pk) and body["userName"] == "TS2001" and body["active"] is True
    assert created["Location"].endswith(f"/scim/v2/Users/{person.pk}")
    assert (person.first_name, person.last_name, person.email) == ("Ana", "Rees", "ana.rees@testshire.police.uk")
    assert person.is_officer and not person.is_staff and person.team is None
    # 3. the same lookup finds them now
    found = scim.get('Users?filter=userName eq "TS2001"').json()
    assert [r["id"] for r in found["Resources"]] == [str(person.pk)]
    # 4. attribute changes, as Entra sends them: Add for the email, Replace for a name
    changed = scim.patch(f"Users/{person.pk}", entra.patch(
        entra.replace("name.familyName", "Rees-Hughes"),
        entra.add('emails[type eq "work"].value', "ana.rees-hughes@testshire.police.uk"),
        entra.replace("title", "Sergeant")))
    assert changed.status_code == 200, changed.content
    person.refresh_from_db()
    assert person.last_name == "Rees-Hughes" and person.email == "ana.rees-hughes@testshire.police.uk"
    # 5. disabled in Entra: a leaver, deactivated, never deleted
    gone = scim.patch(f"Users/{person.pk}", entra.patch(entra.replace("active", False)))
    assert gone.status_code == 200 and gone.json()["active"] is False
    person.refresh_from_db()
    assert not person.is_active and person.employment_ended_on is not None
    assert AuditEvent.objects.filter(action="hr_import_applied").count() == 3
    assert AuditEvent.objects.filter(action__startswith="scim_person").count() == 3


def test_scim_active_false_as_the_string_entra_sends_makes_a_leaver(scim, provisioned):
    response = scim.patch(f"Users/{provisioned.pk}", entra.patch(entra.replace("active", "False")))
    assert response.status_code == 200, response.content
    provisioned.refresh_from_db()
    assert not provisioned.is_active and provisioned.employment_ended_on is not None
    assert User.objects.filter(pk=provisioned.pk).exists()


def test_scim_pathless_value_object_is_read_as_attribute_paths(scim, provisioned):
    response = scim.patch(f"Users/{provisioned.pk}", entra.patch(entra.pathless("Replace", {
        "name.givenName": "Patricia", 'emails[type eq "work"].value': "patricia.quill@testshire.police.uk",
        "active": "False", "displayName": "ignored"})))
    assert response.status_code == 200, response.content
    provisioned.refresh_from_db()
    assert provisioned.first_name == "Patricia" and provisioned.email == "patricia.quill@testshire.police.uk"
    assert not provisioned.is_active


def test_scim_leaver_keeps_their_team_and_history(scim, provisioned, team_a):
    scim.delete(f"Users/{provisioned.pk}")
    provisioned.refresh_from_db()
    assert not provisioned.is_active and provisioned.team == team_a


def test_scim_delete_deactivates_and_never_deletes(scim, provisioned):
    response = scim.delete(f"Users/{provisioned.pk}")
    assert response.status_code == 204
    provisioned.refresh_from_db()
    assert not provisioned.is_active and provisioned.employment_ended_on is not None
    # still readable by the provider (a soft-deleted account), and the same delete again changes nothing
    assert scim.get(f"Users/{provisioned.pk}").json()["active"] is False
    assert scim.delete(f"Users/{provisioned.pk}").status_code == 204


def test_scim_reenabled_leaver_rejoins(scim, provisioned):
    scim.patch(f"Users/{provisioned.pk}", entra.patch(entra.replace("active", False)))
    response = scim.patch(f"Users/{provisioned.pk}", entra.patch(entra.replace("active", "True")))
    assert response.status_code == 200
    provisioned.refresh_from_db()
    assert provisioned.is_active and provisioned.employment_ended_on is None


def test_scim_a_change_does_not_touch_team_roles_or_high_risk_role(scim, provisioned, team_a):
    provisioned.high_risk_role = "firearms"
    provisioned.is_trainer = True
    provisioned.save()
    scim.patch(f"Users/{provisioned.pk}", entra.patch(entra.replace("name.givenName", "Patsy")))
    provisioned.refresh_from_db()
    assert (provisioned.first_name, provisioned.team, provisioned.high_risk_role) == ("Patsy", team_a, "firearms")
    assert provisioned.is_trainer and provisioned.is_officer


def test_scim_same_patch_twice_changes_nothing_the_second_time(scim, provisioned):
    body = entra.patch(entra.replace("name.givenName", "Patsy"))
    scim.patch(f"Users/{provisioned.pk}", body)
    before = AuditEvent.objects.count()
    assert scim.patch(f"Users/{provisioned.pk}", body).status_code == 200
    assert AuditEvent.objects.count() == before


def test_scim_create_of_an_existing_staff_number_is_409(scim, provisioned):
    response = scim.post("Users", entra.user_create("TS1001"))
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"


def test_scim_staff_number_cannot_be_changed(scim, provisioned):
    response = scim.patch(f"Users/{provisioned.pk}", entra.patch(entra.replace("userName", "TS9999")))
    assert response.status_code == 400
    assert response.json()["scimType"] == "mutability"


def test_scim_bad_email_is_400_in_the_import_s_own_words(scim):
    response = scim.post("Users", entra.user_create("TS3001", email="not-an-email"))
    assert response.status_code == 400
    assert "emails" in response.json()["detail"] and not User.objects.filter(staff_number="TS3001").exists()


def test_scim_audit_events_hold_ids_not_names(scim, force):
    scim.post("Users", entra.user_create("TS2002"))
    for event in AuditEvent.objects.filter(action__startswith="scim_"):
        assert "Rees" not in str(event.detail) and "ana.rees" not in str(event.detail)


@override_settings(SCIM_USER_NAME_IS="email")
def test_scim_username_as_email_with_the_staff_number_in_external_id(scim, force, provisioned):
    found = scim.get('Users?filter=userName eq "PAT.QUILL@testshire.police.uk"').json()
    assert [r["id"] for r in found["Resources"]] == [str(provisioned.pk)]
    assert found["Resources"][0]["externalId"] == "TS1001"
    created = scim.post("Users", entra.user_create("ana.rees@testshire.police.uk", external_id="TS4001",
                                                   email="ana.rees@testshire.police.uk"))
    assert created.status_code == 201, created.content
    person = User.objects.get(organisation=force, staff_number="TS4001")
    assert person.email == "ana.rees@testshire.police.uk"
    assert created.json()["userName"] == "ana.rees@testshire.police.uk"


@pytest.mark.parametrize("people", [3, 30])
def test_scim_user_list_queries_do_not_grow_with_people(scim, force, people, django_assert_max_num_queries):
    from portal.tests.factories import OfficerFactory

    OfficerFactory.create_batch(people, organisation=force, staff_number=factory_sequence())
    with django_assert_max_num_queries(6):
        body = scim.get("Users?count=50").json()
    assert body["totalResults"] == people and len(body["Resources"]) == people
    with django_assert_max_num_queries(6):
        assert scim.get("Users?startIndex=2&count=2").json()["itemsPerPage"] == 2


def factory_sequence():
    import factory

    return factory.Sequence(lambda n: f"Q{n:05d}")
