"""When the database or Redis is out of reach for a moment, a plain "try again" page (503, Retry-After)
instead of a bare server error; other errors are left to the normal 500 page."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.template.loader import render_to_string
from redis.exceptions import ConnectionError as RedisConnectionError

from portal.tests.factories import OfficerFactory


@pytest.mark.parametrize("error", [OperationalError("server closed the connection unexpectedly"),
                                   RedisConnectionError("Connection refused")])
def test_a_save_that_loses_the_database_or_redis_gets_the_try_again_page(client, db, error, caplog):
    officer = OfficerFactory()
    client.force_login(officer)
    with mock.patch("exposure.views._shift_form_page", side_effect=error):
        response = client.post("/exposure/log/", {"shift_date": "2026-11-30"})
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Try again in a moment" in page and "may not have been saved" in page
    assert "server closed" not in page and "Connection refused" not in page
    assert [r.getMessage() for r in caplog.records if r.name == "portal.unavailable"] == [
        f"service out of reach: {type(error).__name__}"]


def test_any_other_error_is_not_dressed_up_as_a_pause(client, db):
    client.force_login(OfficerFactory())
    client.raise_request_exception = False
    with mock.patch("exposure.views._shift_form_page", side_effect=ValueError("bug")):
        response = client.post("/exposure/log/", {})
    assert response.status_code == 500


def test_the_error_pages_render_without_a_database_or_a_user():
    page = render_to_string("500.html")
    assert "Something went wrong" in page and "0300 012 0030" in page
    assert "Try again in a moment" in render_to_string("portal/unavailable.html")


@pytest.mark.parametrize("error", [OperationalError("the pooler is restarting"),
                                   RedisConnectionError("Connection refused")])
def test_a_lost_database_or_redis_before_the_view_also_gets_the_try_again_page(client, db, error, caplog):
    """PgBouncer or Redis restarting while a middleware loads the session or the signed-in user:
    the error is raised outside any view, so the view middleware never sees it."""
    client.force_login(OfficerFactory())
    client.raise_request_exception = False
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=error):
        response = client.post("/exposure/log/", {"shift_date": "2026-11-30"})
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Try again in a moment" in page and "pooler" not in page and "refused" not in page
    # (the session middleware meets the error again on the way out: logged each time, the class only)
    assert {r.getMessage() for r in caplog.records if r.name == "portal.unavailable"} == {
        f"service out of reach: {type(error).__name__}"}


def test_any_other_error_before_the_view_gets_the_plain_error_page(client, db):
    client.force_login(OfficerFactory())
    client.raise_request_exception = False
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=ValueError("bug")):
        response = client.get("/exposure/")
    assert response.status_code == 500 and "Something went wrong" in response.content.decode()
