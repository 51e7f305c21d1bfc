"""Deployments without a defined task (issue 18): the supervisor's operational follow-up list, who may
see it and mark one debriefed, what it shows (never clinical content), its audit events and its
queries."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from exposure.tests.factories import ExposureFactory
from portal.models import AuditEvent
from tests.factories import OfficerFactory
from wellbeing.models import DeploymentFollowUp
from wellbeing.risk.tests.test_notification_titles import names_in as words_in
from wellbeing.team.selectors import DEPLOYMENT_WINDOW_DAYS
from wellbeing.tests.helpers import make_checkin

URL = "/team/deployments/"


def deployment(person, *, days_ago=2, role="firearms", defined_task=False, **fields):
    return ExposureFactory(officer=person, role=role, days_ago=days_ago, defined_task=defined_task, **fields)


def done_url(exposure):
    return f"/team/deployments/{exposure.pk}/done/"


def rows_of(content):
    """The table's rows, as their text with tags and runs of spaces removed."""
    body = content.split('id="deployments"', 1)[1].split("</tbody>", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("<tr>")[2:]]


def names_in(text, *people):
    return [p for p in people if re.search(rf"\b{re.escape(escape(p.get_full_name()))}\b", text)]


def test_the_list_shows_their_people_deployments_without_a_defined_task_in_the_window_newest_first(
        login, supervisor, officer, teammate, outsider):
    older = deployment(teammate, days_ago=6, role="counter_terrorism")
    newer = deployment(officer, days_ago=1)
    deployment(officer, days_ago=3, defined_task=True)  # they had a defined task
    deployment(officer, days_ago=4, defined_task=None, role="call_handling")  # the question is not asked
    deployment(officer, days_ago=DEPLOYMENT_WINDOW_DAYS + 1)  # before the window
    deployment(outsider, days_ago=1)  # another team's
    content = login(supervisor).get(URL).content.decode()
    rows = rows_of(content)
    assert len(rows) == 2
    assert names_in(rows[0], officer, teammate) == [officer]
    assert names_in(rows[1], officer, teammate) == [teammate]
    assert date_format(newer.shift_date, "j M Y") in rows[0] and "Firearms" in rows[0]
    assert newer.category.name in rows[0]
    assert date_format(older.shift_date, "j M Y") in rows[1] and "Counter-terrorism" in rows[1]
    assert names_in(content, outsider) == []
    assert f"without a defined task in the last {DEPLOYMENT_WINDOW_DAYS} days" in content
    assert "2 deployments still to debrief." in content


def test_the_empty_state_says_so_with_the_window(login, supervisor, officer):
    deployment(officer, defined_task=True)
    content = login(supervisor).get(URL).content.decode()
    assert f"No deployments without a defined task in the last {DEPLOYMENT_WINDOW_DAYS} days." in content
    assert 'id="deployments"' not in content
    assert "0 deployments still to debrief." in content


def test_the_team_pages_link_to_the_list(login, supervisor, team_a):
    content = login(supervisor).get("/team/").content.decode()
    assert f'href="/team/deployments/?team={team_a.pk}"' in content


def test_clinical_inference_leaked_the_deployment_list_reads_no_check_in_rating_or_detail(login, supervisor, officer):
    deployment(officer, intensity=5, minutes=95, detail={"discharge": "self"})
    make_checkin(officer, "phq9", [3] * 9, comment="a private comment")
    client = login(supervisor)
    with CaptureQueriesContext(connection) as ctx:
        content = client.get(URL).content.decode()
    read = [q["sql"] for q in ctx.captured_queries if "exposure_exposure" in q["sql"]]
    assert read
    forbidden = re.compile(r'"(intensity|minutes|detail|mitigations|dose|outcome_known|critical_incident)"')
    assert [sql for sql in read if forbidden.search(sql)] == []
    assert not any("wellbeing_checkin" in q["sql"] or "riskassessment" in q["sql"] for q in ctx.captured_queries)
    row = rows_of(content)[0]
    assert "a private comment" not in content and "discharge" not in row and "95" not in row


@pytest.mark.parametrize("persona", ["officer", "trainer", "oh"])
def test_other_roles_may_not_open_the_list_or_mark_one(request, login, persona, officer):
    exposure = deployment(officer)
    client = login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(done_url(exposure)).status_code == 403
    assert not DeploymentFollowUp.objects.exists()


def test_another_teams_supervisor_neither_sees_nor_marks_them(login, supervisor, other_supervisor, officer,
                                                             outsider, team_a):
    mine = deployment(officer)
    theirs = deployment(outsider)
    client = login(other_supervisor)
    content = client.get(URL).content.decode()
    assert names_in(content, officer, outsider) == [outsider]
    assert client.get(URL, {"team": team_a.pk}).status_code == 404
    assert client.post(done_url(mine)).status_code == 404
    assert not DeploymentFollowUp.objects.filter(exposure=mine).exists()
    assert client.post(done_url(theirs)).status_code == 302
    assert DeploymentFollowUp.objects.get().exposure == theirs


def test_only_deployments_without_a_defined_task_can_be_marked(login, supervisor, officer):
    client = login(supervisor)
    assert client.post(done_url(deployment(officer, defined_task=True))).status_code == 404
    assert client.post(done_url(deployment(officer, role="call_handling"))).status_code == 404
    assert client.post("/team/deployments/x1/done/").status_code == 404
    assert client.get(done_url(deployment(officer))).status_code == 405
    assert not DeploymentFollowUp.objects.exists()


def test_marking_one_records_who_and_when_once_and_audits_it(login, supervisor, officer, team_a):
    exposure = deployment(officer)
    client = login(supervisor)
    response = client.post(done_url(exposure))
    assert response.status_code == 302 and response["Location"] == f"/team/deployments/?team={team_a.pk}"
    mark = DeploymentFollowUp.objects.get()
    assert mark.exposure == exposure and mark.officer == officer and mark.done_by == supervisor
    assert abs((timezone.now() - mark.done_at).total_seconds()) < 60
    event = AuditEvent.objects.get(action="deployment_followed_up")
    assert event.actor == supervisor and event.subject == officer and event.object_id == str(exposure.pk)
    page = client.get(URL).content.decode()
    assert "Marked as debriefed" in page
    row = rows_of(page)[0]
    assert f"Done by {escape(supervisor)} on {date_format(timezone.localdate(), 'j M Y')}" in row
    assert "Mark as debriefed" not in row
    assert "0 deployments still to debrief." in page
    client.post(done_url(exposure))  # a double click, or a second tab
    assert DeploymentFollowUp.objects.count() == 1
    assert AuditEvent.objects.filter(action="deployment_followed_up").count() == 1
    assert "already marked as debriefed" in client.get(URL).content.decode()


def test_still_to_do_shows_only_those_not_yet_debriefed(login, supervisor, officer, teammate):
    done = deployment(officer, days_ago=1)
    other = deployment(teammate, days_ago=2, role="counter_terrorism")
    client = login(supervisor)
    client.post(done_url(done), {"to_do": "on"})
    content = client.get(URL, {"to_do": "on"}).content.decode()
    rows = rows_of(content)
    assert len(rows) == 1 and names_in(rows[0], officer, teammate) == [teammate]
    assert "1 deployment still to debrief." in content
    assert client.post(done_url(other), {"to_do": "on"})["Location"].endswith("&to_do=on")
    empty = client.get(URL, {"to_do": "on"}).content.decode()
    assert f"Every deployment without a defined task in the last {DEPLOYMENT_WINDOW_DAYS} days has been debriefed." \
        in empty


def test_the_list_view_writes_one_content_free_audit_event(login, supervisor, officer, team_a):
    deployment(officer)
    login(supervisor).get(URL, {"team": team_a.pk, "to_do": "on"})
    event = AuditEvent.objects.filter(action="list_viewed").latest("id")
    assert event.actor == supervisor and event.subject is None
    assert event.detail == {"page": "team_deployments", "rows": 1, "team": team_a.pk, "to_do": True, "page_number": 1}
    text = json.dumps(event.detail)
    assert not words_in(text, officer, ("last_name", "username"))


def grow(team, force, size):
    for n in range(size):
        person = OfficerFactory(organisation=force, team=team, high_risk_role="firearms")
        exposure = deployment(person, days_ago=n % 10 + 1)
        if n % 2:
            DeploymentFollowUp.objects.create(exposure=exposure, officer=person, done_by=None)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["", "?to_do=on", "?page=2"])
def test_the_query_count_does_not_grow_with_the_rows(login, supervisor, team_a, force, query):
    client = login(supervisor)
    grow(team_a, force, 60)
    small = count_queries(client, URL + query)
    grow(team_a, force, 120)
    large = count_queries(client, URL + query)
    assert small == large <= 15


def test_the_list_is_paginated_fifty_a_page(login, supervisor, team_a, force):
    grow(team_a, force, 55)
    client = login(supervisor)
    assert len(rows_of(client.get(URL).content.decode())) == 50
    second = client.get(URL, {"page": 2}).content.decode()
    assert len(rows_of(second)) == 5 and "Page 2 of 2" in second


def test_a_mark_by_someone_since_removed_still_reads_as_done(login, supervisor, officer):
    exposure = deployment(officer)
    DeploymentFollowUp.objects.create(exposure=exposure, officer=officer, done_by=None)
    row = rows_of(login(supervisor).get(URL).content.decode())[0]
    assert "Done by someone no longer in the portal" in row


def test_the_officer_is_told_where_they_answer_that_no_defined_task_reaches_their_supervisor(login, outsider):
    content = login(outsider).get("/exposure/log/").content.decode()
    told = "If you answer no, your supervisor sees the date and kind of this deployment"
    assert content.count(told) == 2  # the firearms and the counter-terrorism question


def test_the_officer_sees_the_mark_in_who_has_looked_at_their_records(client, login, supervisor, officer):
    exposure = deployment(officer)
    login(supervisor).post(done_url(exposure))
    client.logout()
    content = login(officer).get("/wellbeing/privacy/").content.decode()
    assert "Marked that they debriefed you after a deployment without a defined task" in content
