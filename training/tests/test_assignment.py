"""Assigning modules by every target kind, through the service and the trainer's form."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.models import Organisation
from tests.factories import OfficerFactory, TeamFactory, UnitFactory, UserFactory
from training import selectors, services
from training.models import Assignment, Module
from training.tests.factories import make_module

URL = "/training/manage/assign/"


def _post(client, module, **data):
    return client.post(URL, {"module": module.pk, **data})


def _assigned(module):
    return set(Assignment.objects.filter(module=module).values_list("person__username", flat=True))


def test_assign_to_one_person(login, trainer, module, officer, teammate):
    response = _post(login(trainer), module, target="person", person=officer.pk)
    assert response.status_code == 302
    assert _assigned(module) == {"officer"}


def test_assign_to_a_team(login, trainer, module, officer, teammate, outsider):
    _post(login(trainer), module, target="team", team=officer.team_id,
          due_on=(timezone.localdate() + dt.timedelta(days=14)).isoformat())
    assert _assigned(module) == {"officer", "teammate"}
    assert Assignment.objects.filter(module=module, due_on__isnull=False).count() == 2


def test_assign_to_a_unit(login, trainer, module, officer, teammate, outsider):
    _post(login(trainer), module, target="unit", unit=officer.team.unit_id)
    assert _assigned(module) == {"officer", "teammate", "outsider"}


def test_assign_to_a_role(login, trainer, module, officer, teammate, outsider):
    _post(login(trainer), module, target="role", role="cse_review")
    assert _assigned(module) == {"teammate"}


def test_assign_to_a_whole_organisation(login, trainer, module, officer, teammate, outsider, oh, foreign_officer):
    _post(login(trainer), module, target="organisation", organisation=trainer.organisation_id)
    assert _assigned(module) == {"officer", "teammate", "outsider", "oh", "trainer", "supervisor", "other_supervisor"}
    assert "foreign_officer" not in _assigned(module)


def test_assign_to_a_granted_partner_organisation(login, trainer, module):
    fire = Organisation.objects.create(name="Testshire Fire", slug="testshire-fire", kind=Organisation.Kind.FIRE)
    crew = TeamFactory(unit=UnitFactory(organisation=fire))
    firefighter = UserFactory(username="firefighter", organisation=fire, team=crew)
    client = login(trainer)
    response = _post(client, module, target="organisation", organisation=fire.pk)
    assert response.status_code == 200  # not granted yet: not a valid choice
    assert not _assigned(module)
    trainer.granted_organisations.add(fire)
    _post(client, module, target="team", team=crew.pk)
    assert _assigned(module) == {firefighter.username}


def test_targets_outside_the_trainers_organisations_are_refused(login, trainer, module, foreign_officer):
    response = _post(login(trainer), module, target="person", person=foreign_officer.pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.exists()


def test_assigning_to_nobody_says_so_and_saves_nothing(login, trainer, module, officer):
    response = _post(login(trainer), module, target="role", role="firearms")
    assert "Nobody you train matches this choice" in response.content.decode()
    response = _post(login(trainer), module, target="team")
    assert "Choose who to assign the module to." in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_due_date_in_the_past_is_refused_next_to_the_field(login, trainer, module, officer):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = _post(login(trainer), module, target="person", person=officer.pk, due_on=yesterday)
    html = response.content.decode()
    assert "The due date cannot be in the past." in html
    assert f'value="{yesterday}"' in html  # what was typed is kept
    assert not Assignment.objects.exists()
    with pytest.raises(ValidationError):
        services.assignment_create_many(module=module, people=[officer], due_on=timezone.localdate() - dt.timedelta(1))


def test_a_module_without_published_lessons_cannot_be_assigned(login, trainer, officer):
    draft = make_module(trainer, slug="draft-one", publish=False)
    response = _post(login(trainer), draft, target="person", person=officer.pk)
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="Only a published module"):
        services.assignment_create_many(module=draft, people=[officer], due_on=None)
    empty = make_module(trainer, slug="empty-one", lessons=0, publish=False)
    Module.objects.filter(pk=empty.pk).update(status=Module.Status.PUBLISHED)  # bypassing the publish check
    response = _post(login(trainer), empty, target="person", person=officer.pk)
    assert "has no lessons published yet" in response.content.decode()
    assert not Assignment.objects.exists()


def test_assigning_twice_leaves_one_open_assignment_per_person(login, trainer, module, officer, teammate):
    client = login(trainer)
    _post(client, module, target="person", person=officer.pk)
    response = _post(client, module, target="team", team=officer.team_id)
    assert Assignment.objects.filter(module=module, person=officer).count() == 1
    assert Assignment.objects.filter(module=module).count() == 2
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("1 person already had it open and was left" in m for m in messages)


def test_target_people_narrows_every_kind_to_the_trainers_people(trainer, foreign_officer, officer):
    people = selectors.target_people(trainer, kind="organisation", organisation=foreign_officer.organisation)
    assert not people.exists()
    assert list(selectors.target_people(trainer, kind="nonsense")) == []


def test_people_who_are_not_trainers_cannot_assign(login, officer, module):
    assert login(officer).post(URL, {}).status_code == 403


def test_the_assigned_person_is_notified(trainer, module, officer):
    services.assignment_create_many(module=module, people=[officer], due_on=None)
    assert officer.notifications.filter(title__startswith="Training assigned").count() == 1


def test_a_new_partner_member_can_be_enrolled(login, trainer):
    fire = Organisation.objects.create(name="Testshire Fire", slug="testshire-fire", kind=Organisation.Kind.FIRE)
    trainer.granted_organisations.add(fire)
    response = login(trainer).post("/training/manage/enrol/", {
        "organisation": fire.pk, "first_name": "Bea", "last_name": "Crew", "email": "bea.crew@example.invalid",
    })
    assert response.status_code == 302
    person = fire.people.get()
    assert person.username == "bea.crew" and not person.has_usable_password() and person.roles == []


def test_officers_from_other_forces_cannot_be_enrolled_into(login, trainer, other_force):
    response = login(trainer).post("/training/manage/enrol/", {
        "organisation": other_force.pk, "first_name": "A", "last_name": "B", "email": "a.b@example.invalid",
    })
    assert response.status_code == 200 and not other_force.people.exists()


def test_factories_make_officers_in_their_own_force(force):
    assert OfficerFactory(organisation=force).team.unit.organisation == force
