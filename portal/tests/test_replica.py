"""The replica router (portal/replica.py): the decision as a pure function, and the router over a
second alias that mirrors the test database (config/settings_test.py), so that a reporting view's
reads can be seen going to "replica" while an officer's pages and every write stay on "default"."""

import logging
from unittest import mock

import pytest
from django.db import OperationalError, connections, transaction
from django.test.utils import CaptureQueriesContext

from portal import replica
from portal.models import AuditEvent

MIRRORED = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])


@pytest.mark.parametrize(("lag", "limit", "error", "alias"), [
    (0.0, 30.0, False, "replica"),
    (30.0, 30.0, False, "replica"),
    (30.5, 30.0, False, "default"),
    (None, 30.0, False, "default"),   # never replayed anything: unknown lag counts as too much
    (0.0, 30.0, True, "default"),     # unreachable
    (None, 30.0, True, "default"),
])
def test_the_decision_takes_lag_limit_and_error(lag, limit, error, alias):
    assert replica.alias_for(lag=lag, limit=limit, error=error) == alias


@pytest.fixture
def replica_on(settings):
    settings.REPLICA_READS = True
    replica.forget_verdict()
    yield settings
    replica.forget_verdict()


def test_without_a_replica_reporting_reads_use_the_primary(settings):
    settings.REPLICA_READS = False
    with replica.reporting_reads():
        assert replica.ReplicaRouter().db_for_read(AuditEvent) == "default"


def test_outside_a_reporting_block_reads_use_the_primary(replica_on):
    assert replica.ReplicaRouter().db_for_read(AuditEvent) == "default"
    with replica.reporting_reads(), mock.patch("portal.replica._measure_lag", return_value=0.0):
        assert replica.ReplicaRouter().db_for_read(AuditEvent) == "replica"
        assert replica.ReplicaRouter().db_for_write(AuditEvent) == "default"


def test_a_lagging_replica_sends_reporting_reads_to_the_primary(replica_on, caplog):
    with mock.patch("portal.replica._measure_lag", return_value=120.0), caplog.at_level(logging.WARNING):
        assert replica.reporting_alias() == "default"
    assert "over the limit" in caplog.text


def test_a_down_replica_means_the_primary_and_is_logged_without_detail(replica_on, caplog):
    error = OperationalError('connection to server at "10.9.8.7", port 5432 failed for user "reports"')
    with mock.patch("portal.replica._measure_lag", side_effect=error), caplog.at_level(logging.WARNING):
        assert replica.reporting_alias() == "default"
    assert "replica unreachable (OperationalError)" in caplog.text
    assert "10.9.8.7" not in caplog.text and "reports" not in caplog.text.replace("reporting", "")


def test_the_lag_verdict_is_kept_for_a_few_seconds(replica_on):
    replica_on.REPLICA_CHECK_SECONDS = 60
    with mock.patch("portal.replica._measure_lag", return_value=1.0) as measure:
        assert replica.reporting_alias() == "replica"
        assert replica.reporting_alias() == "replica"
    assert measure.call_count == 1
    replica_on.REPLICA_CHECK_SECONDS = 0
    with mock.patch("portal.replica._measure_lag", return_value=99.0) as measure:
        assert replica.reporting_alias() == "default"
    assert measure.call_count == 1


@MIRRORED
def test_the_lag_query_runs_and_a_server_not_in_recovery_has_no_lag(replica_on):
    # On the SQLite mirror there is nothing to ask; on PostgreSQL the query runs on the mirror,
    # a primary, so the answer is 0 (.ci/run's PostgreSQL pass).
    assert replica._measure_lag() == 0.0
    assert replica.reporting_alias() == "replica"


@MIRRORED
def test_inside_a_transaction_reporting_reads_stay_on_the_primary(replica_on):
    with replica.reporting_reads(), transaction.atomic():
        assert replica.ReplicaRouter().db_for_read(AuditEvent) == "default"


@MIRRORED
def test_the_reports_page_and_its_streamed_export_read_from_the_replica(replica_on, client, trainer):
    client.force_login(trainer)
    with CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_primary:
        assert client.get("/training/manage/reports/").status_code == 200
    assert on_replica.captured_queries, "the report's reads went to the replica"
    assert any("INSERT" in q["sql"] and "auditevent" in q["sql"] for q in on_primary.captured_queries)
    assert not any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                   for q in on_replica.captured_queries)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get("/training/manage/reports/completion.csv")
        assert response.status_code == 200
        b"".join(response.streaming_content)
    assert on_replica.captured_queries


@MIRRORED
def test_an_officers_save_and_own_pages_use_the_primary(replica_on, client, officer):
    client.force_login(officer)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get("/exposure/").status_code == 200
        with replica.reporting_reads():
            officer.first_name = "Changed"
            officer.save(update_fields=["first_name"])  # a write inside a reporting block still goes to default
        assert client.get("/wellbeing/").status_code in (200, 302)
    assert not on_replica.captured_queries


@MIRRORED
def test_the_oh_cohort_export_streams_its_rows_from_the_replica(replica_on, client, oh, force):
    from tests.factories import OfficerFactory, TeamFactory, UnitFactory
    from wellbeing.tests.helpers import make_checkin

    team = TeamFactory(unit=UnitFactory(organisation=force, name="North"))
    for _ in range(5):
        make_checkin(OfficerFactory(organisation=force, team=team, high_risk_role="call_handling"), "phq9", [1] * 9)
    client.force_login(oh)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get("/oh/reports/export/", {"report": "checkins", "format": "csv"})
        assert response.status_code == 200
        before_streaming = len(on_replica.captured_queries)
        rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == 6  # the header and five check-ins
    assert len(on_replica.captured_queries) > before_streaming, "the streamed rows were read from the replica"
    assert AuditEvent.objects.using("default").filter(action="oh_cohort_export").exists()
