"""What an import must not do to the people who run the portal (portal.hr.guards): take away the
importing admin's own admin role or account, or leave an organisation with no active admin; and a
person created between the plan and its apply (a race) ends in a plain refusal with nothing
written, never a database error."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from portal.hr import PlanHasErrors, PlanOutdated, apply_plan, build_plan, read_file
from portal.hr.tests.helpers import csv_bytes, row
from portal.models import AuditEvent, Team, Unit, User
from portal.tests.factories import UserFactory

TODAY = datetime.date(2026, 11, 30)
NO_ADMIN = "would have no active admin"


def plan_of(rows, *, full=False, by=None):
    result = read_file(csv_bytes(rows), "people.csv")
    assert result.ok, [str(e) for e in result.errors]
    return build_plan(result.records, full=full, file_sha256=result.sha256, today=TODAY, by=by)


def messages(plan) -> list[str]:
    return [str(error) for error in plan.errors]


@pytest.fixture
def me(force):
    """The admin importing, who came from HR themselves (a staff number)."""
    return UserFactory(organisation=force, staff_number="9001", is_staff=True, is_officer=True)


@pytest.fixture
def colleague(force):
    """A second active admin of the force."""
    return UserFactory(organisation=force, staff_number="9002", is_staff=True, is_officer=True)


def test_a_file_taking_away_my_own_admin_role_is_a_problem_and_apply_refuses_it(me, colleague):
    plan = plan_of([row("9001", roles="officer")], by=me)
    assert messages(plan) == ["row 2, column roles: this file removes your own admin role: you would lose this "
                              "page halfway through your work. Keep admin in your roles, or ask another admin to "
                              "import the file."]
    with pytest.raises(PlanHasErrors):
        apply_plan(plan, by=me)
    me.refresh_from_db()
    assert me.is_staff and not AuditEvent.objects.filter(action="hr_import_applied").exists()


def test_a_file_making_me_a_leaver_is_a_problem(me, colleague):
    plan = plan_of([row("9001", roles="officer;admin", ended="2026-11-01")], by=me)
    assert len(plan.errors) == 1 and "makes you a leaver" in plan.errors[0].message
    assert plan.errors[0].column == "employment_ended_on"


def test_someone_else_importing_may_take_an_admin_role_away_while_another_admin_remains(me, colleague):
    plan = plan_of([row("9001", roles="officer")], by=colleague)
    assert plan.errors == []
    apply_plan(plan, by=colleague)
    me.refresh_from_db()
    assert not me.is_staff and colleague.is_staff


def test_taking_away_the_last_admin_role_of_an_organisation_is_refused_without_an_importer(me):
    plan = plan_of([row("9001", roles="officer")])
    assert messages(plan) == ["After this import Testshire Constabulary would have no active admin: keep the admin "
                              "role (and no end date) for at least one of its admins, or leave them active."]
    with pytest.raises(PlanHasErrors):
        apply_plan(plan, by=None)
    assert User.objects.get(pk=me.pk).is_staff


def test_the_last_admin_leaving_is_refused_unless_the_file_gives_the_role_to_someone_else(me):
    assert NO_ADMIN in " ".join(messages(plan_of([row("9001", roles="officer;admin", ended="2026-11-01")])))
    handover = plan_of([row("9001", roles="officer;admin", ended="2026-11-01"), row("9003", roles="officer;admin")])
    assert handover.errors == []
    apply_plan(handover, by=None)
    assert list(User.objects.filter(is_staff=True, is_active=True).values_list("staff_number", flat=True)) == ["9003"]


def test_a_force_that_had_no_admin_may_be_imported_without_one(force):
    UserFactory(organisation=force, staff_number="1001", is_officer=True)
    plan = plan_of([row("1001", ended="2026-11-01"), row("1002")])
    assert plan.errors == []


def test_deactivating_the_last_admin_as_not_in_this_file_is_refused_and_writes_nothing(me, force):
    stays = UserFactory(organisation=force, staff_number="1005", is_officer=True)
    plan = plan_of([row("1001")], full=True)
    assert plan.errors == [] and {p.pk for p in plan.missing} == {me.pk, stays.pk}
    with pytest.raises(PlanHasErrors, match=NO_ADMIN):
        apply_plan(plan, by=None, deactivate_missing={me.pk, stays.pk})
    assert User.objects.filter(is_active=True, pk__in=[me.pk, stays.pk]).count() == 2
    assert not User.objects.filter(staff_number="1001").exists()
    assert apply_plan(plan, by=None, deactivate_missing={stays.pk})["deactivated"] == 1


def test_i_cannot_deactivate_myself_as_not_in_this_file(me, colleague):
    plan = plan_of([row("9002", roles="officer;admin")], full=True, by=colleague)
    assert plan.errors == []
    with pytest.raises(PlanHasErrors, match="cannot deactivate your own account"):
        apply_plan(plan, by=me, deactivate_missing={me.pk})
    assert User.objects.get(pk=me.pk).is_active


def test_the_admins_are_checked_again_when_applying(me, colleague):
    plan = plan_of([row("9001", roles="officer")], by=colleague)
    assert plan.errors == []
    User.objects.filter(pk=colleague.pk).update(is_active=False)  # meanwhile, in the admin
    with pytest.raises(PlanHasErrors, match=NO_ADMIN):
        apply_plan(plan, by=colleague)
    assert User.objects.get(pk=me.pk).is_staff


def test_a_person_created_between_plan_and_apply_is_a_plain_refusal_and_nothing_is_written(force):
    plan = plan_of([row("1001", unit="New unit", team="New team"), row("1002", unit="New unit", team="New team")])
    assert len(plan.creates) == 2 and plan.new_teams
    UserFactory(organisation=force, staff_number="1002")  # someone else, meanwhile
    with pytest.raises(PlanOutdated, match="upload the file again to see a fresh preview"):
        apply_plan(plan, by=None)
    assert list(User.objects.filter(organisation=force).values_list("staff_number", flat=True)) == ["1002"]
    assert not Unit.objects.exists() and not Team.objects.exists()
    assert not AuditEvent.objects.filter(action="hr_import_applied").exists()


def test_a_username_taken_between_plan_and_apply_is_the_same_refusal(force):
    plan = plan_of([row("1001", email="sam.hale@example.invalid")])
    # The usernames are chosen when applying; a person made in that instant takes the same one.
    with mock.patch("portal.hr.applying.Usernames.__init__", lambda self: setattr(self, "taken", set())):
        UserFactory(organisation=force, username="sam.hale")
        with pytest.raises(PlanOutdated):
            apply_plan(plan, by=None)
    assert not User.objects.filter(staff_number="1001").exists()


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_people", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_the_command_refuses_to_deactivate_the_last_admin(me, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([row("1001")]))
    with pytest.raises(CommandError, match=NO_ADMIN):
        run(str(path), "--full", "--deactivate-missing")
    assert User.objects.get(pk=me.pk).is_active and not User.objects.filter(staff_number="1001").exists()


def test_the_command_refuses_a_file_removing_the_last_admin_role(me, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([row("9001", roles="officer")]))
    with pytest.raises(CommandError, match="1 problems in the file"):
        run(str(path))
    assert User.objects.get(pk=me.pk).is_staff


def test_the_command_says_plainly_when_someone_was_added_meanwhile(force, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([row("1001")]))
    from portal.management.commands import import_people

    def plan_then_clash(*args, **kwargs):
        plan = build_plan(*args, **kwargs)
        UserFactory(organisation=force, staff_number="1001")
        return plan

    with mock.patch.object(import_people, "build_plan", plan_then_clash), \
            pytest.raises(CommandError, match="Someone added people to the portal while the import ran"):
        run(str(path))
    assert User.objects.filter(staff_number="1001").count() == 1
