"""Production logs as one JSON object a line, each with the id of the request it belongs to
(issue 22, docs/operations.md). `LOG_FORMAT=json` turns it on; development keeps plain lines.

The request id comes from the balancer's `X-Request-ID` when it looks like one (HAProxy's
`unique-id-header`), otherwise it is made here; it goes back in the response's `X-Request-ID`, so
a person reporting a problem, the balancer's log and the portal's log all name the same request.
Nothing else about the request is added: no path (it may hold a token), no user, no address. What
the message itself may say is held by the log scan (tests/logscan.py), which reads every record of
the test run with the request id in it."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_INCOMING = re.compile(r"[A-Za-z0-9._:-]{8,64}")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING.fullmatch(incoming) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request: tasks, commands)."""

    def filter(self, record):
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
