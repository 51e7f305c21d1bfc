"""axe-core (vendored from the npm registry in tests/browser/vendor/) on every page each demo role
can reach, at desktop width and at 390 px: no serious or critical WCAG 2.2 A/AA violations, and no
horizontal scrolling at 390 px (the width of a phone, and of a desktop at 400% zoom... near enough
for 200%). Pages are found by following the links on each page from the start page, so a new page
is checked as soon as something links to it."""

from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command
from django.test import override_settings

from portal.models import User

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MAX_PAGES = 40
# Not followed: actions with side effects or downloads, and Django's own admin (not our markup).
SKIP = ("/accounts/logout", "/admin/", "/export", ".csv", ".xlsx", ".zip", "/static/", "/healthz", "/readyz",
        "/metrics")
DEMO_PASSWORD = "a11y-demo-password"
# Elements on the page that scroll sideways within themselves, with how far.
SIDEWAYS_INSIDE = """() => [...document.querySelectorAll('body *')].filter(el => {
  const x = getComputedStyle(el).overflowX;
  return (x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1;
}).map(el => (el.id || el.className || el.tagName) + ': ' + (el.scrollWidth - el.clientWidth) + 'px')"""


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def crawl(page, start: str) -> list[str]:
    seen, queue, order = set(), [start], []
    base = urlparse(page.url)
    while queue and len(order) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        order.append(url)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href = urldefrag(href)[0]
            parsed = urlparse(href)
            if parsed.netloc != base.netloc or any(s in parsed.path for s in SKIP):
                continue
            path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if path not in seen and path not in queue:
                queue.append(path)
    return order


@pytest.fixture
def a11y_page(browser, live_server):
    # axe is injected as a script tag, which the site's CSP (rightly) forbids; only this context
    # bypasses the CSP, so every other browser test still runs under the real policy.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def demo(transactional_db):
    with override_settings(DEBUG=True, DEMO_PASSWORD=DEMO_PASSWORD):
        call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("username", ["demo.officer", "demo.supervisor", "demo.trainer", "demo.oh", "demo.lead",
                                      "demo.peer", "demo.trim"])
@pytest.mark.parametrize("width", [1280, 390])
def test_every_reachable_page_passes_axe(demo, a11y_page, sign_in, username, width):
    page = a11y_page
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, User.objects.get(username=username), password=DEMO_PASSWORD)
    pages = crawl(page, "/")
    assert len(pages) >= 3, pages
    problems = {}
    for url in pages:
        page.goto(url)
        found = axe_violations(page)
        if width == 390:
            scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if scroll > 1:
                found.append({"id": "horizontal-scroll", "impact": "serious", "help": f"{scroll}px too wide"})
            # nor inside it: a table too wide for a phone is stacked rows there (issue 17), not a
            # `.table-responsive` box to scroll sideways
            inside = page.evaluate(SIDEWAYS_INSIDE)
            if inside:
                found.append({"id": "horizontal-scroll-inside", "impact": "serious", "help": inside})
        if found:
            problems[url] = found
    assert problems == {}, problems


def test_the_sign_in_page_passes_axe(transactional_db, a11y_page):
    page = a11y_page
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/accounts/login/")
        assert axe_violations(page) == []
        page.goto("/accessibility/")
        assert axe_violations(page) == []
