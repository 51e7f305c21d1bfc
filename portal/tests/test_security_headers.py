import time


def test_every_page_gets_a_content_security_policy_without_unsafe_script(client, db):
    csp = client.get("/accounts/login/")["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in csp


def test_signed_in_pages_are_never_cached(client, officer):
    client.force_login(officer)
    response = client.get("/exposure/")
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_an_idle_session_is_signed_out(client, officer, settings):
    client.force_login(officer)
    assert client.get("/exposure/").status_code == 200
    session = client.session
    session["_last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/exposure/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/exposure/").status_code == 302
