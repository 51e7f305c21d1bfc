"""Issue 22: the row-level cohort export was made faster (the small-number groups counted per
person, per-group and per-person caches in `checkin_report_rows`, CSV lines put together from
remembered parts in `checkin_report_csv`). Its output must be the same, byte for byte, as the plain
row-by-row code it replaced, which is kept here as the reference: every cell of every row through
the same neutraliser and csv writer, the same small-number plan, the same pseudonyms."""

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from portal import exports
from portal.models import HighRiskRole
from tests.factories import OfficerFactory, OrganisationFactory, TeamFactory, UnitFactory, UserFactory
from wellbeing.exports import Pseudonymiser
from wellbeing.oh import selectors
from wellbeing.oh.views import REPORT_HEADER
from wellbeing.tests.helpers import make_checkin

pytestmark = pytest.mark.django_db
KEY = b"test-export-rows-key"


def reference_rows(qs, pseudonymise, plan, chunk_size=5000):
    """The export's rows as the code before issue 22 wrote them (the reference for the tests)."""
    safe = exports.CachedNeutraliser()
    for (officer_id, org_id, unit_id, org, unit, role, instrument, day, total, band,
         positive) in selectors.checkin_report_values(qs).iterator(chunk_size=chunk_size):
        action = plan.actions.get((org_id, unit_id, role), exports.SUPPRESS)
        if action == exports.SUPPRESS:
            continue
        shown_unit = exports.GENERALISED_UNIT if action == exports.GENERALISE else unit or ""
        yield (pseudonymise(officer_id), safe(org), safe(shown_unit), safe(role), safe(instrument), day,
               total, safe(band), positive)


def reference_groups(qs):
    """The small-number groups as the code before issue 22 counted them (one COUNT DISTINCT)."""
    return list(qs.order_by().values_list("officer__organisation_id", "officer__team__unit_id",
                                          "officer__high_risk_role")
                .annotate(checkins=Count("id"), people=Count("officer", distinct=True)))


def people(org, unit_name, size, role=HighRiskRole.CALL_HANDLING, *, no_team=False):
    team = None if no_team else TeamFactory(unit=UnitFactory(organisation=org, name=unit_name))
    return [OfficerFactory(organisation=org, team=team, high_risk_role=role) for _ in range(size)]


@pytest.fixture
def cohort():
    """Kept, generalised and left-out groups, a group with no unit, names that look like formulas,
    and several check-ins a person on different days and questionnaires."""
    org = OrganisationFactory(name="=Formula Constabulary", slug="formula")
    everyone = (people(org, "-Response", 5) + people(org, "@Small one", 3) + people(org, "Small two", 2)
                + people(org, "Armed", 3, role=HighRiskRole.FIREARMS) + people(org, "", 5, no_team=True))
    now = timezone.now()
    for n, person in enumerate(everyone):
        make_checkin(person, "phq9", [n % 4] * 9, at=now - timedelta(days=n))
        make_checkin(person, "pulse", at=now - timedelta(days=n, hours=5))
        if n % 3 == 0:
            make_checkin(person, "gad7", [3] * 7, at=now - timedelta(days=40 + n))
    return UserFactory(username="oh-rows", organisation=org, is_oh=True)


def report(user, row_function, chunk_size, groups=selectors.checkin_report_groups):
    qs = selectors.cohort_checkins(user, selectors.CohortFilters(organisation_ids=[user.organisation_id]))
    plan = exports.disclosure_plan(groups(qs))
    return plan, list(row_function(qs, Pseudonymiser(KEY), plan, chunk_size=chunk_size))


def test_export_rows_small_number_groups_are_counted_as_before(cohort):
    qs = selectors.cohort_checkins(cohort, selectors.CohortFilters(organisation_ids=[cohort.organisation_id]))
    assert sorted(selectors.checkin_report_groups(qs), key=repr) == sorted(reference_groups(qs), key=repr)
    assert len(reference_groups(qs)) == 5
    narrowed = qs.filter(instrument="gad7")
    assert sorted(selectors.checkin_report_groups(narrowed), key=repr) == sorted(reference_groups(narrowed), key=repr)


@pytest.mark.parametrize("chunk_size", [3, 5000])
def test_export_rows_are_the_same_as_the_plain_row_by_row_code(cohort, chunk_size):
    plan, expected = report(cohort, reference_rows, chunk_size, groups=reference_groups)
    new_plan, rows = report(cohort, selectors.checkin_report_rows, chunk_size)
    assert new_plan == plan and plan.generalised_rows and plan.suppressed_rows and len(expected) == plan.rows
    assert rows == expected
    csv_old = "".join(exports.csv_lines(REPORT_HEADER, expected, neutralised=True)).encode()
    assert "".join(exports.csv_lines(REPORT_HEADER, rows, neutralised=True)).encode() == csv_old
    _, lines = report(cohort, selectors.checkin_report_csv, chunk_size)
    assert "".join(exports.csv_lines(REPORT_HEADER, lines, written=True, batch=4)).encode() == csv_old
    text = csv_old.decode()
    assert "'=Formula Constabulary" in text and "'-Response" in text and ",,call_handling," in text
    assert exports.GENERALISED_UNIT in text and "Small" not in text


def test_export_rows_use_one_pseudonym_a_person(cohort):
    _, rows = report(cohort, selectors.checkin_report_rows, 4)
    assert len({r[0] for r in rows}) == 15  # 5 kept, 5 generalised, 5 without a unit; firearms left out


def test_export_rows_csv_text_is_what_the_csv_module_writes():
    awkward = ["", None, "a,b", 'say "hi"', "two\nlines", "cr\r", True, False, 0, 12, " lead"]
    for cells in ([c] for c in awkward):
        assert exports.csv_text(cells) + ",x\r\n" == exports._csv_block([[*cells, "x"]])
    assert "x," + exports.csv_text(awkward) + "\r\n" == exports._csv_block([["x", *awkward]])
    with pytest.raises(ValueError):
        exports.response("xlsx", "a.xlsx", ["a"], ["1\r\n"], written=True)
