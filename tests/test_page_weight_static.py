"""Issue 17, "fast on a phone": what can be checked without a browser. The vendored plotly bundle is
the one static/vendor/README.md names and needs no eval under our CSP; chart pages load it deferred
and nothing else loads it; collected static files come with brotli and gzip copies and a year's
cache. The bytes a browser receives are measured by bench/page_weight.py (a .ci/run step)."""

import hashlib
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

from exposure.tests.test_index import _log

ROOT = Path(__file__).resolve().parents[1]
PLOTLY = ROOT / "static" / "vendor" / "plotly" / "plotly-basic.min.js"


def test_page_weight_plotly_is_the_basic_bundle_named_in_the_vendor_readme():
    readme = (ROOT / "static" / "vendor" / "README.md").read_text()
    digest = hashlib.sha256(PLOTLY.read_bytes()).hexdigest()
    assert "`plotly/plotly-basic.min.js` | `plotly.js-basic-dist-min`" in readme
    assert digest in readme
    assert PLOTLY.read_text()[:200].count("plotly.js (basic - minified)") == 1
    assert not (PLOTLY.parent / "plotly-strict.min.js").exists()


def test_page_weight_plotly_needs_no_unsafe_eval():
    source = PLOTLY.read_text()
    assert "new Function" not in source
    assert re.search(r"(?<![\w.$])eval\s*\(", source) is None


def test_page_weight_chart_page_defers_plotly_and_its_chart_script(client, officer):
    client.force_login(officer)
    html = client.get("/wellbeing/").content.decode()
    assert re.search(r'<script src="[^"]*vendor/plotly/plotly-basic\.min\.js" defer></script>', html)
    assert re.search(r'<script src="[^"]*js/wellbeing-trend\.js" defer></script>', html)
    assert html.index("plotly-basic.min.js") < html.index("wellbeing-trend.js")


def test_page_weight_officer_start_page_draws_its_chart_without_any_script(client, officer):
    # The officer's start page (Lighthouse mobile, at least 90): its load chart is SVG in the HTML,
    # so no plotly, no script of its own, and the strict style policy (no inline style allowed).
    _log(officer, 1)
    client.force_login(officer)
    response = client.get("/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/exposure/"
    assert '<svg class="line-chart"' in html and 'class="line-chart-line" d="M' in html
    assert "plotly" not in html and " style=" not in html
    assert re.findall(r'<script src="[^"]*/([a-z.-]+?)(?:\.[0-9a-f]{12})?\.js" defer>', html) == [
        "bootstrap.bundle.min", "portal"]
    assert "style-src 'self';" in response["Content-Security-Policy"]


def test_page_weight_pages_without_charts_do_not_load_plotly(client, officer):
    client.force_login(officer)
    for url in ("/", "/training/", "/wellbeing/checkin/phq9/"):
        assert "plotly" not in client.get(url, follow=True).content.decode(), url


@pytest.mark.parametrize("debug", [False, True])
def test_page_weight_collected_static_files_are_compressed_and_cached(tmp_path, settings, debug):
    storages = {**settings.STORAGES,
                "staticfiles": {"BACKEND": "portal.staticfiles.CollectedStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, WHITENOISE_AUTOREFRESH=False,
                           WHITENOISE_USE_FINDERS=False, DEBUG=debug):
        call_command("collectstatic", "--noinput", "--verbosity", "0")
        # make run (DEBUG on) hands out the hashed names too, which WhiteNoise caches for a year
        assert re.fullmatch(r"/static/js/portal\.[0-9a-f]{12}\.js", static("js/portal.js"))
        collected = {p.name for p in (tmp_path / "vendor" / "plotly").iterdir()}
        hashed = next(n for n in collected if re.fullmatch(r"plotly-basic\.min\.[0-9a-f]{12}\.js", n))
        assert {hashed + ".br", hashed + ".gz"} <= collected
        serve = WhiteNoiseMiddleware(lambda request: None)  # answers before any view would
        for encoding in ("br", "gzip"):
            request = RequestFactory().get(f"/static/vendor/plotly/{hashed}",
                                           HTTP_ACCEPT_ENCODING=f"{encoding}, deflate")
            response = serve(request)
            assert response["Content-Encoding"] == encoding
            assert response["Cache-Control"] == "max-age=315360000, public, immutable"
