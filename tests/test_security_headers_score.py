"""Every kind of page scores A+ on the Observatory table under production-like settings (HTTPS,
Secure cookies, HSTS), with the portal's own header rules on top; and removing a header fails."""

import pytest

from conftest import PASSWORD
from portal.observatory import cookies_from_response, policy_problems, score

PRODUCTION_LIKE = {
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    # Static files straight from static/ (production serves the collected copy, same middleware).
    "WHITENOISE_USE_FINDERS": True,
    "WHITENOISE_AUTOREFRESH": True,
}


@pytest.fixture
def production(settings):
    for name, value in PRODUCTION_LIKE.items():
        setattr(settings, name, value)
    return settings


def problems_of(response, *, authenticated):
    headers = dict(response.headers.items())
    body = response.content.decode(errors="replace") if not getattr(response, "streaming", False) else ""
    return policy_problems(headers, cookies_from_response(response), authenticated=authenticated, body=body)


def fetch(client, path, **kwargs):
    return client.get(path, secure=True, **kwargs)


def test_the_sign_in_page(production, client, db):
    response = fetch(client, "/accounts/login/")
    assert response.status_code == 200
    assert response.cookies["csrftoken"]["secure"] and response.cookies["csrftoken"]["samesite"] == "Lax"
    assert problems_of(response, authenticated=False) == []
    # 125 since style-src lost 'unsafe-inline' on pages without charts (issue 15, item 10).
    assert score(dict(response.headers.items()), cookies_from_response(response)).score == 125


def test_signing_in_sets_a_session_cookie_that_scores_a_plus(production, unverified_client, officer):
    response = unverified_client.post("/accounts/login/", {"username": "officer", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"] and session_cookie["samesite"] == "Lax"
    assert problems_of(response, authenticated=True) == []


@pytest.mark.parametrize(("persona", "path"), [
    ("officer", "/exposure/"), ("supervisor", "/team/"), ("oh", "/oh/"), ("admin_user", "/admin/"),
    ("officer", "/accounts/security/"),
])
def test_signed_in_pages(production, client, request, persona, path):
    client.force_login(request.getfixturevalue(persona))
    response = fetch(client, path)
    assert response.status_code == 200
    assert problems_of(response, authenticated=True) == []


def test_the_two_factor_step(production, unverified_client, supervisor):
    unverified_client.force_login(supervisor)
    response = fetch(unverified_client, "/accounts/two-factor/setup/")
    assert response.status_code == 200
    assert problems_of(response, authenticated=True) == []


def test_healthz_a_static_file_a_refusal_and_a_missing_page(production, client, officer):
    assert problems_of(fetch(client, "/healthz"), authenticated=False) == []
    static = fetch(client, "/static/vendor/bootstrap/bootstrap.min.css")
    assert static.status_code == 200
    assert problems_of(static, authenticated=False) == []
    assert problems_of(fetch(client, "/no-such-page/"), authenticated=False) == []
    client.force_login(officer)
    denied = fetch(client, "/team/")
    assert denied.status_code == 403
    assert problems_of(denied, authenticated=True) == []


def test_plain_http_is_redirected_to_https(production, client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


@pytest.mark.parametrize("header", [
    "Content-Security-Policy", "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options",
    "Referrer-Policy", "Permissions-Policy", "Cross-Origin-Resource-Policy", "Cross-Origin-Opener-Policy",
    "Cache-Control",
])
def test_the_score_test_fails_when_any_header_is_removed(production, client, officer, header):
    client.force_login(officer)
    response = fetch(client, "/exposure/")
    assert problems_of(response, authenticated=True) == []
    del response.headers[header]
    assert problems_of(response, authenticated=True) != []


@pytest.mark.parametrize("header", ["Content-Security-Policy", "Strict-Transport-Security"])
def test_removing_a_major_header_takes_a_real_page_below_a_plus(production, client, db, header):
    response = fetch(client, "/accounts/login/")
    del response.headers[header]
    assert score(dict(response.headers.items()), cookies_from_response(response)).score < 100


def test_a_session_cookie_without_its_flags_fails(production, unverified_client, officer, settings):
    settings.SESSION_COOKIE_HTTPONLY = False
    response = unverified_client.post("/accounts/login/", {"username": "officer", "password": PASSWORD}, secure=True)
    assert any("httponly" in problem for problem in problems_of(response, authenticated=True))
