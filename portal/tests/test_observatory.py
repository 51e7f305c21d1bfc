"""The Observatory scoring function, against one good header set and deliberately broken ones."""

import pytest

from portal.middleware import CHARTS_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY
from portal.observatory import Cookie, parse_csp, policy_problems, score

GOOD_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Type": "text/html; charset=utf-8",
}
GOOD_COOKIES = [Cookie("sessionid", secure=True, httponly=True, samesite="Lax"),
                Cookie("csrftoken", secure=True, httponly=False, samesite="Lax")]


def without(name):
    return {k: v for k, v in GOOD_HEADERS.items() if k != name}


def test_the_portals_headers_score_a_plus_with_no_penalty():
    result = score(GOOD_HEADERS, GOOD_COOKIES, body='<script src="/static/js/x.js"></script>')
    assert result.penalties == {}
    # 100, +5 cookies, +5 HSTS preload, +5 referrer, +5 frame-ancestors, +5 CSP without unsafe sources.
    assert result.score == 125 and result.grade == "A+"
    assert result.tests["content-security-policy"] == ("csp-implemented-with-no-unsafe", 5)
    # Pages with plotly charts allow inline styles (portal/templatetags/charts.py): no bonus, still A+.
    charts = score({**GOOD_HEADERS, "Content-Security-Policy": CHARTS_CONTENT_SECURITY_POLICY}, GOOD_COOKIES)
    assert charts.penalties == {} and charts.score == 120 and charts.grade == "A+"
    assert charts.tests["content-security-policy"] == ("csp-implemented-with-unsafe-inline-in-style-src-only", 0)


@pytest.mark.parametrize(("removed", "expected_below"), [
    ("Content-Security-Policy", 100),  # -25, and XFO falls back to the DENY header
    ("Strict-Transport-Security", 100),  # -20
])
def test_removing_a_major_header_drops_the_score_below_a_plus(removed, expected_below):
    result = score(without(removed), GOOD_COOKIES)
    assert result.score < expected_below
    assert result.grade != "A+"


def test_removing_both_frame_protections_drops_below_a_plus():
    headers = without("X-Frame-Options")
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", "")
    result = score(headers, GOOD_COOKIES)
    assert result.tests["x-frame-options"] == ("x-frame-options-not-implemented", -20)
    assert result.score < 100


@pytest.mark.parametrize("removed", ["Content-Security-Policy", "Strict-Transport-Security",
                                     "X-Content-Type-Options", "Referrer-Policy"])
def test_removing_a_scored_header_costs_points(removed):
    assert score(without(removed), GOOD_COOKIES).score < score(GOOD_HEADERS, GOOD_COOKIES).score


@pytest.mark.parametrize("removed", [name for name in GOOD_HEADERS if name != "Content-Type"]
                         + ["Permissions-Policy", "Cross-Origin-Opener-Policy", "Cache-Control"])
def test_the_portals_own_rules_catch_the_removal_of_every_header(removed):
    headers = {**GOOD_HEADERS, "Permissions-Policy": "camera=()", "Cross-Origin-Opener-Policy": "same-origin",
               "Cache-Control": "no-store"}
    assert policy_problems(headers, GOOD_COOKIES, authenticated=True) == []
    headers.pop(removed)
    assert policy_problems(headers, GOOD_COOKIES, authenticated=True) != []


def test_unsafe_script_sources_are_penalised():
    inline = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    evaluated = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'")
    assert score({**GOOD_HEADERS, "Content-Security-Policy": inline}, GOOD_COOKIES).tests[
        "content-security-policy"] == ("csp-implemented-with-unsafe-inline", -20)
    assert score({**GOOD_HEADERS, "Content-Security-Policy": evaluated}, GOOD_COOKIES).tests[
        "content-security-policy"] == ("csp-implemented-with-unsafe-eval", -10)


def test_a_strict_policy_without_unsafe_styles_earns_the_bonus():
    strict = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'"
    result = score({**GOOD_HEADERS, "Content-Security-Policy": strict}, GOOD_COOKIES)
    assert result.tests["content-security-policy"] == ("csp-implemented-with-no-unsafe-default-src-none", 10)
    assert result.score == 130


@pytest.mark.parametrize(("cookie", "outcome"), [
    (Cookie("sessionid", secure=False, httponly=True, samesite="Lax"),
     ("cookies-session-without-secure-flag-but-protected-by-hsts", -10)),
    (Cookie("sessionid", secure=True, httponly=False, samesite="Lax"), ("cookies-session-without-httponly-flag", -30)),
    (Cookie("csrftoken", secure=True, httponly=False, samesite=""), ("cookies-anticsrf-without-samesite-flag", -20)),
    (Cookie("csrftoken", secure=True, httponly=False, samesite="None"), ("cookies-samesite-flag-invalid", -20)),
    (Cookie("theme", secure=False, httponly=False, samesite="Lax"),
     ("cookies-without-secure-flag-but-protected-by-hsts", -5)),
])
def test_weak_cookies_are_penalised(cookie, outcome):
    result = score(GOOD_HEADERS, [cookie])
    assert result.tests["cookies"] == outcome
    assert result.penalties


def test_a_session_cookie_without_secure_over_plain_http_costs_forty():
    result = score(without("Strict-Transport-Security"), [Cookie("sessionid", False, True, "Lax")], https=False)
    assert result.tests["cookies"] == ("cookies-session-without-secure-flag", -40)
    assert result.tests["strict-transport-security"] == ("hsts-not-implemented-no-https", -20)


@pytest.mark.parametrize(("value", "outcome"), [
    ("max-age=15768000", ("hsts-implemented-max-age-at-least-six-months", 0)),
    ("max-age=86400", ("hsts-implemented-max-age-less-than-six-months", -10)),
    ("includeSubDomains", ("hsts-header-invalid", -20)),
])
def test_hsts_lengths(value, outcome):
    assert score({**GOOD_HEADERS, "Strict-Transport-Security": value}, []).tests["strict-transport-security"] == outcome


@pytest.mark.parametrize(("value", "outcome"), [
    ("unsafe-url", ("referrer-policy-unsafe", -5)),
    ("nonsense", ("referrer-policy-header-invalid", -5)),
    ("unsafe-url, strict-origin-when-cross-origin", ("referrer-policy-private", 5)),
])
def test_referrer_policies(value, outcome):
    assert score({**GOOD_HEADERS, "Referrer-Policy": value}, []).tests["referrer-policy"] == outcome


def test_other_penalties():
    assert score({**GOOD_HEADERS, "X-Content-Type-Options": "yes"}, []).tests["x-content-type-options"][1] == -5
    assert score({**GOOD_HEADERS, "Cross-Origin-Resource-Policy": "cross-origin"}, []).tests[
        "cross-origin-resource-policy"][1] == -20
    body = '<script src="http://cdn.example.com/x.js"></script>'
    assert score(GOOD_HEADERS, [], body=body).tests["subresource-integrity"][1] == -50
    body = '<script src="https://cdn.example.com/x.js"></script>'
    assert score(GOOD_HEADERS, [], body=body).tests["subresource-integrity"][1] == -5


def test_bonuses_count_only_when_penalties_leave_ninety_or_more():
    result = score(without("Strict-Transport-Security"), GOOD_COOKIES)
    assert result.score == 80  # 100 - 20; the +5s are not added below 90


def test_an_unparseable_policy_counts_as_invalid():
    assert parse_csp("  ;  ") is None
    assert score({**GOOD_HEADERS, "Content-Security-Policy": "script-src: 'self'"}, []).tests[
        "content-security-policy"] == ("csp-header-invalid", -25)
