import json
from unittest import mock

from django.db import OperationalError


def test_it_reports_the_database_and_an_eager_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "broker": "eager"}


def test_it_answers_503_when_the_database_is_down(client, db):
    with mock.patch("portal.views.connection.cursor", side_effect=OperationalError("server closed")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["database"] == "down" and body["status"] == "error"
    assert "server closed" not in response.content.decode()


def test_it_reports_an_unreachable_broker_without_failing(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch("config.celery.app.connection_for_write", side_effect=ConnectionRefusedError):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content)["broker"] == "down"
