"""A plain "try again" page when the database or Redis is out of reach for a moment (a failover, a
restart of PgBouncer or Redis): 503 with Retry-After instead of a bare server error, telling the
person that what they sent may not have been saved (docs/operations.md). The page reads nothing
from the database. Only the error's class is logged, never the request's content."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("portal.unavailable")

OUT_OF_REACH = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 5


def unavailable_response() -> HttpResponse:
    response = HttpResponse(render_to_string("portal/unavailable.html", request=None), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class UnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OUT_OF_REACH):
            return None
        logger.warning("service out of reach: %s", type(exception).__name__)
        return unavailable_response()
