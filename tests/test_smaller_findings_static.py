"""Issue 15, item 10 (styles and vendored files): no inline style in any template, a style-src
without 'unsafe-inline' on every page except those that load plotly (which injects <style>
elements, see portal/templatetags/charts.py), and no vendored file that nothing uses."""

import re
from pathlib import Path

from exposure.tests.test_index import _log

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]


def _style_src(response):
    csp = response["Content-Security-Policy"]
    return next(part.strip() for part in csp.split(";") if part.strip().startswith("style-src"))


def test_smaller_findings_no_template_has_an_inline_style():
    found = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text()
            if re.search(r"""\sstyle\s*=\s*["']|<style[\s>]""", text):
                found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_smaller_findings_pages_without_charts_allow_no_inline_style(client, officer, admin_user):
    assert _style_src(client.get("/accounts/login/")) == "style-src 'self'"
    client.force_login(officer)
    for url in ("/", "/training/", "/wellbeing/checkin/phq9/", "/accounts/security/"):
        response = client.get(url, follow=True)
        assert _style_src(response) == "style-src 'self'", url
    client.force_login(admin_user)
    assert _style_src(client.get("/admin/")) == "style-src 'self'"


def test_smaller_findings_only_chart_pages_allow_inline_style(client, officer):
    # Updated (issue 17): the officer's start page draws its load chart as SVG on the server, so it
    # loads no plotly and allows no inline style; the check-ins page still draws with plotly.
    _log(officer, 1)
    client.force_login(officer)
    response = client.get("/wellbeing/")
    assert "plotly-basic.min.js" in response.content.decode()
    assert _style_src(response) == "style-src 'self' 'unsafe-inline'"
    response = client.get("/exposure/")
    assert "plotly" not in response.content.decode() and 'class="line-chart"' in response.content.decode()
    assert _style_src(response) == "style-src 'self'"


def test_smaller_findings_every_vendored_file_is_used():
    sources = "".join(p.read_text(errors="replace") for d in TEMPLATE_DIRS for p in d.rglob("*.html"))
    sources += "".join(p.read_text() for p in (ROOT / "static" / "js").rglob("*.js"))
    sources += "".join(p.read_text() for p in ROOT.glob("*/templatetags/*.py"))
    sources += (ROOT / ".ci" / "run").read_text()
    unused = [str(p.relative_to(ROOT)) for p in (ROOT / "static" / "vendor").rglob("*")
              if p.is_file() and p.name not in {"LICENSE", "README.md"}
              and f"vendor/{p.parent.name}/{p.name}" not in sources]
    assert unused == []
    assert not (ROOT / "static" / "vendor" / "htmx").exists()
