"""The team pages run the same number of queries for a team of 10 as for a team of 100 (at most 15),
and the dashboard's queries never read answers, scores or exposure detail."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exposure.models import OutcomeRequest
from portal import access, disclosure
from tests.factories import OfficerFactory
from wellbeing.models import WelfareAction
from wellbeing.tests.helpers import make_checkin
from wellbeing.tests.team_helpers import assess, exposure, flag


def grow_team(team, force, supervisor, size):
    for n in range(size):
        person = OfficerFactory(organisation=force, team=team, high_risk_role="call_handling")
        assess(person, "red" if n % 3 == 0 else "green")
        call = exposure(person, days_ago=n % 20 + 1, outcome_wanted=n % 4 == 0)
        if n % 4 == 1:  # an outcome asked for per call (issue 18): the list shows its shift and call type
            OutcomeRequest.objects.create(officer=person, shift=call.shift, category=call.category,
                                          reference=f"CAD-{n:04d}-26")
        make_checkin(person)
        if n % 2 == 1:  # the kind of screen shared with the supervisor (issue 21): no query per person either
            disclosure.choose(officer=person, audience=access.SUPERVISOR, choice=access.CLINICAL_CATEGORY)
        if n % 2 == 0:
            f = flag(person)
            WelfareAction.objects.create(officer=person, flag=f, recorded_by=supervisor, kind="other",
                                         follow_up_on="2026-01-01")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/team/", "/team/?sort=name&level=amber&flagged=on", "/team/flags/",
                                 "/team/trends/", "/team/outcomes/", "/team/export.csv"])
def test_query_count_does_not_grow_with_the_team(login, supervisor, team_a, force, url):
    client = login(supervisor)
    grow_team(team_a, force, supervisor, 10)
    small = count_queries(client, url)
    grow_team(team_a, force, supervisor, 90)
    large = count_queries(client, url)
    assert small == large
    # trends reads the rules in force once more, for "How is this worked out?"
    assert large <= (16 if "trends" in url else 15)


FORBIDDEN_COLUMNS = re.compile(r"\b(answers|total|band|positive|result|comment|share_comment_with_oh|score|detail|"
                               r"notes|mitigations|instrument_version|numbers)\b", re.IGNORECASE)


@pytest.mark.parametrize("url", ["/team/", "/team/?sort=load&flagged=on", "/team/export.csv"])
def test_the_dashboard_reads_no_answers_scores_or_detail(login, supervisor, team_a, force, url):
    client = login(supervisor)
    grow_team(team_a, force, supervisor, 5)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    read = [q["sql"] for q in ctx.captured_queries
            if q["sql"].lstrip().upper().startswith("SELECT") and "django_session" not in q["sql"]]
    assert any("wellbeing_riskassessment" in sql for sql in read)
    assert [sql for sql in read if FORBIDDEN_COLUMNS.search(sql)] == []
