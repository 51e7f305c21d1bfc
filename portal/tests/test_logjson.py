"""JSON logs with a request id (LOG_FORMAT=json): one object a line, the message unchanged, the id
shared by the response header and every record of that request, nothing else about the request."""

import json
import logging

from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from portal.logjson import JsonFormatter, RequestIdFilter

logger = logging.getLogger("portal.test_logjson")


def noisy(request):
    logger.warning('saved "shift" for %s', "someone\\\\home")
    return HttpResponse("ok")


urlpatterns = [path("noisy/", noisy)]


def _json_lines(caplog):
    formatter = JsonFormatter()
    lines = []
    for record in caplog.records:
        if record.name == logger.name:
            lines.append(json.loads(formatter.format(record)))
    return lines


@override_settings(ROOT_URLCONF=__name__)
def test_every_record_of_a_request_carries_the_id_the_response_gives(client, caplog):
    caplog.set_level(logging.WARNING)
    caplog.handler.addFilter(RequestIdFilter())  # as the console handler has it (settings.LOGGING)
    response = client.get("/noisy/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [entry] = _json_lines(caplog)
    assert entry["request_id"] == request_id and entry["level"] == "WARNING"
    assert entry["message"] == 'saved "shift" for someone\\\\home'
    assert set(entry) == {"time", "level", "logger", "message", "request_id"}


@override_settings(ROOT_URLCONF=__name__)
def test_the_balancers_id_is_kept_and_a_strange_one_replaced(client, caplog):
    caplog.set_level(logging.WARNING)
    caplog.handler.addFilter(RequestIdFilter())  # as the console handler has it (settings.LOGGING)
    assert client.get("/noisy/", HTTP_X_REQUEST_ID="0A1B2C3D:4E5F")["X-Request-ID"] == "0A1B2C3D:4E5F"
    replaced = client.get("/noisy/", HTTP_X_REQUEST_ID="<script>x</script>")["X-Request-ID"]
    assert replaced != "<script>x</script>" and len(replaced) == 32
    assert [e["request_id"] for e in _json_lines(caplog)] == ["0A1B2C3D:4E5F", replaced]


def test_outside_a_request_the_id_is_a_dash(caplog):
    caplog.set_level(logging.WARNING)
    caplog.handler.addFilter(RequestIdFilter())  # as the console handler has it (settings.LOGGING)
    logger.warning("nightly")
    [entry] = _json_lines(caplog)
    assert entry["request_id"] == "-"
