"""The coordinator's reports page and its CSV and XLSX downloads: who may open them, what they count,
small numbers suppressed on the page and in the files, every view and download audited."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from portal.tests.factories import OfficerFactory, TeamFactory, UnitFactory, UserFactory
from wellbeing.models.trim import TrimAssessment
from wellbeing.trim.tests.factories_reports import assessment, case, incident, local

URL = "/trim/reports/"
EXPORT = "/trim/reports/export/"


@pytest.fixture
def coordinator(force):
    return UserFactory(username="coordinator", organisation=force, is_trim_coordinator=True)


@pytest.fixture
def units(force):
    """Three units of the force, with a team each."""
    return {name: TeamFactory(unit=UnitFactory(organisation=force, name=name), name=f"{name} team")
            for name in ("CID", "Roads", "Tiny")}


def people(team, n):
    return [OfficerFactory(organisation=team.unit.organisation, team=team) for _ in range(n)]


@pytest.fixture
def world(force, units):
    """One incident last month: 7 people in CID (all assessed on day 2, on time; 5 referred), 6 in
    Roads (assessed on day 5, late; 1 declined then nothing), 2 in Tiny (one declined)."""
    today = timezone.localdate()
    at = local(today.year, today.month, 1) - timedelta(days=20)
    shared = incident(force, at=at)
    for i, person in enumerate(people(units["CID"], 7)):
        c = case(person, of=shared, offer="accepted")
        assessment(c, held_on=timezone.localdate(at) + timedelta(days=2),
                   action=TrimAssessment.Action.OH_REFERRAL if i < 5 else TrimAssessment.Action.NONE)
    for i, person in enumerate(people(units["Roads"], 6)):
        c = case(person, of=shared, offer="declined" if i == 0 else "accepted")
        if i:
            assessment(c, held_on=timezone.localdate(at) + timedelta(days=5))
    for i, person in enumerate(people(units["Tiny"], 2)):
        case(person, of=shared, offer="declined" if i == 0 else "")
    return shared


def test_only_a_coordinator_opens_the_reports(login, officer, force, coordinator):
    practitioner = UserFactory(organisation=force, is_trim_practitioner=True)
    assert login(officer).get(URL).status_code == 403
    assert login(practitioner).get(URL).status_code == 403
    assert login(practitioner).get(EXPORT + "?format=csv").status_code == 403
    assert login(coordinator).get(URL).status_code == 200
    assert reverse("trim:reports") == URL and reverse("trim:report-export") == EXPORT


def test_with_no_cases_the_page_says_so_and_offers_no_download(login, coordinator):
    response = login(coordinator).get(URL)
    body = response.content.decode()
    assert 'id="trim-reports-empty"' in body
    assert 'id="export-csv"' not in body and 'id="trim-by-month"' not in body


def test_the_default_range_is_the_last_twelve_months(login, coordinator):
    response = login(coordinator).get(URL)
    today = timezone.localdate()
    start = response.context["date_from"]
    assert response.context["date_to"] == today
    assert start.day == 1 and (today.year * 12 + today.month) - (start.year * 12 + start.month) == 11


def test_the_page_counts_by_month_and_unit_and_suppresses_small_numbers(login, coordinator, world):
    response = login(coordinator).get(URL)
    assert response.status_code == 200
    units = dict(response.context["units"])
    cid = dict(units["CID"])
    assert cid["Cases opened"] == "7"
    assert cid["Initial assessments held"] == "7"
    assert cid["Median days to initial assessment"] == "2.0"
    assert cid["Initial assessments held on time (%)"] == "100.0"
    assert cid["Cases referred"] == "5"
    roads = dict(units["Roads"])
    # Tiny's 2 cases are hidden, so Roads' 6 (the smallest other) is hidden too: else 15 - 7 - 6 = 2
    assert dict(units["Tiny"])["Cases opened"] == "fewer than 5"
    assert roads["Cases opened"] == "fewer than 5"
    assert roads["Median days to initial assessment"] == "5.0"  # 5 held: shown
    assert roads["Initial assessments held on time (%)"] == "0.0"
    assert dict(units["Tiny"])["Median days to initial assessment"] == "–"  # none held
    body = response.content.decode()
    assert "fewer than 5" in body and "<caption>" in body
    month_cells = dict(dict(response.context["months"])[world.occurred_at.date().replace(day=1)])
    assert month_cells["Cases opened"] == "15"


def test_cases_of_another_organisation_are_not_counted(login, coordinator, other_force, world):
    foreign = TeamFactory(unit=UnitFactory(organisation=other_force, name="Elsewhere"))
    for person in people(foreign, 6):
        case(person, at=world.occurred_at, organisation=other_force)
    response = login(coordinator).get(URL)
    assert "Elsewhere" not in dict(response.context["units"])
    assert response.context["cases"] == 15


def test_cases_outside_the_range_are_not_counted(login, coordinator, world):
    day = timezone.localdate(world.occurred_at)
    response = login(coordinator).get(URL, {"date_from": (day + timedelta(days=1)).isoformat(),
                                            "date_to": (day + timedelta(days=2)).isoformat()})
    assert response.status_code == 200
    assert response.context["cases"] == 0
    response = login(coordinator).get(URL, {"date_from": day.isoformat(), "date_to": day.isoformat()})
    assert response.context["cases"] == 15


@pytest.mark.parametrize(("params", "message"), [
    ({"date_from": "2026-05-01", "date_to": "2026-04-30"}, "The end date must be on or after the start date."),
    ({"date_from": "2019-01-01", "date_to": "2026-04-30"}, "Choose a range of at most five years."),
    ({"date_from": "2026-02-30"}, "Enter a valid date."),
    ({"date_to": "1066-10-14"}, "Enter a date between 1900 and 2100."),
])
def test_a_wrong_range_is_explained_and_nothing_is_counted(login, coordinator, world, params, message):
    response = login(coordinator).get(URL, params)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and 'id="error-summary"' in body
    assert 'id="trim-by-month"' not in body
    assert not AuditEvent.objects.filter(action="list_viewed", detail__page="trim_reports").exists()


def test_the_page_view_is_audited_without_names(login, coordinator, world):
    login(coordinator).get(URL)
    event = AuditEvent.objects.get(action="list_viewed", detail__page="trim_reports")
    assert event.actor_id == coordinator.pk and event.subject_id is None
    assert event.detail["cases"] == 15


def test_the_page_makes_the_same_queries_for_many_cases(login, coordinator, units, django_assert_max_num_queries):
    client = login(coordinator)
    client.get(URL)  # sessions, two-factor: warmed up
    at = timezone.now() - timedelta(days=40)
    for person in people(units["CID"], 3):
        assessment(case(person, at=at), held_on=timezone.localdate(at))
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for person in people(units["Roads"], 20):
        assessment(case(person, at=at), held_on=timezone.localdate(at), stage=TrimAssessment.Stage.INITIAL)
    with django_assert_max_num_queries(len(few)):
        client.get(URL)


def test_the_csv_holds_both_tables_with_small_numbers_suppressed(login, coordinator, world):
    response = login(coordinator).get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Table,Month or unit,Cases opened,Initial assessments held,Median days")
    tiny = next(line for line in lines if ",Tiny," in line)
    roads = next(line for line in lines if ",Roads," in line)
    cid = next(line for line in lines if ",CID," in line)
    assert tiny.split(",")[2] == "<5" and roads.split(",")[2] == "<5"
    assert cid.split(",")[2:] == ["7", "7", "2.0", "2.0", "100.0", "<5", "5"]
    assert sum(1 for line in lines if line.startswith("By month of incident")) == 12
    event = AuditEvent.objects.get(action="trim_report_exported")
    assert event.actor_id == coordinator.pk and event.detail["format"] == "csv" and event.detail["cases"] == 15


def test_the_xlsx_is_a_spreadsheet_and_audited(login, coordinator, world):
    response = login(coordinator).get(EXPORT, {"format": "xlsx", "date_from": "2024-01-01",
                                               "date_to": timezone.localdate().isoformat()})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheets = "".join(book.read(name).decode() for name in book.namelist() if name.startswith("xl/"))
    assert "Tiny" in sheets and "&lt;5" in sheets  # suppressed in the spreadsheet too
    assert "PERCENTILE.INC" in sheets  # the Notes sheet says how the figures are counted
    assert AuditEvent.objects.get(action="trim_report_exported").detail["format"] == "xlsx"


def test_an_export_without_a_known_format_is_refused_with_a_message(login, coordinator):
    response = login(coordinator).get(EXPORT, {"format": "pdf"})
    assert response.status_code == 400
    assert "Choose CSV or XLSX." in response.content.decode()
    assert not AuditEvent.objects.filter(action="trim_report_exported").exists()


def test_the_download_links_carry_the_range(login, coordinator, world):
    day = timezone.localdate(world.occurred_at)
    response = login(coordinator).get(URL, {"date_from": day.isoformat(), "date_to": day.isoformat()})
    assert response.context["csv_url"] == f"{EXPORT}?date_from={day}&date_to={day}&format=csv"
    assert date.fromisoformat(response.context["xlsx_url"].split("date_to=")[1][:10]) == day


def test_a_unit_name_that_looks_like_a_formula_is_written_as_text(login, coordinator, force, world):
    team = TeamFactory(unit=UnitFactory(organisation=force, name="=HYPERLINK(\"http://example.invalid\")"))
    for person in people(team, 5):
        case(person, of=world)
    text = b"".join(login(coordinator).get(EXPORT, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_the_page_reads_in_welsh(login, coordinator, world):
    coordinator.language = "cy"
    coordinator.save(update_fields=["language"])
    body = login(coordinator).get(URL).content.decode()
    assert "Adroddiadau TRiM" in body and "llai na 5" in body and "Achosion a agorwyd" in body
