"""/readyz and /metrics (portal/ops_views.py, portal/metrics.py): for the monitoring network only,
readiness from the heartbeats, and the portal's own gauges."""

import json
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.utils import timezone

from portal import heartbeats, metrics
from portal.models import Heartbeat
from portal.ops_views import readiness
from portal.tasks import heartbeat
from wellbeing.models import Flag

OUTSIDE = "203.0.113.7"


@pytest.fixture
def with_broker(settings):
    """Readiness as with a worker and beat (eager mode has none to wait for)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    return settings


def fresh(*parts, ago=timedelta(seconds=10)):
    for part in parts:
        heartbeats.heartbeat_record(part, at=timezone.now() - ago)


def test_readiness_is_a_pure_reading_of_ages_against_limits():
    now = timezone.now()
    parts = readiness({"worker": now - timedelta(seconds=30), "beat": now - timedelta(seconds=500)}, now=now,
                      limits={"worker": 180, "beat": 180, "risk_sweep": 3600})
    assert parts == {"worker": {"age_seconds": 30, "stale": False}, "beat": {"age_seconds": 500, "stale": True},
                     "risk_sweep": {"age_seconds": None, "stale": True}}


def test_readyz_is_200_when_every_heartbeat_is_fresh(client, db, with_broker):
    fresh("worker", "beat", "risk_sweep")
    response = client.get("/readyz", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok" and body["worker"]["stale"] is False and 10 <= body["risk_sweep"]["age_seconds"] < 120


def test_readyz_is_503_when_the_worker_or_the_sweep_is_stale(client, db, with_broker):
    fresh("beat", "risk_sweep")
    fresh("worker", ago=timedelta(minutes=10))
    body = json.loads(client.get("/readyz").content)
    assert client.get("/readyz").status_code == 503 and body["worker"]["stale"] and not body["beat"]["stale"]
    fresh("worker")
    Heartbeat.objects.filter(name="risk_sweep").update(at=timezone.now() - timedelta(hours=30))
    assert client.get("/readyz").status_code == 503
    with_broker.READYZ_SWEEP_MAX_AGE = 31 * 3600  # the limits are settings
    assert client.get("/readyz").status_code == 200


def test_a_stale_part_is_logged_once_when_found_and_once_when_fresh_again_not_per_probe(
    client, db, with_broker, caplog, monkeypatch
):
    from portal import ops_views

    monkeypatch.setattr(ops_views._Seen, "stale", None)
    fresh("beat", "risk_sweep")
    fresh("worker", ago=timedelta(minutes=10))
    with caplog.at_level("INFO"):
        assert [client.get("/readyz").status_code for _ in range(3)] == [503] * 3
        fresh("worker")
        assert [client.get("/readyz").status_code for _ in range(2)] == [200] * 2
    told = [(r.name, r.levelname, r.getMessage()) for r in caplog.records
            if r.name in ("django.request", "portal.ops_views")]
    assert told == [("portal.ops_views", "WARNING", "readiness stale parts=worker"),
                    ("portal.ops_views", "INFO", "readiness ok again")]


def test_readyz_tells_outsiders_only_the_status(client, db, with_broker):
    response = client.get("/readyz", REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 503 and json.loads(response.content) == {"status": "stale"}
    with_broker.HEALTHZ_ALLOWED_NETWORKS = ["203.0.113.0/24"]
    assert "worker" in json.loads(client.get("/readyz", REMOTE_ADDR=OUTSIDE).content)


def test_in_eager_mode_there_is_no_worker_or_beat_to_wait_for(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200 and json.loads(response.content)["worker"]["eager"] is True


def test_the_heartbeat_task_records_the_worker_and_its_publishing_records_the_beat(db):
    heartbeat.apply()
    heartbeats.beat_published_receiver(sender="portal.heartbeat")
    heartbeats.beat_published_receiver(sender="portal.some_other_task")
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"worker", "beat"}


def test_metrics_are_not_found_outside_the_monitoring_network(client, db, settings, officer, oh):
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 404
    client.force_login(oh)  # signing in changes nothing
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 404
    settings.HEALTHZ_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200


def test_metrics_show_the_portal_gauges_without_personal_data(client, db, officer, supervisor):
    fresh("worker", "beat", "risk_sweep")
    now = timezone.now()
    Flag.objects.create(officer=officer, reason_code="load_high", kind="operational",
                        acknowledge_by=now - timedelta(hours=1))
    Flag.objects.create(officer=officer, reason_code="phq9_item9", kind="clinical", urgent=True,
                        acknowledge_by=now - timedelta(minutes=5))
    Flag.objects.create(officer=officer, reason_code="gad7", kind="clinical", acknowledge_by=now + timedelta(hours=1))
    metrics.task_failure_receiver(sender=heartbeat)
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'portal_flags_overdue{kind="operational"} 1.0' in text
    assert 'portal_flags_overdue{kind="urgent"} 1.0' in text
    assert 'portal_flags_overdue{kind="clinical"} 0.0' in text
    assert 'portal_heartbeat_age_seconds{part="worker"}' in text
    assert "portal_risk_sweep_age_seconds " in text
    assert 'portal_celery_task_failures_total{task="portal.heartbeat"}' in text
    assert "django_http_requests_total_by_method_total" in text  # django-prometheus's own
    for private in (officer.username, officer.last_name, supervisor.username, "phq9_item9"):
        assert private not in text


def test_with_redis_the_queue_depth_and_failures_come_from_redis(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6390/0"
    fake = mock.Mock()
    fake.llen.return_value = 7
    fake.hgetall.return_value = {b"wellbeing.sweep_all_risk": b"2"}
    with mock.patch("portal.metrics._redis", return_value=fake):
        metrics.task_failure_receiver(sender=SimpleNamespace(name="wellbeing.sweep_all_risk"))
        text = client.get("/metrics").content.decode()
    fake.hincrby.assert_called_once_with(metrics.FAILURES_KEY, "wellbeing.sweep_all_risk", 1)
    assert 'portal_celery_queue_depth{queue="celery"} 7.0' in text
    assert 'portal_celery_task_failures_total{task="wellbeing.sweep_all_risk"} 2.0' in text
    assert "portal_redis_up 1.0" in text


def test_a_scrape_still_answers_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6390/0"
    with mock.patch("portal.metrics._redis", side_effect=ConnectionError("refused")):
        response = client.get("/metrics")
    assert response.status_code == 200 and "portal_redis_up 0.0" in response.content.decode()
