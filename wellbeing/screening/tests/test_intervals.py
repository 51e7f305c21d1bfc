"""The intervals in force: an organisation's own rows, else the defaults; the data migration
seeds every existing organisation with the defaults, editable in the admin."""

import importlib

from django.apps import apps

from portal.models import HighRiskRole
from wellbeing.models import ScreeningInterval
from wellbeing.screening.defaults import ROLES, Interval
from wellbeing.screening.selectors import intervals_for


def test_the_defaults_cover_every_high_risk_role():
    assert set(ROLES) == set(HighRiskRole.values)


def test_a_new_organisation_uses_the_defaults_until_it_sets_its_own(force):
    found = intervals_for([force.pk])
    assert found[force.pk, "cse_review", "screening"] == Interval(6, 90, True)
    assert found[force.pk, "firearms", "appointment"] == Interval(12, 90, False)
    ScreeningInterval.objects.create(organisation=force, role="firearms", kind="appointment", interval_months=3,
                                     first_within_days=14, active=True)
    assert intervals_for([force.pk])[force.pk, "firearms", "appointment"] == Interval(3, 14, True)


def test_the_data_migration_seeds_every_organisation_with_the_defaults_once(force, other_force):
    migration = importlib.import_module("wellbeing.migrations.0020_screening")
    migration.seed_intervals(apps, None)
    migration.seed_intervals(apps, None)  # a rerun adds nothing
    assert ScreeningInterval.objects.filter(organisation=force).count() == 10
    assert ScreeningInterval.objects.get(organisation=other_force, role="counter_terrorism",
                                         kind="screening").interval_months == 6
    assert ScreeningInterval.objects.get(organisation=force, role="cse_review", kind="appointment").active
    seeded = {(r.role, r.kind): Interval(r.interval_months, r.first_within_days, r.active)
              for r in ScreeningInterval.objects.filter(organisation=force)}
    assert seeded == {(role, kind): interval for (_o, role, kind), interval in intervals_for([force.pk]).items()}


def test_an_admin_changes_an_interval(client, admin_user, force):
    row = ScreeningInterval.objects.create(organisation=force, role="firearms", kind="screening",
                                           interval_months=12, first_within_days=90)
    client.force_login(admin_user)
    assert client.get(f"/admin/wellbeing/screeninginterval/{row.pk}/change/").status_code == 200


def test_screenings_have_a_six_year_retention_policy_and_a_leavers_are_erased(officer, teammate):
    from datetime import date, datetime
    from datetime import timezone as tz

    from portal.models import User
    from wellbeing.models import RetentionPolicy, Screening
    from wellbeing.oh.services import retention_erase

    assert RetentionPolicy.objects.get(record_type="screenings").years_after_employment == 6
    for person in (officer, teammate):
        Screening.objects.create(person=person, kind="screening", role="firearms", role_since=date(2020, 1, 1),
                                 due_on=date(2020, 4, 1), completed_on=date(2020, 4, 1), attended="yes",
                                 outcome="no_action")
    User.objects.filter(pk=officer.pk).update(employment_ended_on=date(2025, 6, 14))  # 6 years + 1 day
    report = retention_erase(now=datetime(2031, 6, 15, 12, tzinfo=tz.utc))
    assert report.counts["screenings"] == 1
    assert list(Screening.objects.values_list("person_id", flat=True)) == [teammate.pk]
