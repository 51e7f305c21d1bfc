"""Property tests over random small HR files (random people, teams, roles, movers and leavers):
importing a file twice changes nothing the second time, and importing file A then file B leaves
B's people as importing B alone into an empty force would."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.hr import apply_plan, build_plan, read_file
from portal.hr.records import ROLE_CODES
from portal.hr.tests.helpers import csv_bytes, row
from portal.models import User
from portal.tests.factories import TeamFactory, UnitFactory, UserFactory

TEAMS = [("North", "Alpha"), ("North", "Bravo"), ("South", "Alpha"), ("South", "Charlie")]
NUMBERS = [f"{n}" for n in range(100, 110)]
ENDED = ["", "", "", "2026-01-31", "2027-06-30"]  # mostly staying; a leaver; one leaving next year


@st.composite
def person(draw, number):
    unit, team = draw(st.sampled_from(TEAMS + [("", "")]))
    roles = set(draw(st.sets(st.sampled_from(ROLE_CODES), max_size=3)))
    supervises = draw(st.sets(st.sampled_from(TEAMS), max_size=2)) if "supervisor" in roles else set()
    return row(number, draw(st.sampled_from(["Ann", "Bea", "Cai"])), draw(st.sampled_from(["Able", "Bell"])),
               email=f"{draw(st.sampled_from(['ann', 'bea', 'p' + number]))}@example.invalid",
               unit=unit, team=team, roles=";".join(sorted(roles)),
               supervises=";".join(f"{u} / {t}" for u, t in sorted(supervises)),
               high_risk_role=draw(st.sampled_from(["", "firearms", "call_handling"])),
               since=draw(st.sampled_from(["", "2024-02-01"])), ended=draw(st.sampled_from(ENDED)))


@st.composite
def hr_file(draw):
    """A file whose supervised teams exist: North's teams are in the portal (see `north`); South's
    only if someone in the file is in them."""
    numbers = draw(st.lists(st.sampled_from(NUMBERS), unique=True, min_size=1, max_size=6))
    rows = [draw(person(number)) for number in numbers]
    known = {f"{u} / {t}" for u, t in TEAMS if u == "North"} | {f"{r['unit']} / {r['team']}" for r in rows
                                                                if r["team"] and not r["employment_ended_on"]}
    for r in rows:
        r["supervises"] = ";".join(label for label in r["supervises"].split(";") if label in known)
    return rows


@pytest.fixture
def north(force):
    unit = UnitFactory(organisation=force, name="North")
    # An admin in no file: the force always keeps one, so a file that takes the admin role from
    # everyone it names is not refused by the last-admin guard (portal/hr/guards.py), which has
    # tests of its own.
    UserFactory(organisation=force, is_staff=True, staff_number="KEEP-ADMIN")
    return [TeamFactory(unit=unit, name="Alpha"), TeamFactory(unit=unit, name="Bravo")]


def import_rows(rows, *, full=True):
    result = read_file(csv_bytes(rows), "people.csv")
    assert result.ok, [str(e) for e in result.errors]
    plan = build_plan(result.records, full=full)
    assert not plan.errors, [str(e) for e in plan.errors]
    apply_plan(plan, by=None)
    return result.records


def state(numbers) -> dict:
    """What the import decides about each person: names, team, roles, supervised teams, status."""
    found = {}
    people = User.objects.filter(staff_number__in=numbers).select_related("team__unit")
    for user in people.prefetch_related("supervised_teams__unit"):
        found[user.staff_number] = (
            user.first_name, user.last_name, user.email,
            (user.team.unit.name, user.team.name) if user.team else None, tuple(user.roles),
            tuple(sorted((t.unit.name, t.name) for t in user.supervised_teams.all())),
            user.high_risk_role, user.high_risk_role_since, user.is_active, user.employment_ended_on)
    return found


def in_rolled_back_transaction(function):
    with transaction.atomic():
        try:
            return function()
        finally:
            transaction.set_rollback(True)


PROPERTY = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@PROPERTY
@given(rows=hr_file())
def test_importing_any_file_twice_changes_nothing_the_second_time(north, rows):
    def check():
        records = import_rows(rows)
        again = build_plan(records, full=True)
        assert again.is_empty, again.counts()

    in_rolled_back_transaction(check)


@pytest.mark.django_db
@PROPERTY
@given(first=hr_file(), second=hr_file())
def test_importing_a_then_b_leaves_bs_people_as_importing_b_alone(north, first, second):
    numbers = [r["staff_number"] for r in second]
    left = {r["staff_number"] for r in second if r["employment_ended_on"] == "2026-01-31"}

    def a_then_b():
        import_rows(first)
        import_rows(second)
        return state(numbers)

    def b_alone():
        import_rows(second)
        return state(numbers)

    after_both, alone = in_rolled_back_transaction(a_then_b), in_rolled_back_transaction(b_alone)
    # A leaver never imported is skipped; one imported before is deactivated and kept.
    assert all(not after_both[n][8] for n in left if n in after_both)
    assert {n: s for n, s in after_both.items() if n not in left} == alone
