"""The team pages run the same number of queries for a team of 10 as for a team of 100 (at most 15)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OfficerFactory
from wellbeing.models import WelfareAction
from wellbeing.tests.helpers import make_checkin
from wellbeing.tests.team_helpers import assess, exposure, flag


def grow_team(team, force, supervisor, size):
    for n in range(size):
        person = OfficerFactory(organisation=force, team=team, high_risk_role="call_handling")
        assess(person, "red" if n % 3 == 0 else "green")
        exposure(person, days_ago=n % 20 + 1, outcome_wanted=n % 4 == 0)
        make_checkin(person)
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
    assert large <= 15
