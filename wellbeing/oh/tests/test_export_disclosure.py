"""Issue 15 item 8 (OH half), export disclosure: the row-level cohort export gives days, not times;
has no urgent column; applies the small-number rule to unit x role groups (generalise the unit to
the organisation, else leave the rows out); and uses new pseudonyms for every export unless OH asks
for a longitudinal cohort with a reason."""

import csv
import io
import re

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from portal import exports as portal_exports
from portal.models import AuditEvent
from tests.factories import OfficerFactory, TeamFactory, UnitFactory
from wellbeing import exports
from wellbeing.exports import pseudonym
from wellbeing.tests.helpers import make_checkin

pytestmark = pytest.mark.django_db
KEY = "test-pseudonym-key"
ROWS = {"report": "checkins", "format": "csv"}


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def group(force, unit_name, size, role="call_handling", instrument="phq9"):
    team = TeamFactory(unit=UnitFactory(organisation=force, name=unit_name))
    people = [OfficerFactory(organisation=force, team=team, high_risk_role=role) for _ in range(size)]
    for person in people:
        make_checkin(person, instrument, [1] * 9 if instrument == "phq9" else None)
    return people


def test_export_disclosure_rows_give_the_day_only_and_no_urgent_column(login, oh, force):
    group(force, "Response", 5)
    rows = read_csv(login(oh).get("/oh/reports/export/", ROWS))
    assert rows[0] == ["person", "organisation", "unit", "role", "questionnaire", "completed_on", "total", "band",
                       "positive"]
    assert "urgent" not in rows[0] and all(len(r) == 9 for r in rows)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r[5]) for r in rows[1:]) and len(rows) == 6
    response = login(oh).get("/oh/reports/export/", ROWS | {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert "urgent" not in values[0] and all(re.fullmatch(r"\d{4}-\d\d-\d\d", str(v[5])) for v in values[1:])


def test_export_disclosure_small_unit_role_groups_are_generalised_to_the_organisation(login, oh, force):
    group(force, "Big unit", 5)
    group(force, "Small unit one", 3)
    group(force, "Small unit two", 2)  # with "Small unit one": 5 people of the role in the force
    rows = read_csv(login(oh).get("/oh/reports/export/", ROWS))[1:]
    units = [r[2] for r in rows]
    assert units.count("Big unit") == 5 and units.count(portal_exports.GENERALISED_UNIT) == 5
    assert "Small unit one" not in units and "Small unit two" not in units
    detail = AuditEvent.objects.get(action="oh_cohort_export").detail
    assert (detail["rows"], detail["generalised_rows"], detail["suppressed_rows"]) == (10, 5, 0)


def test_export_disclosure_groups_still_under_five_are_left_out_and_the_notes_say_so(login, oh, force):
    group(force, "Big unit", 5)
    group(force, "Small unit", 2)
    group(force, "Firearms unit", 3, role="firearms")
    rows = read_csv(login(oh).get("/oh/reports/export/", ROWS))[1:]
    assert {r[2] for r in rows} == {"Big unit"} and len(rows) == 5 and "firearms" not in {r[3] for r in rows}
    detail = AuditEvent.objects.get(action="oh_cohort_export").detail
    assert (detail["rows"], detail["suppressed_rows"]) == (5, 5)
    response = login(oh).get("/oh/reports/export/", ROWS | {"format": "xlsx"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    notes = [r[0] for r in book["Notes"].iter_rows(values_only=True)]
    assert "Rows left out: 5" in notes and "Rows with the unit generalised: 0" in notes
    assert any("fewer than 5 people share a unit and role" in n for n in notes)


@override_settings(PSEUDONYM_KEY=KEY)
def test_export_disclosure_pseudonyms_are_new_for_every_export(login, oh, force):
    people = group(force, "Response", 5)
    make_checkin(people[0], "pulse")
    client = login(oh)
    first = read_csv(client.get("/oh/reports/export/", ROWS))[1:]
    second = read_csv(client.get("/oh/reports/export/", ROWS))[1:]
    ids_first, ids_second = {r[0] for r in first}, {r[0] for r in second}
    assert len(ids_first) == 5 and len(ids_second) == 5  # one person, one pseudonym within an export
    assert ids_first.isdisjoint(ids_second)  # but never linkable across exports
    assert ids_first.isdisjoint({pseudonym(p.pk, KEY) for p in people})  # nor to the stable key
    assert [e.detail["pseudonyms"] for e in AuditEvent.objects.filter(action="oh_cohort_export")] == [
        "per_export", "per_export"]


@override_settings(PSEUDONYM_KEY=KEY)
def test_export_disclosure_a_longitudinal_cohort_needs_a_reason_and_is_audited(login, oh, force):
    people = group(force, "Response", 5)
    client = login(oh)
    refused = client.get("/oh/reports/export/", ROWS | {"longitudinal": "on"})
    assert refused.status_code == 400 and b"Say why the same pseudonyms are needed" in refused.content
    assert not AuditEvent.objects.filter(action="oh_cohort_export").exists()
    asked = ROWS | {"longitudinal": "on", "longitudinal_reason": "service_evaluation"}
    first = read_csv(client.get("/oh/reports/export/", asked))[1:]
    second = read_csv(client.get("/oh/reports/export/", asked))[1:]
    assert {r[0] for r in first} == {r[0] for r in second} == {pseudonym(p.pk, KEY) for p in people}
    event = AuditEvent.objects.filter(action="oh_cohort_export").first()
    assert event.detail["pseudonyms"] == "longitudinal" and event.detail["longitudinal_reason"] == "service_evaluation"


def test_export_disclosure_the_reports_page_says_what_is_done(login, oh):
    html = login(oh).get("/oh/reports/").content.decode()
    assert "Each download gets new pseudonyms" in html and "Longitudinal cohort" in html
    assert "the day only" in html and "left out" in html


def test_export_disclosure_plan_keeps_generalises_or_suppresses_each_group():
    plan = portal_exports.disclosure_plan([
        (1, 10, "a", 50, 5),  # kept
        (1, 11, "a", 7, 3), (1, 12, "a", 4, 2),  # 3 + 2 people: generalised together
        (1, 13, "b", 9, 4),  # alone in role b, 4 people: suppressed
        (2, 20, "a", 3, 1),  # another organisation's small group does not pool with the first
        (1, None, "a", 1, 1),  # no unit: a group of its own, pooled like any other
    ])
    assert plan.actions == {(1, 10, "a"): "keep", (1, 11, "a"): "generalise", (1, 12, "a"): "generalise",
                            (1, 13, "b"): "suppress", (2, 20, "a"): "suppress", (1, None, "a"): "generalise"}
    assert (plan.rows, plan.generalised_rows, plan.suppressed_rows) == (62, 12, 12)


def test_export_disclosure_export_key_is_fresh_unless_longitudinal():
    assert exports.export_key(KEY, longitudinal=True) == KEY.encode()
    one, two = exports.export_key(KEY, longitudinal=False), exports.export_key(KEY, longitudinal=False)
    assert one != two and KEY.encode() not in (one, two)
    with pytest.raises(ValueError):
        exports.export_key("", longitudinal=False)
