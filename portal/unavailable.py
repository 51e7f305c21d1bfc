"""A plain "try again" page when the database or Redis is out of reach for a moment (a failover, a
restart of PgBouncer or Redis): 503 with Retry-After instead of a bare server error, telling the
person that what they sent may not have been saved (docs/operations.md). The page reads nothing
from the database. Only the error's class is logged, never the request's content.

Two ways in: the middleware catches an error a view raised, and `server_error` (handler500)
catches one raised before or after the view, in another middleware: loading the session or the
signed-in user when PgBouncer restarts, for instance. Any other error gets the plain 500 page."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as plain_server_error
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


def server_error(request, *args, **kwargs):
    """handler500. Django calls it while the error is being handled, so `sys.exc_info()` holds it."""
    error = sys.exc_info()[1]
    if isinstance(error, OUT_OF_REACH):
        logger.warning("service out of reach: %s", type(error).__name__)
        return unavailable_response()
    return plain_server_error(request, *args, **kwargs)
