"""Every form on the site, driven by hypothesis with hostile and random input: never a server
error, and nothing typed comes back unescaped.

The forms are found the way a person finds them: sign in as each demo role, follow the links from
the start page, and collect every `<form method="post">` on every page reached (with its fields).
Each example then posts the same payload into every text field of every form (choices keep a
valid value, so the payload reaches validation rather than being refused at the first field)."""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TwoFactorClient
from portal.models import User

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE portal_user; --",
    "1 OR 1=1",
    "=HYPERLINK(\"http://example.invalid\")",
    "\x00null\x00byte",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ Cymraeg: ŵŷâ",
    "x" * 20_000,
    "-1",
    "99999999999999999999",
    "2026-02-30",
    "../../etc/passwd",
    "{{ request.user.password }}",
]
ROLES = ["demo.officer", "demo.supervisor", "demo.trainer", "demo.oh", "demo.peer", "demo.trim"]
# Forms that end the session or the second factor would stop the crawl; they are tested elsewhere.
SKIP_ACTIONS = ("/accounts/logout/", "/sign-out-everywhere/", "/two-factor-off/", "/accounts/language/",
                "/recovery-codes/", "/delete/", "/notifications/read/")
MAX_PAGES = 90  # breadth-first: the officer has more pages one click away since issue 21 (talk, flags, privacy)


class Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "text": [], "choices": {}, "checks": []}
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            name, kind = a["name"], (a.get("type") or tag).lower()
            if name == "csrfmiddlewaretoken" or kind in ("submit", "button", "file"):
                return
            if kind in ("hidden", "radio", "select"):
                self._form["choices"].setdefault(name, a.get("value", ""))
            elif kind == "checkbox":
                self._form["checks"].append(name)
            else:
                self._form["text"].append(name)
        elif self._form is not None and tag == "option" and a.get("value") is not None:
            pass

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def discover(client, start="/"):
    seen, queue, forms = set(), [start], {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        url = response.request["PATH_INFO"]  # where any redirect ended
        parser = Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = urljoin(url, form["action"] or url)
            if any(s in action for s in SKIP_ACTIONS):
                continue
            # one form per kind of page (twenty shifts' correction forms are one form)
            view = resolve(urlparse(action).path).view_name
            if view not in {f["view"] for f in forms.values()}:
                forms[action] = {**form, "view": view}
        for href in parser.links:
            parsed = urlparse(urldefrag(urljoin(url, href))[0])
            if parsed.netloc not in ("", "testserver") or parsed.path.startswith(("/admin/", "/static/")):
                continue
            if any(s in parsed.path for s in ("/export", ".csv", ".xlsx", "logout")):
                continue
            path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if path not in seen:
                queue.append(path)
    return forms


@pytest.fixture
def site(db):
    """The demo force and each role's forms. Hypothesis runs every example inside this one test
    transaction (the fixture is made once per test), so the seeding and crawl happen once."""
    with override_settings(DEBUG=True, DEMO_PASSWORD="fuzz-demo-password"):
        call_command("seed_demo", verbosity=0)
    found = {}
    for username in ROLES:
        client = TwoFactorClient()
        client.force_login(User.objects.get(username=username))
        found[username] = discover(client)
    return found


def test_the_crawl_finds_the_forms_people_use(site):
    everywhere = {action for forms in site.values() for action in forms}
    assert any("/exposure/log/" in a for a in everywhere)
    assert any("/wellbeing/checkin/" in a for a in everywhere)
    assert any("/training/manage/assign/" in a for a in everywhere)
    # issue 21: the officer's context on a flag, the supervisor's "close as not applicable"
    assert any(a.endswith("/context/") and "/wellbeing/flags/" in a for a in everywhere)
    assert any(a.endswith("/not-applicable/") for a in everywhere)
    assert "/wellbeing/privacy/sharing/" in {urlparse(a).path for a in site["demo.officer"]}  # issue 21
    # issue 20: the supervisor declares a TRiM incident or refers someone (the officer's own referral is the
    # same form without the person)
    assert {"/trim/declare/", "/trim/refer/"} <= {urlparse(a).path for a in site["demo.supervisor"]}
    assert any("/screening/oh/" in a for a in site["demo.oh"])  # issue 20: OH's screening record
    assert sum(len(forms) for forms in site.values()) >= 15
    # issue 20: the TRiM coordinator's planning meeting, assigning and the practitioner's assessment
    trim_views = {form["view"] for who in ("demo.trim", "demo.peer") for form in site[who].values()}
    assert {"trim:incident", "trim:case-assign", "trim:assessment", "trim:case-close"} <= trim_views
    # the officer answers the offer; OH records a screening (issue 20)
    assert {"trim:accept", "trim:decline"} & {form["view"] for form in site["demo.officer"].values()}
    assert "screening:oh-record" in {form["view"] for form in site["demo.oh"].values()}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(payload=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300)))
def test_no_form_answers_hostile_input_with_a_server_error_or_unescaped_markup(site, payload):
    problems = []
    for username, forms in site.items():
        client = TwoFactorClient(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        for action, form in forms.items():
            data = {name: payload for name in form["text"]}
            data.update(form["choices"])
            data.update({name: "on" for name in form["checks"]})
            response = client.post(action, data)
            if response.status_code >= 500:
                problems.append(f"{username} {action}: {response.status_code}")
            elif "<script>alert(1)</script>" in payload and "<script>alert(1)</script>" in \
                    response.content.decode(errors="replace"):
                problems.append(f"{username} {action}: the script came back unescaped")
    assert problems == []


# issue 20: the filters sent by GET (TRiM's queue and reports, OH's screening list), which the crawl of
# POST forms above does not reach: every parameter gets the same payload.
GET_FILTERS = {
    "coordinator": {"/trim/": ["incident", "show", "page"], "/trim/reports/": ["date_from", "date_to"],
                    "/trim/reports/export/": ["date_from", "date_to", "format"]},
    "oh": {"/screening/oh/": ["state", "kind", "role", "page"], "/oh/": ["page"]},
}


@pytest.fixture
def filter_users(force, oh):
    from portal.tests.factories import UserFactory

    return {"coordinator": UserFactory(username="fuzz.trim", organisation=force, is_trim_coordinator=True), "oh": oh}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(payload=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300)))
def test_no_get_filter_answers_hostile_input_with_a_server_error_or_unescaped_markup(filter_users, payload):
    from urllib.parse import urlencode

    problems = []
    for who, pages in GET_FILTERS.items():
        client = TwoFactorClient(raise_request_exception=False)
        client.force_login(filter_users[who])
        for path, params in pages.items():
            response = client.get(f"{path}?{urlencode({name: payload for name in params})}")
            if response.status_code >= 500:
                problems.append(f"{who} {path}: {response.status_code}")
            elif "<script>alert(1)</script>" in response.getvalue().decode(errors="replace"):
                problems.append(f"{who} {path}: the script came back unescaped")
    assert problems == []
