"""Cohort exports (pseudonymised, suppressed, neutralised, audited), the audit log viewer, and the
officer's own page of who has looked at their records."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from portal.models import AuditEvent, Unit
from tests.factories import OfficerFactory, TeamFactory
from wellbeing.exports import pseudonym
from wellbeing.risk.tests.test_notification_titles import names_in
from wellbeing.tests.helpers import make_checkin

pytestmark = pytest.mark.django_db
KEY = "test-pseudonym-key"


def crowd(person, n=4, instrument="pulse", answers=None):
    """`n` more people in `person`'s team and role, each with one check-in: the row-level export
    shows a unit x role group only from 5 people (issue 15 item 8)."""
    others = [OfficerFactory(organisation=person.organisation, team=person.team, high_risk_role=person.high_risk_role)
              for _ in range(n)]
    for other in others:
        make_checkin(other, instrument, answers)
    return others


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


@override_settings(PSEUDONYM_KEY=KEY)
def test_the_row_export_is_pseudonymised_with_the_keyed_hash_and_audited(login, oh, officer, teammate,
                                                                         foreign_officer):
    # Updated for issue 15 item 8: stable pseudonyms only for a longitudinal cohort (asked for with a
    # reason), days without times, and groups of 5 or more people.
    make_checkin(officer, "phq9", [1] * 9)
    make_checkin(officer, "pulse")
    make_checkin(teammate, "pulse")
    crowd(officer)
    crowd(teammate)
    make_checkin(foreign_officer, "pulse")
    response = login(oh).get("/oh/reports/export/", {"report": "checkins", "format": "csv", "longitudinal": "on",
                                                      "longitudinal_reason": "trend_monitoring"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0][0] == "person" and len(rows) == 12  # header + the eleven check-ins of OH's force
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", rows[1][5])  # completed on: the day only
    people = [r[0] for r in rows[1:]]
    assert people.count(pseudonym(officer.pk, KEY)) == 2 and pseudonym(teammate.pk, KEY) in people
    flat = "\n".join(",".join(r) for r in rows)
    assert not names_in(flat, officer, ("username", "last_name")) and str(officer.pk) not in people
    event = AuditEvent.objects.get(action="oh_cohort_export")
    assert event.actor == oh and event.detail["rows"] == 11 and event.detail["format"] == "csv"
    assert event.detail["pseudonyms"] == "longitudinal"
    assert event.detail["filters"]["organisations"] == [oh.organisation_id]


def test_export_filters_narrow_the_rows_and_are_recorded(login, oh, officer, teammate, outsider):
    make_checkin(officer, "phq9", [1] * 9)
    crowd(officer, 4, "phq9", [1] * 9)
    make_checkin(officer, "pulse", at=timezone.now() - timedelta(days=40))
    make_checkin(teammate, "phq9", [1] * 9)
    make_checkin(outsider, "phq9", [1] * 9)
    today = timezone.localdate()
    response = login(oh).get("/oh/reports/export/", {
        "report": "checkins", "format": "csv", "role": "call_handling", "instrument": "phq9",
        "unit": officer.team.unit_id, "date_from": (today - timedelta(days=7)).isoformat(),
        "date_to": today.isoformat()})
    rows = read_csv(response)
    assert len(rows) == 6 and {r[4] for r in rows[1:]} == {"phq9"} and {r[3] for r in rows[1:]} == {"call_handling"}
    detail = AuditEvent.objects.get(action="oh_cohort_export").detail
    assert detail["rows"] == 5
    assert detail["filters"] | {} == {"organisations": [oh.organisation_id], "unit": officer.team.unit_id,
                                      "role": "call_handling", "from": (today - timedelta(days=7)).isoformat(),
                                      "to": today.isoformat(), "instrument": "phq9"}


def test_another_organisation_cannot_be_chosen(login, oh, foreign_officer):
    response = login(oh).get("/oh/reports/export/", {"report": "checkins", "format": "csv",
                                                      "organisation": foreign_officer.organisation_id})
    assert response.status_code == 400 and b"Select a valid choice" in response.content
    assert not AuditEvent.objects.filter(action="oh_cohort_export").exists()


def test_bad_dates_are_refused_next_to_the_field(login, oh):
    response = login(oh).get("/oh/reports/export/", {"report": "checkins", "format": "csv",
                                                      "date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert response.status_code == 400 and b"on or after the start date" in response.content


def test_the_summary_suppresses_counts_under_five(login, oh, force, officer):
    team = TeamFactory(unit=officer.team.unit)
    crowd = [OfficerFactory(organisation=force, team=team) for _ in range(6)]
    for person in crowd:
        make_checkin(person, "phq9", [1] * 9)
    make_checkin(officer, "gad7", [0] * 7)
    rows = read_csv(login(oh).get("/oh/reports/export/", {"report": "summary", "format": "csv"}))
    assert rows[0] == ["unit", "role", "questionnaire", "band", "check-ins", "people"]
    by_instrument = {r[2]: r for r in rows[1:]}
    assert by_instrument["phq9"][4:] == ["6", "6"]
    assert by_instrument["gad7"][4:] == ["<5", "<5"]


def test_cells_that_would_run_as_formulas_are_neutralised(login, oh, officer):
    Unit.objects.filter(pk=officer.team.unit_id).update(name="=HYPERLINK(\"http://x\")")
    make_checkin(officer, "pulse")
    crowd(officer)
    rows = read_csv(login(oh).get("/oh/reports/export/", {"report": "checkins", "format": "csv"}))
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")"
    response = login(oh).get("/oh/reports/export/", {"report": "checkins", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=3).value == "'=HYPERLINK(\"http://x\")"


def test_the_xlsx_export_opens_and_is_audited(login, oh, officer):
    make_checkin(officer, "phq9", [2] * 9)
    crowd(officer, 4, "phq9", [2] * 9)
    response = login(oh).get("/oh/reports/export/", {"report": "checkins", "format": "xlsx"})
    assert response["Content-Disposition"].startswith('attachment; filename="oh-checkins-')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "person" and rows[1][4] == "phq9" and rows[1][6] == 18
    assert AuditEvent.objects.get(action="oh_cohort_export").detail["format"] == "xlsx"


# ----------------------------------------------------------------------------- audit log


def make_lead(user):
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent", content_type__app_label="portal"))
    return user


@pytest.mark.parametrize("persona", ["officer", "supervisor", "trainer", "oh"])
def test_the_audit_log_is_closed_to_everyone_but_oh_leads_and_admins(request, login, persona):
    assert login(request.getfixturevalue(persona)).get("/oh/audit/").status_code == 403


def test_an_oh_lead_and_an_admin_can_read_the_audit_log(login, oh, admin_user, officer):
    AuditEvent.objects.create(action="oh_case_view", actor=oh, subject=officer, reason="referral")
    assert b"oh_case_view" in login(make_lead(oh)).get("/oh/audit/").content
    assert b"oh_case_view" in login(admin_user).get("/oh/audit/").content


def test_an_oh_lead_sees_only_events_about_their_organisation(login, oh, officer, foreign_officer, foreign_oh):
    AuditEvent.objects.create(action="oh_case_view", actor=foreign_oh, subject=foreign_officer, reason="referral")
    html = login(make_lead(oh)).get("/oh/audit/").content.decode()
    assert foreign_officer.username not in html


def test_the_audit_log_filters_by_actor_subject_action_and_date(login, oh, officer, teammate, supervisor):
    AuditEvent.objects.create(action="oh_case_view", actor=oh, subject=officer, reason="referral")
    AuditEvent.objects.create(action="flag_acknowledged", actor=supervisor, subject=teammate)
    AuditEvent.objects.create(action="oh_case_view", actor=oh, subject=teammate, reason="referral",
                              at=timezone.now() - timedelta(days=30))
    client = login(make_lead(oh))

    def shown(**params):
        page = client.get("/oh/audit/", params).context["events"]
        return [(e["event"].action, e["event"].subject.username) for e in page]

    assert shown(actor="supervisor") == [("flag_acknowledged", "teammate")]
    assert shown(subject="officer") == [("oh_case_view", "officer")]
    assert sorted(shown(action="oh_case_view")) == [("oh_case_view", "officer"), ("oh_case_view", "teammate")]
    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert ("oh_case_view", "teammate") not in shown(date_from=week_ago)
    response = client.get("/oh/audit/", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert b"on or after the start date" in response.content


def test_the_audit_log_has_no_way_to_change_or_delete(login, oh, officer):
    event = AuditEvent.objects.create(action="oh_case_view", actor=oh, subject=officer)
    client = login(make_lead(oh))
    html = client.get("/oh/audit/").content.decode()
    header_forms = client.get("/oh/reports/").content.decode().lower().count('method="post"')  # sign-out, language
    assert html.lower().count('method="post"') == header_forms
    assert client.post("/oh/audit/", {"id": event.pk, "action": "changed"}).status_code == 405
    assert AuditEvent.objects.get(pk=event.pk).action == "oh_case_view"


def test_the_audit_log_query_count_does_not_grow(login, admin_user, officer, django_assert_num_queries):
    client = login(admin_user)
    AuditEvent.objects.create(action="a", actor=admin_user, subject=officer)
    client.get("/oh/audit/")
    with django_assert_num_queries(AUDIT_QUERIES) as small:
        client.get("/oh/audit/")
    for i in range(20):
        AuditEvent.objects.create(action=f"a{i}", actor=admin_user, subject=officer)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/oh/audit/")


AUDIT_QUERIES = 6  # + the list_viewed audit event of the page itself (issue 15 item 6)


# ----------------------------------------------------------------------------- transparency


def test_an_officer_sees_who_viewed_their_detail_when_and_why(login, oh, officer, teammate):
    oh_client = login(oh)
    oh_client.post(f"/oh/people/{officer.pk}/", {"reason": "screening_review"})
    oh_client.get(f"/oh/people/{officer.pk}/")
    oh_client.post(f"/oh/people/{teammate.pk}/", {"reason": "referral"})
    oh_client.get(f"/oh/people/{teammate.pk}/")
    oh_client.logout()
    html = login(officer).get("/wellbeing/privacy/").content.decode()
    assert str(oh) in html and "occupational health" in html
    assert "Screening review" in html and "Opened your occupational health case" in html
    assert "Referral" not in html  # that was the teammate's case


def test_an_officers_own_actions_are_not_listed_as_someone_elses(login, officer):
    AuditEvent.objects.create(action="checkin_recorded", actor=officer, subject=officer)
    assert b"Nobody else has opened your records." in login(officer).get("/wellbeing/privacy/").content


def test_the_privacy_page_is_for_officers(login, oh):
    assert login(oh).get("/wellbeing/privacy/").status_code == 403


def test_the_wellbeing_page_links_to_the_privacy_page(login, officer):
    assert b'href="/wellbeing/privacy/"' in login(officer).get("/wellbeing/").content


def test_the_privacy_page_query_count_does_not_grow(login, oh, officer, django_assert_num_queries):
    client = login(officer)
    AuditEvent.objects.create(action="oh_case_view", actor=oh, subject=officer, reason="referral")
    client.get("/wellbeing/privacy/")
    with django_assert_num_queries(PRIVACY_QUERIES) as small:
        client.get("/wellbeing/privacy/")
    for _ in range(15):
        AuditEvent.objects.create(action="oh_case_view", actor=oh, subject=officer, reason="referral")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/wellbeing/privacy/")


# 8, and the choices of what is shared: in force, their history, peer supporters and the officer's line
PRIVACY_QUERIES = 9


def test_the_people_list_finds_by_name_and_its_query_count_does_not_grow(login, oh, force, officer,
                                                                          foreign_officer,
                                                                          django_assert_num_queries):
    client = login(oh)
    html = client.get("/oh/people/", {"q": officer.last_name}).content.decode()
    assert escape(officer) in html and escape(foreign_officer) not in html
    client.get("/oh/people/")
    with django_assert_num_queries(PEOPLE_QUERIES) as small:
        client.get("/oh/people/")
    for _ in range(10):
        OfficerFactory(organisation=force)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/oh/people/")


PEOPLE_QUERIES = 9  # + the list_viewed audit event (issue 15 item 6)
