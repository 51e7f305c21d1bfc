"""What reaches the line: a supervisor's person page shows only "TRiM: offered / in progress /
closed" for the person's latest case, never the band, the agreed response, the assessments, the
referral or the practitioner, in a flat number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from portal.tests.factories import UserFactory
from wellbeing.models import TrimAssessment, TrimCase
from wellbeing.trim import opening, selectors

pytestmark = pytest.mark.django_db

SENTINEL_SERVICE = "SENTINEL-NAMED-SERVICE"


def _case(person, stage, *, title="The collision on the A40", days_ago=3):
    case = opening.refer(person, person, title, timezone.now() - timedelta(days=days_ago))
    TrimCase.objects.filter(pk=case.pk).update(stage=stage, created_at=timezone.now() - timedelta(days=days_ago))
    case.refresh_from_db()
    return case


def _raised(case, practitioner):
    TrimCase.objects.filter(pk=case.pk).update(practitioner=practitioner, response=TrimCase.Response.ASSESSMENT,
                                               offer=TrimCase.Offer.ACCEPTED)
    TrimAssessment.objects.create(
        case=case, stage=TrimAssessment.Stage.INITIAL, held_on=timezone.localdate(),
        band=TrimAssessment.Band.RAISED, action=TrimAssessment.Action.NAMED_SERVICE, service=SENTINEL_SERVICE,
        line_manager_urgent=True, recorded_by=practitioner)


@pytest.mark.parametrize(("stage", "shown"), [
    (TrimCase.Stage.NEW, "offered"), (TrimCase.Stage.PLANNED, "offered"), (TrimCase.Stage.OFFERED, "offered"),
    (TrimCase.Stage.IN_PROGRESS, "in progress"), (TrimCase.Stage.CLOSED, "closed"),
])
def test_each_stage_reads_as_one_of_three_words(officer, stage, shown):
    _case(officer, stage)
    assert selectors.supervisor_stage(officer.pk) == shown


def test_no_case_shows_nothing(officer):
    assert selectors.supervisor_stage(officer.pk) is None


def test_the_latest_case_decides(officer):
    _case(officer, TrimCase.Stage.CLOSED, days_ago=40)
    _case(officer, TrimCase.Stage.IN_PROGRESS, days_ago=2)
    assert selectors.supervisor_stage(officer.pk) == "in progress"


def test_trim_result_reaches_the_line_supervisor_sees_only_the_stage(login, supervisor, officer, force):
    practitioner = UserFactory(organisation=force, is_trim_practitioner=True, first_name="Pryderi",
                               last_name="Practitionerson")
    case = _case(officer, TrimCase.Stage.IN_PROGRESS, title="SENTINEL-INCIDENT-TITLE")
    _raised(case, practitioner)
    html = login(supervisor).get(f"/team/people/{officer.pk}/").content.decode()
    assert "TRiM: in progress" in html
    main = html[html.index("<main"):]
    for hidden in ("Raised", "raised", SENTINEL_SERVICE, "SENTINEL-INCIDENT-TITLE", "Practitionerson",
                   "Referral to a named service", "Risk assessment", "Accepted", "accepted", "referred",
                   "Urgent support", "Line manager made aware"):
        assert hidden not in main, hidden


def test_trim_result_reaches_the_line_the_stage_query_reads_no_band(officer, force):
    practitioner = UserFactory(organisation=force, is_trim_practitioner=True)
    case = _case(officer, TrimCase.Stage.CLOSED)
    _raised(case, practitioner)
    with CaptureQueriesContext(connection) as queries:
        assert selectors.supervisor_stage(officer.pk) == "closed"
    sql = " ".join(q["sql"] for q in queries).lower()
    assert len(queries) == 1 and "trimassessment" not in sql and "band" not in sql and "response" not in sql


def test_a_person_with_no_case_shows_no_trim_stage(login, supervisor, officer):
    html = login(supervisor).get(f"/team/people/{officer.pk}/").content.decode()
    assert "TRiM:" not in html and f'href="/trim/refer/?person={officer.pk}"' in html


def test_the_person_page_adds_one_query_whatever_the_number_of_cases(login, supervisor, officer):
    client = login(supervisor)
    _case(officer, TrimCase.Stage.OFFERED)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/team/people/{officer.pk}/")
    for n in range(5):
        _case(officer, TrimCase.Stage.CLOSED, title=f"Incident {n}", days_ago=10 + n)
    with CaptureQueriesContext(connection) as six:
        client.get(f"/team/people/{officer.pk}/")
    assert len(six) == len(one)


def test_trim_result_reaches_the_line_the_declaring_supervisor_sees_names_not_outcomes(login, supervisor, officer,
                                                                                       force):
    practitioner = UserFactory(organisation=force, is_trim_practitioner=True)
    declared = opening.declare_incident(supervisor, "The collision on the A40", timezone.now(), [officer])
    _raised(declared.opened[0], practitioner)
    html = login(supervisor).get(f"/trim/declare/{declared.incident.pk}/").content.decode()
    main = html[html.index("<main"):]
    assert escape(officer.get_full_name()) in main
    for hidden in ("Raised", "raised", SENTINEL_SERVICE, "Accepted", practitioner.last_name):
        assert hidden not in main, hidden
