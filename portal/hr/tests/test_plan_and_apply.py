"""Planning and applying an HR import: matching on staff number, movers, leavers, re-joiners,
people missing from a full file, all-or-nothing, audit, and query counts that do not grow."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import access
from portal.hr import PlanHasErrors, apply_plan, build_plan, read_file
from portal.hr.tests.helpers import csv_bytes, row
from portal.models import AuditEvent, Team, Unit, User
from portal.tests.factories import TeamFactory, UnitFactory, UserFactory

TODAY = datetime.date(2026, 11, 30)


def plan_of(rows, *, full=False, organisation=None):
    result = read_file(csv_bytes(rows), "people.csv")
    assert result.ok, [str(e) for e in result.errors]
    return build_plan(result.records, full=full, organisation=organisation, file_sha256=result.sha256, today=TODAY)


def imported(rows, *, by=None, full=False, **kwargs):
    plan = plan_of(rows, full=full)
    assert not plan.errors, [str(e) for e in plan.errors]
    apply_plan(plan, by=by, **kwargs)
    return plan


FORCE_FILE = [
    row("1001", "Ann", "Able", unit="Contact Centre", team="Alpha", roles="officer",
        high_risk_role="call_handling", since="2024-01-02"),
    row("1002", "Bob", "Bee", unit="Contact Centre", team="Alpha", roles="officer;supervisor",
        supervises="Contact Centre / Alpha"),
    row("1003", "Cat", "Cole", unit="Contact Centre", team="Bravo", roles="officer;supervisor",
        supervises="Contact Centre / Bravo"),
    row("1004", "Dan", "Dee", unit="Response", team="A", roles="oh"),
]


def test_a_new_force_file_creates_its_units_teams_and_people(force):
    plan = plan_of(FORCE_FILE, full=True)
    assert plan.counts()["creates"] == 4
    assert plan.new_units == [(force.pk, "Contact Centre"), (force.pk, "Response")]
    assert len(plan.new_teams) == 3
    counts = apply_plan(plan, by=None)
    assert counts["creates"] == 4
    ann = User.objects.get(staff_number="1001")
    assert (ann.team.name, ann.team.unit.name, ann.organisation) == ("Alpha", "Contact Centre", force)
    assert ann.is_officer and not ann.is_supervisor and ann.high_risk_role == "call_handling"
    assert not ann.has_usable_password()
    bob = User.objects.get(staff_number="1002")
    assert list(bob.supervised_teams.values_list("name", flat=True)) == ["Alpha"]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(force):
    imported(FORCE_FILE, full=True)
    before = AuditEvent.objects.count()
    second = plan_of(FORCE_FILE, full=True)
    assert second.is_empty, second.counts()
    apply_plan(second, by=None)
    assert User.objects.filter(staff_number__gt="").count() == 4
    assert AuditEvent.objects.count() == before + 1  # the import's own event only


def test_matching_is_by_staff_number_never_by_name(force):
    imported([row("1001", "Ann", "Able")])
    plan = plan_of([row("1001", "Anne", "Able-Smith"), row("1002", "Ann", "Able")])
    assert [u.fields for u in plan.updates] == [{"first_name": ("Ann", "Anne"), "last_name": ("Able", "Able-Smith")}]
    assert [r.staff_number for r in plan.creates] == ["1002"]


def test_usernames_come_from_the_email_and_are_never_reused(force):
    UserFactory(username="ann.able", organisation=force, is_active=False)
    imported([row("1001", email="Ann.Able@example.invalid"), row("1002", email="ann.able@other.invalid")])
    assert set(User.objects.filter(staff_number__gt="").values_list("username", flat=True)) == {
        "ann.able2", "ann.able3"}


def test_a_mover_is_seen_by_the_new_supervisor_from_the_move_on_and_not_by_the_old(force):
    imported(FORCE_FILE, full=True)
    ann = User.objects.get(staff_number="1001")
    bob, cat = User.objects.get(staff_number="1002"), User.objects.get(staff_number="1003")
    assert ann in access.people_visible_to(bob, access.TEAM_SUMMARY)
    assert ann not in access.people_visible_to(cat, access.TEAM_SUMMARY)
    moved = [dict(FORCE_FILE[0], team="Bravo"), *FORCE_FILE[1:]]
    plan = plan_of(moved, full=True)
    assert [(m.old_label, m.new_label) for m in plan.moves] == [("Contact Centre / Alpha", "Contact Centre / Bravo")]
    apply_plan(plan, by=None)
    assert ann not in access.people_visible_to(bob, access.TEAM_SUMMARY)
    assert ann in access.people_visible_to(cat, access.TEAM_SUMMARY)
    assert User.objects.filter(pk=ann.pk).exists()  # the same person: their records stay theirs


def test_a_mover_keeps_their_history(force, officer, team_b):
    from exposure.tests.factories import ExposureFactory

    exposure = ExposureFactory(officer=officer)
    User.objects.filter(pk=officer.pk).update(staff_number="2001")
    imported([row("2001", officer.first_name, officer.last_name, email=officer.email, unit="Response", team="B")])
    officer.refresh_from_db()
    assert officer.team == team_b
    exposure.refresh_from_db()
    assert exposure.officer_id == officer.pk


def test_a_leaver_is_deactivated_and_kept_and_a_rejoiner_reactivated(force):
    imported(FORCE_FILE)
    leaving = [dict(FORCE_FILE[0], employment_ended_on="2026-11-01"), *FORCE_FILE[1:]]
    plan = plan_of(leaving)
    assert [(str(lv.person), lv.ended_on) for lv in plan.leavers] == [("Ann Able (1001)", datetime.date(2026, 11, 1))]
    apply_plan(plan, by=None)
    ann = User.objects.get(staff_number="1001")
    assert not ann.is_active and ann.employment_ended_on == datetime.date(2026, 11, 1)
    assert plan_of(leaving).is_empty
    rejoin = plan_of(FORCE_FILE)
    assert [c.person.pk for c in rejoin.rejoiners] == [ann.pk]
    apply_plan(rejoin, by=None)
    ann.refresh_from_db()
    assert ann.is_active and ann.employment_ended_on is None


def test_a_leaver_with_a_future_date_stays_active_until_then(force):
    imported([row("1001", ended="2027-01-31")])
    person = User.objects.get(staff_number="1001")
    assert person.is_active and person.employment_ended_on == datetime.date(2027, 1, 31)


def test_a_leaver_never_imported_is_skipped(force):
    plan = plan_of([row("1001", ended="2020-01-01")])
    assert plan.creates == [] and len(plan.skipped) == 1 and plan.new_teams == []


def test_someone_deactivated_by_an_admin_is_not_reactivated_by_the_file(force):
    imported([row("1001")])
    User.objects.filter(staff_number="1001").update(is_active=False)
    plan = plan_of([row("1001")])
    assert plan.is_empty
    assert "deactivated by an administrator" in str(plan.warnings[0])


def test_people_missing_from_a_full_file_are_listed_and_only_the_chosen_deactivated(force):
    imported(FORCE_FILE)
    partial = plan_of(FORCE_FILE[:2], full=False)
    assert partial.missing == []
    plan = plan_of(FORCE_FILE[:2], full=True)
    assert sorted(p.staff_number for p in plan.missing) == ["1003", "1004"]
    cat = User.objects.get(staff_number="1003")
    counts = apply_plan(plan, by=None, deactivate_missing={cat.pk})
    assert counts["deactivated"] == 1
    assert set(User.objects.filter(is_active=False).values_list("staff_number", flat=True)) == {"1003"}
    assert User.objects.filter(staff_number="1004", is_active=True).exists()


def test_a_team_differing_only_by_capitals_or_spaces_is_an_error_with_a_suggestion(force):
    TeamFactory(unit=UnitFactory(organisation=force, name="Contact Centre"), name="Alpha")
    plan = plan_of([row("1001", unit="Contact Centre", team="alpha"),
                    row("1002", unit="contact  centre", team="Alpha")])
    assert [str(e) for e in plan.errors] == [
        "row 2, column team: team 'alpha' is not in unit 'Contact Centre' — did you mean 'Alpha'?",
        "row 3, column unit: unit 'contact centre' is spelt differently from unit 'Contact Centre' in the portal "
        "— did you mean 'Contact Centre'?"]
    assert plan.new_teams == [] and plan.new_units == []


def test_a_new_team_close_to_an_existing_one_is_created_with_a_warning(force):
    TeamFactory(unit=UnitFactory(organisation=force, name="Contact Centre"), name="Alpha")
    plan = plan_of([row("1001", unit="Contact Centre", team="Alpah")])
    assert not plan.errors and len(plan.new_teams) == 1
    assert "there is already a team 'Alpha'" in str(plan.warnings[0])


def test_supervising_a_team_not_in_the_file_or_the_portal_is_an_error(force):
    plan = plan_of([row("1001", roles="supervisor", supervises="Contact Centre / Alphq"),
                    row("1002", unit="Contact Centre", team="Alpha")])
    assert len(plan.errors) == 1
    assert str(plan.errors[0]).startswith("row 2, column supervises: team 'Contact Centre / Alphq' is not in")
    assert str(plan.errors[0]).endswith("did you mean 'Contact Centre / Alpha'?")


def test_an_unknown_organisation_or_another_organisation_is_an_error(force, other_force):
    plan = plan_of([row("1001", organisation="Testshire Constabuary")])
    assert str(plan.errors[0]).endswith("did you mean 'Testshire Constabulary'?")
    plan = plan_of([row("1001", organisation="otherland")], organisation=force)
    assert "is not the organisation being imported" in str(plan.errors[0])


def test_role_changes_are_planned_and_audited_like_the_admins(force):
    imported(FORCE_FILE)
    bob = User.objects.get(staff_number="1002")
    alpha, bravo = Team.objects.get(name="Alpha"), Team.objects.get(name="Bravo")
    changed = [FORCE_FILE[0], dict(FORCE_FILE[1], roles="officer;supervisor;trainer",
                                   supervises="Contact Centre / Bravo"), *FORCE_FILE[2:]]
    plan = plan_of(changed)
    [change] = plan.role_changes
    assert (change.given, change.losing) == (frozenset({"trainer"}), frozenset())
    assert (change.supervises_given, change.supervises_losing) == (("Contact Centre / Bravo",),
                                                                   ("Contact Centre / Alpha",))
    admin = UserFactory(organisation=force, is_staff=True)
    apply_plan(plan, by=admin)
    assert list(bob.supervised_teams.all()) == [bravo]
    assert alpha.supervisors.count() == 0
    event = AuditEvent.objects.filter(action="admin_roles_changed", subject=bob).latest("id")
    assert event.actor == admin
    assert event.detail == {"created": False, "source": "hr_import", "changes": {
        "is_trainer": [False, True], "supervised_teams": {"added": [bravo.pk], "removed": [alpha.pk]}}}


def test_the_import_is_audited_with_its_hash_and_counts_and_no_personal_data(force):
    admin = UserFactory(organisation=force, is_staff=True)
    plan = imported(FORCE_FILE, by=admin, full=True)
    event = AuditEvent.objects.get(action="hr_import_applied")
    assert event.actor == admin and event.detail["sha256"] == plan.file_sha256
    assert event.detail["counts"]["creates"] == 4 and event.detail["full"] is True
    text = str(event.detail)
    assert not any(word in text for word in ("Ann", "Able", "1001", "example.invalid", "Alpha"))


def test_a_plan_with_errors_is_refused_and_writes_nothing(force):
    plan = plan_of([row("1001"), row("1002", organisation="nowhere")])
    with pytest.raises(PlanHasErrors):
        apply_plan(plan, by=None)
    assert not User.objects.filter(staff_number__gt="").exists()
    assert not AuditEvent.objects.filter(action="hr_import_applied").exists()


def test_applying_is_all_or_nothing(force):
    plan = plan_of(FORCE_FILE)
    with mock.patch("portal.hr.applying._update_people", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            apply_plan(plan, by=None)
    assert not User.objects.filter(staff_number__gt="").exists()
    assert not Unit.objects.filter(name="Contact Centre").exists()


def _people(count, *, team_of=lambda n: "Alpha"):
    return [row(str(10000 + n), "Pat", f"Person{n}", unit="Contact Centre", team=team_of(n),
                roles="officer;supervisor" if n % 10 == 0 else "officer",
                supervises="Contact Centre / Alpha" if n % 10 == 0 else "") for n in range(count)]


def _queries(callable_):
    """(queries other than INSERTs, INSERTs): SQLite splits a bulk insert into statements of at most
    999 parameters, so inserts grow with the rows there (one a batch of 2,000 on PostgreSQL)."""
    with CaptureQueriesContext(connection) as queries:
        callable_()
    inserts = sum(1 for q in queries.captured_queries if q["sql"].startswith("INSERT"))
    return len(queries.captured_queries) - inserts, inserts


def test_queries_do_not_grow_with_the_rows(force):
    small, _inserts = _queries(lambda: imported(_people(10)))
    User.objects.filter(organisation=force).delete()
    Team.objects.all().delete()
    Unit.objects.all().delete()
    large, inserts = _queries(lambda: imported(_people(200)))
    assert large == small
    assert inserts <= 12  # units, teams, 200 people, supervisors, audit: in bulk
    movers = _people(200, team_of=lambda n: "Bravo" if n % 3 == 0 else "Alpha")
    plan_queries, _inserts = _queries(lambda: plan_of(movers, full=True))
    assert plan_queries <= 6
    apply_queries, inserts = _queries(lambda: imported(movers, full=True))
    assert apply_queries <= plan_queries + 12


def test_a_one_person_record_without_optional_columns_leaves_the_rest_alone(force, django_assert_max_num_queries):
    from portal.hr import PersonRecord

    imported(FORCE_FILE)
    record = PersonRecord(staff_number="1002", given_name="Robert", family_name="Bee", email="bob@example.invalid",
                          organisation="testshire", columns=frozenset({"employment_ended_on"}),
                          employment_ended_on=datetime.date(2026, 11, 1))
    with django_assert_max_num_queries(6):
        plan = build_plan([record], full=False, organisation=force, today=TODAY)
    assert not plan.missing
    assert set(plan.changes[0].fields) == {"first_name", "email", "employment_ended_on", "is_active"}
    apply_plan(plan, by=None)
    bob = User.objects.get(staff_number="1002")
    assert (bob.first_name, bob.is_active, bob.is_supervisor, bob.team.name) == ("Robert", False, True, "Alpha")
    assert bob.supervised_teams.count() == 1
